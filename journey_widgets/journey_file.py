"""A journey file in the step builder: ``%journey open PATH`` shows the builder with a Save button that writes the
file as :meth:`Journey.save` does (a missing file is created with one stage first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets

from journey_widgets.errors import JourneyError
from journey_widgets.model import Journey

#: What a new journey file holds: one stage, ready to edit.
NEW_JOURNEY = Journey("New journey").stage("Visited", "page_visited")


def load_or_create(path: str | Path) -> Journey:
    """The journey in ``path``; a missing file is written first with :data:`NEW_JOURNEY`."""
    path = Path(path)
    if not path.exists():
        NEW_JOURNEY.save(path)
    return Journey.load(path)


def sample_data() -> tuple[Any, Any]:
    """The default data of a journey opened without any: 100,000 sample events and their identity map."""
    from journey_widgets.sample import sample_events

    return sample_events(100_000)


class JourneyFileBuilder(ipywidgets.VBox):
    """The builder on a journey file: a Save bar above it; ``save()`` writes the builder's journey to the file."""

    def __init__(self, path: str | Path, events: Any = None, *, identity: Any = None, **options: Any) -> None:
        from journey_widgets.builder.widget import JourneyBuilder

        self.path = Path(path)
        journey = load_or_create(self.path)
        if events is None:
            events, identity = sample_data()
        #: The step builder editing the file's journey.
        self.builder = JourneyBuilder(events, journey, identity=identity, **options)
        self._button = ipywidgets.Button(description="Save", icon="save", tooltip=f"Write the journey to {self.path}")
        self._button.add_class("jw-file-save")
        self._status = ipywidgets.Label(str(self.path))
        self._status.add_class("jw-file-status")
        self._button.on_click(lambda _button: self._save_clicked())
        super().__init__([ipywidgets.HBox([self._button, self._status]), self.builder])

    def save(self) -> None:
        """Write the journey in the builder to the file; an invalid or incomplete journey is refused (the file is
        left as it was) with a :class:`JourneyDefinitionError` naming the problems."""
        self.builder.save(self.path)

    def _save_clicked(self) -> None:
        try:
            self.save()
        except JourneyError as exc:
            self._status.value = f"not saved: {exc}"
        else:
            self._status.value = f"saved {self.path}"
