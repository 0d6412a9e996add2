"""``python -m engine`` runs the same command line as ``lectio``."""

from engine.cli import main

raise SystemExit(main())
