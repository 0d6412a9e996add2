"""The author's tools, headless: scaffolding new files (``scaffold``), editing a course file
as text (``course_edit``), and converting lessons to and from other formats (``export_nb``,
``lms``, ``importer``). The CLI commands ``lectio new``, ``lectio export`` and
``lectio import`` drive them; nothing here runs a lesson's code.
"""
