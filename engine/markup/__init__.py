"""Markdown and TeX as readable text, headless: one understanding for the TUI and plain mode."""
