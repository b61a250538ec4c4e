"""zhijian (质检): score, validate and analyse call-centre quality-inspection workbooks."""

__version__ = "0.1.0"
