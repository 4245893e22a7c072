"""sar-coord: maritime search-and-rescue coordination."""
