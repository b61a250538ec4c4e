"""zhijian.excel."""
