"""The editor's ``python`` trait: the code of the journey it holds (:func:`journey_widgets.codegen.journey_code`),
for its "Copy as Python" and "Insert cell below" buttons; empty while the journey is not valid."""

from __future__ import annotations

from typing import Any

from journey_widgets.codegen import journey_code
from journey_widgets.errors import JourneyError
from journey_widgets.model import Journey


def code_of(document: Any) -> str:
    """The Python that rebuilds ``document`` (a version-1 journey dict), or ``""`` when it is not a valid journey."""
    try:
        journey = Journey.from_dict(document)
    except (JourneyError, RecursionError):
        return ""
    return journey_code(journey)


def follow_journey(editor: Any) -> None:
    """Keep ``editor.python`` the code of ``editor.journey``."""

    def update(_change: Any = None) -> None:
        editor.python = code_of(editor.journey)

    editor.observe(update, names="journey")
    update()
