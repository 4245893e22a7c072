"""sar-coord: maritime search-and-rescue coordination."""

__version__ = "0.1.0"
