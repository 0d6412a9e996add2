"""Names the interface gives to values of the lesson model, one table for every front end.

The values are marked messages (:func:`engine.i18n.N_`), translated where they are shown with
:func:`engine.i18n.tr`, so extraction sees each name and no message id is built at run time.
"""

from __future__ import annotations

from engine.i18n import N_, Msg

NOTE_KINDS: dict[str, Msg] = {
    "definition": N_("Definition"),
    "tip": N_("Tip"),
    "info": N_("Info"),
    "warning": N_("Warning"),
}
"""The heading of a note of each ``kind`` (engine.format.models.NoteBlock)."""
