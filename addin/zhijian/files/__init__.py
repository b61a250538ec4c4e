"""zhijian.files."""
