"""zhijian.cli."""
