"""The lesson, course and quiz file format: typed models, a safe YAML reader, located errors."""

from engine.format.problems import LoadError, Problem
from engine.format.spans import Span

__all__ = ["LoadError", "Problem", "Span"]
