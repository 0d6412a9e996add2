"""Which version of a file a learner saw: the git blob hash of its bytes.

The same hash ``git hash-object FILE`` prints, so an author can find the exact version a comment
or an answer was about with ``git log --all --find-object=<hash>``, even after editing the file.
A document built in code (no file) is hashed from its model dump instead, prefixed ``model:``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine.format.models import Node


def blob_hash(data: bytes) -> str:
    """git's object id for a blob with these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def content_hash(doc: Node) -> str:
    """The hash of the file ``doc`` was loaded from (or of its content if there is none)."""
    file = doc.span.file
    if file and not file.startswith("<"):
        try:
            return blob_hash(Path(file).read_bytes())
        except OSError:
            pass
    dump = doc.model_dump_json(by_alias=True).encode("utf-8")
    return "model:" + hashlib.sha256(dump).hexdigest()[:40]
