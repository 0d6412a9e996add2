"""The plain line mode: lessons, courses and quizzes as text, for any terminal, screen readers
and scripts (``lectio open PATH --plain``). Entry point: :func:`engine.plain.app.run_plain`."""
