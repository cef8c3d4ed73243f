"""The step catalog: events, their categories and filterable properties, as package data.

``Catalog.default()`` gives an independent copy users may extend with custom event types and
properties; ``default_catalog()`` is the shared read-only instance.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
from dataclasses import asdict, dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from journey_widgets.errors import CatalogError, UnknownEventWarning, UnknownPropertyWarning
from journey_widgets.operators import PROPERTY_KINDS

if TYPE_CHECKING:
    from journey_widgets.model import Journey

PropertyType = Literal["string", "number", "timestamp", "boolean"]  # = operators.PROPERTY_KINDS
_MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class PropertySpec:
    """A filterable property: its column name, label, type and allowed values where fixed."""

    name: str
    label: str
    type: PropertyType = "string"
    values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class EventSpec:
    """An event type a step can use."""

    id: str
    category: str
    label: str
    anonymous: bool
    properties: tuple[str, ...]
    description: str = ""
    custom: bool = False


@dataclass(frozen=True)
class CategorySpec:
    """A group of events, as the step picker shows them."""

    id: str
    label: str


@functools.cache
def _packaged() -> dict[str, Any]:
    return json.loads(resources.files("journey_widgets").joinpath("catalog.json").read_text(encoding="utf-8"))


class Catalog:
    """Events by id, categories, properties; searchable and extensible."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._categories = {c["id"]: CategorySpec(c["id"], c["label"]) for c in data["categories"]}
        self._properties = {
            p["name"]: PropertySpec(p["name"], p["label"], p["type"], tuple(p["values"]) if p["values"] else None)
            for p in data["properties"]
        }
        self._events = {
            e["id"]: EventSpec(
                e["id"], e["category"], e["label"], e["anonymous"], tuple(e["properties"]), e.get("description", "")
            )
            for e in data["events"]
        }

    @classmethod
    def default(cls) -> Catalog:
        """A fresh copy of the packaged catalog (registrations on it stay on it)."""
        return cls(copy.deepcopy(_packaged()))

    # ------------------------------------------------------------------ lookup
    @property
    def events(self) -> tuple[EventSpec, ...]:
        return tuple(self._events.values())

    @property
    def categories(self) -> tuple[CategorySpec, ...]:
        return tuple(self._categories.values())

    def has_event(self, event_id: str) -> bool:
        return event_id in self._events

    def event(self, event_id: str) -> EventSpec:
        """The event with this id; the error suggests close matches."""
        try:
            return self._events[event_id]
        except KeyError:
            raise CatalogError(f"unknown event type {event_id!r}{_suggest(event_id, self._events)}") from None

    def property(self, name: str) -> PropertySpec:
        """The property with this name; the error suggests close matches."""
        try:
            return self._properties[name]
        except KeyError:
            raise CatalogError(f"unknown property {name!r}{_suggest(name, self._properties)}") from None

    def properties_for(self, event_id: str) -> tuple[PropertySpec, ...]:
        """The filterable properties of an event, in catalog order."""
        return tuple(self._properties[name] for name in self.event(event_id).properties)

    def events_in(self, category_id: str) -> tuple[EventSpec, ...]:
        if category_id not in self._categories:
            raise CatalogError(f"unknown category {category_id!r}{_suggest(category_id, self._categories)}")
        return tuple(e for e in self._events.values() if e.category == category_id)

    def search(self, text: str) -> tuple[EventSpec, ...]:
        """Events whose id, label or category (id or label) contains ``text``, case-insensitive."""
        needle = text.strip().lower()
        return tuple(
            e
            for e in self._events.values()
            if needle in e.id.lower()
            or needle in e.label.lower()
            or needle in e.category.lower()
            or needle in self._categories[e.category].label.lower()
        )

    # ------------------------------------------------------------------ extension
    def register_event(
        self,
        event_id: str,
        *,
        label: str | None = None,
        category: str = "custom",
        anonymous: bool = False,
        properties: tuple[str, ...] | list[str] = (),
        description: str = "",
    ) -> EventSpec:
        """Add a custom event type; its properties must be known (built in or registered)."""
        if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > _MAX_ID_LENGTH:
            raise CatalogError(f"a custom event id must be a non-empty text of at most {_MAX_ID_LENGTH} characters")
        if event_id in self._events:
            raise CatalogError(f"event type {event_id!r} is already in the catalog")
        for name in properties:
            self.property(name)
        if category not in self._categories:
            self._categories[category] = CategorySpec(category, category.replace("_", " ").capitalize())
        spec = EventSpec(event_id, category, label or event_id, anonymous, tuple(properties), description, custom=True)
        self._events[event_id] = spec
        return spec

    def register_property(
        self, name: str, *, type: PropertyType = "string", label: str | None = None, values: list[str] | None = None
    ) -> PropertySpec:
        """Add a custom filterable property."""
        if not isinstance(name, str) or not name.strip() or len(name) > _MAX_ID_LENGTH:
            raise CatalogError(f"a property name must be a non-empty text of at most {_MAX_ID_LENGTH} characters")
        if name in self._properties:
            raise CatalogError(f"property {name!r} is already in the catalog")
        if type not in PROPERTY_KINDS:
            raise CatalogError(f"property type must be one of {', '.join(PROPERTY_KINDS)}, got {type!r}")
        spec = PropertySpec(name, label or name, type, tuple(values) if values else None)
        self._properties[name] = spec
        return spec

    def warnings_for(self, journey: Journey) -> list[UnknownEventWarning | UnknownPropertyWarning]:
        """What the catalog alone can say about ``journey``: event types and filtered properties it lacks
        (fine for custom ones the data holds; checking against the data decides)."""
        found: list[UnknownEventWarning | UnknownPropertyWarning] = []
        for where, _, step in journey.step_places():
            if not self.has_event(step.event):
                found.append(
                    UnknownEventWarning(
                        f"{where}: unknown event type {step.event!r}: not in the step catalog"
                        f"{_suggest(step.event, self._events)}; it matches no event unless the data has it"
                    )
                )
            for index, flt in enumerate(step.filters):
                if flt.property not in self._properties:
                    found.append(
                        UnknownPropertyWarning(
                            f"{where}, filter {index + 1} ({flt.property} {flt.op}): property {flt.property!r} "
                            f"is not in the step catalog{_suggest(flt.property, self._properties)}; "
                            "the events table must have this column"
                        )
                    )
        return found

    def labels(self) -> dict[str, str]:
        """Event id -> label, for charts and tables."""
        return {e.id: e.label for e in self._events.values()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (what the widget's step picker receives)."""
        return {
            "categories": [asdict(c) for c in self._categories.values()],
            "events": [asdict(e) | {"properties": list(e.properties)} for e in self._events.values()],
            "properties": [
                asdict(p) | {"values": list(p.values) if p.values else None} for p in self._properties.values()
            ],
        }


def _suggest(name: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


@functools.cache
def default_catalog() -> Catalog:
    """The shared, read-only default catalog (use ``Catalog.default()`` to extend)."""
    return Catalog.default()
