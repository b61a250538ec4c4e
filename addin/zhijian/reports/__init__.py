"""zhijian.reports."""
