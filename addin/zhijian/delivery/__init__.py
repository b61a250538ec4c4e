"""zhijian.delivery."""
