"""Article Browser: read WordPress articles offline."""

__version__ = "0.1.0"
