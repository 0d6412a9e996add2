"""The Textual front end: study a course, a lesson or a quiz in the terminal.

The only part of lectio that imports textual. It drives the headless session
(:mod:`engine.session`) and never grades, shuffles or records anything itself; kernel calls happen
in thread workers so the interface never waits on torch.
"""
