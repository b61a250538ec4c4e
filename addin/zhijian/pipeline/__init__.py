"""zhijian.pipeline."""
