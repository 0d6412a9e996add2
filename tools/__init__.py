"""Developer tools run from a clone (not shipped in the wheel)."""
