"""Checking lesson, course and quiz files the way ``lectio validate`` does, headless.

``discover`` turns command-line paths into course folders, lesson files and quiz files;
``schema`` loads them and checks cross-references, producing :class:`report.FileReport`s;
``text``, ``jsonout`` and ``junit`` render a :class:`report.ValidationReport`. Running the code
cells is the kernel's job (``engine.execution.validate``); its checks join the same reports.
"""
