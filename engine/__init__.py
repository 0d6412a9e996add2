"""lectio: interactive lessons and quizzes in the terminal.

The ``engine`` package is the headless core: file format, loading, execution, grading,
the lesson session and storage. It never imports Textual; front ends live in
``engine.tui`` (Textual), ``engine.plain`` (line mode), ``engine.cli`` and
``engine.pytest_plugin``, and drive the core instead of repeating its logic.
"""

__version__ = "0.1.0"
