"""The kernel side of a ``*.journey.json`` document in JupyterLab (the ``journey-widgets`` lab extension).

The document's kernel runs :func:`open_document`: the step builder on the file's journey and the data the user
picked (a Parquet/CSV path relative to the file, a database ``URL#table``, or the sample data by default). A comm
(target :data:`COMM_TARGET`) carries the file between the page and the builder:

- kernel -> page ``{"type": "journey", "text": ...}``: the builder's journey as :meth:`Journey.save` writes it, after
  each valid edit (the document becomes dirty);
  ``{"type": "invalid", "problem": ...}``: the builder holds an invalid draft (the document keeps the last valid
  text, so Save never writes the draft, and says why);
- page -> kernel ``{"type": "source", "text": ...}``: the file's text (reverted, reloaded): the builder shows it.
"""

from __future__ import annotations

import threading
from typing import Any

from journey_widgets._ipython import one_line_in_ipython
from journey_widgets.errors import DataBindingError, JourneyError
from journey_widgets.model import Journey

COMM_TARGET = "journey-widgets-document"


def file_text(journey: Journey) -> str:
    """The text of a journey file, exactly as :meth:`Journey.save` writes it."""
    return journey.to_json() + "\n"


def read_data(events: str = "", identity: str = "") -> tuple[Any, Any]:
    """The document's data: ``events`` (a path relative to the file, where the kernel runs, or ``URL#table``) and
    its identity map, or the sample data when ``events`` is empty. Files are read into a DuckDB connection of the
    document's own, so a builder still computing on the previous data does not hold it."""
    if not events.strip():
        from journey_widgets.journey_file import sample_data

        return sample_data()
    import ibis

    from journey_widgets.sources import read_table

    connection = ibis.duckdb.connect()
    try:
        table = read_table(events.strip(), connection=connection)
        return table, read_table(identity.strip(), connection=connection, what="identity") if identity.strip() else None
    except JourneyError:
        raise
    except Exception as exc:  # a file or connection error: one line naming the source
        raise DataBindingError(f"cannot read the events {events.strip()!r}: {exc}") from None


class JourneyDocument:
    """The builder of one document and its comm with the page."""

    def __init__(self, text: str, events: str = "", identity: str = "") -> None:
        from comm import create_comm

        from journey_widgets.builder.widget import JourneyBuilder

        journey = Journey.from_json(text)
        data, identity_table = read_data(events, identity)
        #: The step builder showing the file's journey.
        self.builder = JourneyBuilder(data, journey, identity=identity_table)
        # The journey the page has last (its text, or the last edit sent): the builder showing it is nothing to send.
        # Compared with the trait's current value under a lock, as the kernel may handle the page's message and an
        # edit in two threads at once (ipykernel's subshells), and a late notification must not resend an old journey.
        self._page_has: dict[str, Any] = self.builder.editor.journey
        self._lock = threading.Lock()
        self._comm = create_comm(target_name=COMM_TARGET, data={"type": "ready"})
        self._comm.on_msg(self._on_page)
        self.builder.editor.observe(self._on_edit, names="journey")

    def _on_edit(self, _change: Any) -> None:
        with self._lock:
            document = self.builder.editor.journey
            if document == self._page_has:
                return
            self._page_has = document
            try:
                journey = Journey.from_dict(document)
            except JourneyError as exc:
                self._comm.send({"type": "invalid", "problem": str(exc)})
            else:
                self._comm.send({"type": "journey", "text": file_text(journey)})

    def _on_page(self, message: dict[str, Any]) -> None:
        data = message.get("content", {}).get("data", {})
        if data.get("type") != "source":
            return
        try:
            journey = Journey.from_json(data.get("text", ""))
        except JourneyError as exc:
            self._comm.send({"type": "invalid", "problem": f"the file is not a valid journey: {exc}"})
            return
        with self._lock:
            self._page_has = journey.to_dict()
        self.builder.journey = journey


def open_document(text: str, events: str = "", identity: str = "") -> Any:
    """The builder of a journey document (what its output area shows); errors are one line."""
    try:
        return JourneyDocument(text, events, identity).builder
    except JourneyError as exc:
        raise one_line_in_ipython(exc) from None
