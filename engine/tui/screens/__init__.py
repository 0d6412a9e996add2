"""Screens: course map, lesson, standalone quiz, help."""
