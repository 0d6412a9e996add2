"""Widgets of the lesson page, one module per block kind or feature."""
