"""zhijian.engine."""
