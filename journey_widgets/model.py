"""The journey definition: journey, stages, steps, filters.

One frozen pydantic model, used everywhere: it validates, round-trips the version-1 JSON
losslessly and publishes its JSON Schema. Builder methods return a new journey and leave the
one they are called on unchanged (as Ibis and Altair do), so keep what they return::

    journey = (
        Journey("Visitor to customer", window="30d")
        .stage("Visited", step("page_visited", anonymous=True, country=["US", "DE"]))
        .stage("Converted", step("form_submission"))
        .stage("Won", step("deal_stage_changed", deal_stage="closedwon"))
    )
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from journey_widgets.durations import as_utc, format_duration, parse_duration
from journey_widgets.errors import DefinitionCode, JourneyDefinitionError, JourneyError
from journey_widgets.errors import shown as _shown
from journey_widgets.operators import OPERATOR_IDS, check_value

if TYPE_CHECKING:
    from journey_widgets.result import JourneyResult

MAX_STAGES = 20
MAX_STEPS = 10
MAX_NAME_LENGTH = 200
#: The longest window, in years of 365 days: times are 64-bit microseconds, and the window sweep doubles it.
MAX_WINDOW_YEARS = 100_000
MAX_WINDOW = timedelta(days=365 * MAX_WINDOW_YEARS)


def _refuse(code: DefinitionCode, message: str, **details: Any) -> PydanticCustomError:
    """A validator's problem: ``message`` for a person; ``code`` (pydantic's error ``type``) and ``details`` (its
    ``ctx``) for a program. pydantic fills a template's ``{key}`` from the context key after key, so a name holding
    "{stage}" would be rewritten: the message is made here and filled in last (:func:`problem_of` drops it again)."""
    return PydanticCustomError(code, "{message}", {**details, "message": message})


def _without_nul(text: str) -> str:
    if "\x00" in text:
        message = f"{_shown(text)} contains a NUL character, which databases cannot hold in text"
        raise _refuse("nul_character", message, text=text)
    return text


#: Names and texts that reach the database as literals: no NUL (SQLite and PostgreSQL refuse it).
Text = Annotated[str, AfterValidator(_without_nul)]
_WINDOW_CAP = f"a window is at most {MAX_WINDOW_YEARS:,} years ({MAX_WINDOW.days:,} days)"
TOO_DEEP = "the journey document is nested too deeply to be a journey"
Scalar = str | int | float | bool
#: The filter operators' ids, from the registry (:mod:`journey_widgets.operators`).
Op = Literal[OPERATOR_IDS]  # type: ignore[valid-type]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def __init__(self, **data: Any) -> None:
        """Build and validate; a problem is one :class:`JourneyDefinitionError` naming where it is."""
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise definition_error(exc) from None

    # Nested models still validate inside pydantic (keeping each problem's location), not through __init__.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


class Filter(_Frozen):
    """A condition on an event property; all of a step's filters must hold."""

    property: Text = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    op: Op
    value: Any = None

    @model_validator(mode="after")
    def _check_value(self) -> Filter:
        check_value(self.op, self.value)
        return self

    @field_validator("value", mode="before")
    @classmethod
    def _lists_as_tuples(cls, value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, float) and not math.isfinite(item):
                raise _refuse(
                    "value_not_finite", f"value {item!r} is not a finite number (JSON cannot hold it)", value=item
                )
            if isinstance(item, str):
                _without_nul(item)
        return tuple(value) if isinstance(value, list) else value

    @field_serializer("value")
    def _tuples_as_lists(self, value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    def __str__(self) -> str:
        return f"{self.property} {self.op}" + ("" if self.value is None else f" {self.value!r}")


class Step(_Frozen):
    """An event type with property filters: one way to reach a stage."""

    event: Text = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    filters: tuple[Filter, ...] = ()
    include_anonymous: bool = False

    @model_validator(mode="after")
    def _check_anonymous(self) -> Step:
        if self.include_anonymous:
            from journey_widgets.catalog import default_catalog

            catalog = default_catalog()
            if catalog.has_event(self.event) and not catalog.event(self.event).anonymous:
                raise _refuse(
                    "anonymous_not_tracked",
                    f"event {self.event!r} does not support anonymous visitors "
                    "(include_anonymous is allowed only on tracked events such as page_visited)",
                    event=self.event,
                )
        return self


class Stage(_Frozen):
    """A named stage, reached by any one of its steps (OR)."""

    name: Text = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    steps: tuple[Step, ...] = Field(min_length=1, max_length=MAX_STEPS)
    #: The path may skip this stage (docs/semantics.md#optional-stages): never the first or the last stage.
    optional: bool = False

    @model_validator(mode="before")
    @classmethod
    def _has_steps(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("steps"), list | tuple) and not data["steps"]:
            name = data.get("name")
            example = f".stage({name!r}, 'page_visited')" if isinstance(name, str) else '"steps": [{"event": ...}]'
            message = f"stage {_shown(name)} has no steps: give at least one, e.g. {example}"
            raise _refuse("stage_without_steps", message, name=name)
        return data


class Exclusion(Step):
    """Remove actors with a matching event between two stages of their path (1-based)."""

    between: tuple[int, int]

    @model_validator(mode="after")
    def _check_between(self) -> Exclusion:
        first, last = self.between
        if not 1 <= first < last:
            message = f"between must be two stage numbers i < j, both from 1, got {list(self.between)}"
            raise _refuse("stages_not_ascending", message, between=list(self.between))
        return self


class DateRange(_Frozen):
    """Half-open [start, end) range on the journey's start event (UTC)."""

    start: datetime | None = None
    end: datetime | None = None

    @field_validator("start", "end", mode="after")
    @classmethod
    def _as_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            return as_utc(value)
        except OverflowError:
            raise _refuse("date_out_of_range", f"{value.isoformat()} is out of range in UTC", value=value) from None

    @field_serializer("start", "end")
    def _iso_z(self, value: datetime | None) -> str | None:
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    @model_validator(mode="after")
    def _check_order(self) -> DateRange:
        if self.start is not None and self.end is not None and self.start >= self.end:
            message = f"date range start {self.start} is not before its end {self.end}"
            raise _refuse("date_range_reversed", message, start=self.start, end=self.end)
        return self


Attribution = Literal["first_touch", "last_touch", "stage"]


class Breakdown(_Frozen):
    """Split the results by a property of one event of the path: the start event (``first_touch``), the
    event that reached the path's deepest stage (``last_touch``) or the one that reached ``stage``."""

    property: Text = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    limit: int = Field(default=10, ge=1, le=1000)
    attribution: Attribution = "first_touch"
    stage: int | None = Field(default=None, ge=1, le=MAX_STAGES)

    @model_validator(mode="after")
    def _check_stage(self) -> Breakdown:
        if self.attribution == "stage" and self.stage is None:
            example = '{"attribution": "stage", "stage": 2}'
            raise _refuse("attribution_stage_missing", f'attribution "stage" needs the stage number, e.g. {example}')
        if self.attribution != "stage" and self.stage is not None:
            message = f'stage {self.stage} is given but attribution is {self.attribution!r}, not "stage"'
            raise _refuse("stage_without_stage_attribution", message, stage=self.stage, attribution=self.attribution)
        return self

    def attributed_stage(self) -> int | None:
        """The stage whose event gives the value: 1 for first touch, ``stage``, or None (last touch)."""
        return {"first_touch": 1, "stage": self.stage}.get(self.attribution)


def _unique_properties(names: tuple[str, ...]) -> tuple[str, ...]:
    for index, name in enumerate(names, start=1):
        if not name.strip():
            message = f"property {index} has no name: name a property, e.g. 'product_id'"
            raise _refuse("property_unnamed", message, index=index)
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise _refuse("property_repeated", f"{', '.join(map(repr, repeated))} is named more than once", names=repeated)
    return names


MAX_HELD = 3


class Journey(_Frozen):
    """An ordered list of stages plus its settings (the version-1 journey document).

    Immutable: every builder method returns a new journey. ``repr`` shows what a journey holds, so a
    builder call whose result was not kept is easy to spot."""

    version: Literal[1] = 1
    name: Text = Field(default="Journey", min_length=1, max_length=MAX_NAME_LENGTH)
    object: Literal["contact", "deal"] = "contact"
    order: Literal["ordered", "strict", "any"] = "ordered"
    window: timedelta = timedelta(days=30)
    date_range: DateRange | None = None
    stages: tuple[Stage, ...] = Field(default=(), max_length=MAX_STAGES)
    exclusions: tuple[Exclusion, ...] = ()
    breakdown: Breakdown | None = None
    #: Properties every event of a path shares (the journey runs per actor and value; docs/semantics.md#hold-constant).
    hold_constant: Annotated[
        tuple[Annotated[Text, Field(max_length=MAX_NAME_LENGTH)], ...],
        Field(max_length=MAX_HELD),
        AfterValidator(_unique_properties),
    ] = ()
    #: Also run the journey over the range of the same length just before ``date_range``
    #: (docs/semantics.md#comparison-with-the-previous-period).
    compare: Literal["previous_period"] | None = None

    def __init__(self, name: str | None = None, /, **data: Any) -> None:
        if name is not None:
            data["name"] = name
        super().__init__(**data)  # a problem is a JourneyDefinitionError (see _Frozen)

    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # model_validate need not call it

    @field_validator("window", mode="before")
    @classmethod
    def _parse_window(cls, value: Any) -> timedelta:
        try:
            return parse_duration(value)
        except OverflowError:
            message = f"window {value!r} is too long: {_WINDOW_CAP}"
            raise _refuse("window_too_long", message, window=value, max_years=MAX_WINDOW_YEARS) from None
        except ValueError as exc:  # durations' words, with a code
            raise _refuse("duration_unreadable", str(exc), value=value) from None

    @field_validator("window", mode="after")
    @classmethod
    def _positive_window(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            message = f"window must be a positive duration, got {format_duration(value)}"
            raise _refuse("window_not_positive", message, window=value)
        if value % timedelta(microseconds=1):
            raise _refuse(
                "window_not_whole_microseconds", "window must be a whole number of microseconds", window=value
            )
        if value > MAX_WINDOW:
            message = f"window {format_duration(value)!r} is too long: {_WINDOW_CAP}"
            raise _refuse("window_too_long", message, window=value, max_years=MAX_WINDOW_YEARS)
        return value

    @field_serializer("window")
    def _iso_window(self, value: timedelta) -> str:
        return format_duration(value)

    @model_validator(mode="after")
    def _check_journey(self) -> Journey:
        seen: dict[str, int] = {}
        for index, stage in enumerate(self.stages, start=1):
            if stage.name in seen:
                message = f"stage {index}: name {stage.name!r} is already used by stage {seen[stage.name]}"
                raise _refuse("stage_name_repeated", message, stage=index, name=stage.name, other=seen[stage.name])
            seen[stage.name] = index
        for index, exclusion in enumerate(self.exclusions, start=1):
            if exclusion.between[1] > len(self.stages):
                raise _refuse(
                    "exclusion_stage_missing",
                    f"exclusion {index}: between {list(exclusion.between)} names stage "
                    f"{exclusion.between[1]} but the journey has {len(self.stages)} stages",
                    exclusion=index,
                    between=list(exclusion.between),
                    stage=exclusion.between[1],
                    stages=len(self.stages),
                )
        attributed = self.breakdown.stage if self.breakdown is not None else None
        if attributed is not None and self.stages and attributed > len(self.stages):
            message = f"breakdown: attribution to stage {attributed} but the journey has {len(self.stages)} stages"
            raise _refuse("breakdown_stage_missing", message, stage=attributed, stages=len(self.stages))
        self._check_optional_stages()
        if self.compare is not None and (
            self.date_range is None or None in (self.date_range.start, self.date_range.end)
        ):
            raise _refuse(
                "compare_needs_closed_range",
                "compare 'previous_period' needs a date range with a start and an end: the previous period is the "
                "range of the same length just before it",
                compare=self.compare,
            )
        return self

    def _check_optional_stages(self) -> None:
        for index, stage in enumerate(self.stages, start=1):
            if not stage.optional:
                continue
            named, stage_details = f"stage {index} ({stage.name!r}) is optional", {"stage": index, "name": stage.name}
            if self.order != "ordered":
                message = f"{named}, but a {self.order!r} journey has no optional stages: use order 'ordered'"
                raise _refuse("optional_stage_out_of_order", message, **stage_details, order=self.order)
            if index == 1:
                message = f"{named}, but it is the first stage: the first and the last stage are required"
                raise _refuse("optional_first_stage", message, **stage_details)
        for index, exclusion in enumerate(self.exclusions, start=1):
            for k in exclusion.between:
                if k <= len(self.stages) and self.stages[k - 1].optional:
                    raise _refuse(
                        "exclusion_names_optional_stage",
                        f"exclusion {index}: between {list(exclusion.between)} names stage {k} "
                        f"({self.stages[k - 1].name!r}), which is optional: an exclusion is between required stages",
                        exclusion=index,
                        between=list(exclusion.between),
                        stage=k,
                        name=self.stages[k - 1].name,
                    )

    @property
    def required_stages(self) -> list[int]:
        """The 1-based numbers of the stages that are not optional (they alone decide the path)."""
        return [k for k, stage in enumerate(self.stages, start=1) if not stage.optional]

    @property
    def has_optional_stages(self) -> bool:
        return any(stage.optional for stage in self.stages)

    def optional_gaps(self) -> list[tuple[int, list[int], int]]:
        """Each run of optional stages with the required stages around it: ``(r, [optional...], R)``."""
        required = self.required_stages
        return [
            (r, list(range(r + 1, following)), following)
            for r, following in itertools.pairwise(required)
            if following > r + 1
        ]

    def previous_required(self, k: int) -> int:
        """The nearest required stage before stage ``k`` (k >= 2): "previous" for conversions and times."""
        return max(r for r in self.required_stages if r < k)

    def previous_period(self) -> Journey:
        """The journey over the range of the same length just before ``date_range``, without ``compare``."""
        if self.date_range is None or self.date_range.start is None or self.date_range.end is None:
            raise JourneyDefinitionError(
                "the previous period needs a date range with a start and an end",
                code="compare_needs_closed_range",
                details={"compare": "previous_period"},
            )
        start, end = self.date_range.start, self.date_range.end
        return self._with(compare=None, date_range={"start": start - (end - start), "end": start})

    @property
    def follows_order(self) -> bool:
        """Stages must be reached in their order (``ordered`` or ``strict``)."""
        return self.order != "any"

    def step_places(self) -> list[tuple[str, tuple[str | int, ...], Step]]:
        """Every step and exclusion with its human place (``stage 1 ('Visited'), step 2 (form_submission)``)
        and its location in the document (``("stages", 0, "steps", 1)``)."""
        places: list[tuple[str, tuple[str | int, ...], Step]] = [
            (f"stage {i + 1} ({stage.name!r}), step {j + 1} ({step.event})", ("stages", i, "steps", j), step)
            for i, stage in enumerate(self.stages)
            for j, step in enumerate(stage.steps)
        ]
        places += [(f"exclusion {i + 1} ({x.event})", ("exclusions", i), x) for i, x in enumerate(self.exclusions)]
        return places

    # ------------------------------------------------------------------ validation entry points
    @classmethod
    def _validated(cls, data: Mapping[str, Any], *, draft: bool) -> Journey:
        if not isinstance(data, Mapping):
            kind = type(data).__name__
            raise JourneyDefinitionError(
                f"a journey must be a JSON object, got {kind}", code="not_an_object", details={"type": kind}
            )
        if "version" in data and data["version"] != 1:
            raise JourneyDefinitionError(
                f"unknown journey version {_shown(data['version'])}: this journey_widgets reads version 1",
                code="unknown_version",
                details={"version": data["version"]},
            )
        try:
            journey = cls.model_validate(dict(data))
        except pydantic.ValidationError as exc:
            raise definition_error(exc) from None
        except RecursionError:
            raise JourneyDefinitionError(TOO_DEEP, code="too_deep") from None
        if not draft:
            journey.check_complete()
        return journey

    def check_complete(self) -> Journey:
        """Raise :class:`JourneyDefinitionError` unless the journey can run (it has a stage; its last stage,
        which a journey built stage by stage may not have yet, is required)."""
        if not self.stages:
            raise JourneyDefinitionError(
                f"journey {self.name!r} has no stages: add one, e.g. .stage('Visited', step('page_visited'))",
                code="no_stages",
                details={"name": self.name},
            )
        if self.stages[-1].optional:
            raise JourneyDefinitionError(
                f"stage {len(self.stages)} ({self.stages[-1].name!r}) is optional, but it is the last stage: "
                "the first and the last stage are required",
                location=("stages", len(self.stages) - 1, "optional"),
                code="optional_last_stage",
                details={"stage": len(self.stages), "name": self.stages[-1].name},
            )
        return self

    # ------------------------------------------------------------------ JSON round trip
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, draft: bool = False) -> Journey:
        """Load the version-1 document; ``draft=True`` accepts a journey with no stages yet."""
        return cls._validated(data, draft=draft)

    @classmethod
    def from_json(cls, text: str | bytes, *, draft: bool = False) -> Journey:
        """Load the version-1 JSON text."""
        if not isinstance(text, str | bytes | bytearray):
            hint, kind = ": for a dict use Journey.from_dict" if isinstance(text, Mapping) else "", type(text).__name__
            raise JourneyDefinitionError(
                f"from_json takes JSON text, got a {kind}{hint}", code="not_text", details={"type": kind}
            )
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise JourneyDefinitionError(
                f"the journey is not valid JSON: {exc}", code="not_json", details={"error": str(exc)}
            ) from None
        except RecursionError:
            raise JourneyDefinitionError(TOO_DEEP, code="too_deep") from None
        return cls._validated(data, draft=draft)

    @classmethod
    def load(cls, path: str | Path) -> Journey:
        """Read a journey file."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise JourneyDefinitionError(
                f"cannot read the journey file {str(path)!r}: {reason}",
                code="unreadable_file",
                details={"path": str(path), "reason": reason},
            ) from None
        return cls.from_json(text)

    def to_dict(self) -> dict[str, Any]:
        """The canonical version-1 document (defaults of optional parts left out)."""
        data = self.model_dump(mode="json", exclude_none=True)
        for part in ("exclusions", "hold_constant"):
            if not data[part]:
                del data[part]
        if data.get("breakdown", {}).get("attribution") == "first_touch":
            del data["breakdown"]["attribution"]
        for stage_data in data["stages"]:
            if not stage_data["optional"]:
                del stage_data["optional"]
        for step_data in [s for st in data["stages"] for s in st["steps"]] + data.get("exclusions", []):
            if not step_data["filters"]:
                del step_data["filters"]
            if not step_data["include_anonymous"]:
                del step_data["include_anonymous"]
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        """The canonical version-1 JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def save(self, path: str | Path) -> None:
        """Write the journey as a JSON file."""
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the version-1 document."""
        return cls.model_json_schema(mode="serialization")

    # ------------------------------------------------------------------ fluent builder
    def _with(self, **changes: Any) -> Journey:
        data = self.model_dump()
        data.update(changes)
        try:
            return type(self).model_validate(data)
        except pydantic.ValidationError as exc:
            raise definition_error(exc) from None

    def stage(self, name: str, *steps: Step | str, optional: bool = False) -> Journey:
        """A new journey with a stage appended, reached by any of ``steps`` (event ids or :func:`step` objects);
        an ``optional`` stage may be skipped (docs/semantics.md#optional-stages)."""
        new = _build(Stage, name=name, steps=tuple(_as_step(s) for s in steps), optional=optional)
        return self._with(stages=(*self.stages, new))

    def exclude(self, excluded: Step | str, *, between: tuple[int, int]) -> Journey:
        """A new journey that removes actors with ``excluded`` between stages ``between[0]`` and ``between[1]``."""
        base = _as_step(excluded)
        new = _build(Exclusion, **base.model_dump(), between=between)
        return self._with(exclusions=(*self.exclusions, new))

    def within(self, window: str | timedelta) -> Journey:
        """A new journey with this conversion window (``"30d"``, ``"P7D"`` or a timedelta)."""
        return self._with(window=window)

    def between_dates(self, start: datetime | str | None = None, end: datetime | str | None = None) -> Journey:
        """A new journey counting only paths starting in [start, end) (UTC when naive)."""
        return self._with(date_range={"start": start, "end": end})

    def breakdown_by(
        self, property: str, *, limit: int = 10, attribution: Attribution | int = "first_touch"
    ) -> Journey:
        """A new journey whose results are broken down by a property (top ``limit`` values) of the start
        event (``attribution="first_touch"``), of the event that reached the path's deepest stage
        (``"last_touch"``) or of the event that reached stage k (``attribution=k``)."""
        if isinstance(attribution, int) and not isinstance(attribution, bool):
            chosen = {"attribution": "stage", "stage": attribution}
        else:
            chosen = {"attribution": attribution}
        return self._with(breakdown={"property": property, "limit": limit, **chosen})

    def in_any_order(self) -> Journey:
        """A new journey counting stages completed in any order within the window."""
        return self._with(order="any")

    def strict(self) -> Journey:
        """A new journey in strict order: each stage must be the actor's very next event after the one before."""
        return self._with(order="strict")

    def holding_constant(self, *properties: str) -> Journey:
        """A new journey whose path keeps these properties constant (the same product, the same pipeline...):
        it runs per actor and value, and each actor counts at its best value."""
        return self._with(hold_constant=properties)

    def compared_with_previous_period(self, compare: bool = True) -> Journey:
        """A new journey that also runs over the range of the same length just before its date range, with
        a ``period`` column in every table (``compare=False``: no comparison)."""
        return self._with(compare="previous_period" if compare else None)

    def for_deals(self) -> Journey:
        """A new journey counting deals instead of contacts."""
        return self._with(object="deal")

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        from journey_widgets._repr import journey_repr

        return journey_repr(self)

    def _repr_html_(self) -> str:
        from journey_widgets._repr import journey_html

        return journey_html(self)

    # ------------------------------------------------------------------ running
    def run(self, events: Any, *, identity: Any = None, schema: Any = None, as_of: Any = None) -> JourneyResult:
        """Bind the journey to an events table (Ibis table, DataFrame, Arrow table or file path); the result's
        tables (``funnel()``, ``branches()``, ``paths()``, ...) run on the backend when first asked for.

        ``as_of`` (datetime or ISO 8601 text; default: the latest event time in the table) is when the data
        ends: actors whose window is still open then are *in progress*, not dropped off."""
        from journey_widgets.result import JourneyResult

        return JourneyResult.compute(self, events, identity=identity, schema=schema, as_of=as_of)

    def to_sql(
        self,
        dialect: str,
        *,
        events: Any = None,
        identity: Any = None,
        schema: Any = None,
        types: Mapping[str, str] | None = None,
        table: str = "funnel",
        **options: Any,
    ) -> str:
        """The SQL of one result table for a warehouse dialect (``bigquery``, ``snowflake``, ``trino``,
        ``clickhouse``, ``databricks``, ``postgres``, ...): ``funnel``, ``branches``, ``paths``, or ``trend``
        (``period="month"``), ``time_histogram`` (``bins=10``), ``actors`` (``stage=2``, ``dropped=True``),
        with the options of the result's methods (:mod:`journey_widgets.sql_tables`).

        ``events`` and ``identity`` name the warehouse's tables (``"catalog.schema.events"``) with the
        column mapping ``schema`` (an :class:`EventSchema`) and the column ``types`` where they are not
        the usual ones (``{"contact_id": "string"}``): the SQL runs in the warehouse as it is. They may
        also be data as :meth:`run` takes it; by default, tables named ``events`` and ``identity``
        shaped like the sample data. See :mod:`journey_widgets.warehouse`.
        """
        from journey_widgets.warehouse import journey_sql

        return journey_sql(
            self, dialect, events=events, identity=identity, schema=schema, types=types, table=table, **options
        )

    def show(self, events: Any, *, identity: Any = None, schema: Any = None, as_of: Any = None) -> Any:
        """Open this journey in the step-builder widget (``as_of``: when the data ends, as in :meth:`run`)."""
        from journey_widgets.builder.widget import JourneyBuilder

        return JourneyBuilder(events, journey=self, identity=identity, schema=schema, as_of=as_of)


class prop:
    """Build filters fluently: ``prop("country").isin(["US", "DE"])``, ``prop("amount") > 10``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _filter(self, op: str, value: Any = None) -> Filter:
        return _build(Filter, property=self.name, op=op, value=value)

    def __eq__(self, value: Any) -> Filter:  # type: ignore[override]
        return self._filter("eq", value)

    def __ne__(self, value: Any) -> Filter:  # type: ignore[override]
        return self._filter("neq", value)

    def __gt__(self, value: Any) -> Filter:
        return self._filter("gt", value)

    def __ge__(self, value: Any) -> Filter:
        return self._filter("gte", value)

    def __lt__(self, value: Any) -> Filter:
        return self._filter("lt", value)

    def __le__(self, value: Any) -> Filter:
        return self._filter("lte", value)

    __hash__ = None  # type: ignore[assignment]

    def isin(self, values: Iterable[Scalar]) -> Filter:
        return self._filter("in", list(values))

    def not_in(self, values: Iterable[Scalar]) -> Filter:
        return self._filter("not_in", list(values))

    def contains(self, text: str) -> Filter:
        return self._filter("contains", text)

    def not_contains(self, text: str) -> Filter:
        return self._filter("not_contains", text)

    def startswith(self, text: str) -> Filter:
        return self._filter("starts_with", text)

    def between(self, low: Scalar, high: Scalar) -> Filter:
        return self._filter("between", [low, high])

    def is_known(self) -> Filter:
        return self._filter("is_known")

    def is_unknown(self) -> Filter:
        return self._filter("is_unknown")


def step(event: str, *filters: Filter, anonymous: bool = False, **equals: Scalar | Sequence[Scalar]) -> Step:
    """A step: ``step("page_visited", prop("amount") > 5, anonymous=True, country=["US", "DE"])``.

    Keyword filters test equality (a list means "is one of").
    """
    keyword_filters = [
        _build(Filter, property=name, op="in" if isinstance(value, list | tuple) else "eq", value=value)
        for name, value in equals.items()
    ]
    return _build(Step, event=event, filters=(*filters, *keyword_filters), include_anonymous=anonymous)


def _as_step(value: Step | str) -> Step:
    return value if isinstance(value, Step) else _build(Step, event=value)


def _build(model: type[_Frozen], **data: Any) -> Any:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise definition_error(exc) from None


_LOCATION_NAMES = {"stages": "stage", "steps": "step", "filters": "filter", "exclusions": "exclusion"}


def describe_location(location: Sequence[str | int]) -> str:
    """Turn pydantic's ``('stages', 1, 'steps', 0, 'op')`` into ``stage 2, step 1, op``."""
    words: list[str] = []
    parts = list(location)
    for position, part in enumerate(parts):
        if isinstance(part, int):
            continue
        following = parts[position + 1] if position + 1 < len(parts) else None
        if part in _LOCATION_NAMES and isinstance(following, int):
            words.append(f"{_LOCATION_NAMES[part]} {following + 1}")
        elif not part.startswith(("function-", "tagged-union")):
            words.append(part)
    return ", ".join(words)


def validation_errors(exc: pydantic.ValidationError) -> list[Any]:
    """pydantic's errors, less the echoes: a tuple whose item failed is also reported "too short"."""
    errors = exc.errors(include_url=False)
    inner = [tuple(e["loc"]) for e in errors]
    return [
        e
        for e in errors
        if not (
            e["type"] == "too_short"
            and any(len(loc) > len(e["loc"]) and loc[: len(e["loc"])] == e["loc"] for loc in inner)
        )
    ]


def problem_of(error: ErrorDetails) -> dict[str, Any]:
    """One of pydantic's errors as a problem: where (``loc``, ``where``), what for a person (``message``) and for a
    program: ``code`` and ``details``, pydantic's error ``type`` and ``ctx`` (ours: a :data:`DefinitionCode`), or
    those of the :class:`JourneyError` a validator raised (a filter value's ``operators.ValueCode``)."""
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown field (value {_shown(error['input'])})"
    elif error["type"] == "literal_error":
        message = f"{message}, got {_shown(error['input'])}"
    context = error.get("ctx", {})
    cause = context.get("error")
    if isinstance(cause, JourneyError) and cause.code:
        code, details = cause.code, cause.details
    else:  # "message" is the template of ours (see _refuse), "error" the exception of a ValueError
        code, details = error["type"], {k: v for k, v in context.items() if k not in ("message", "error")}
    loc = [part for part in error["loc"] if isinstance(part, str | int)]
    return {"loc": loc, "where": describe_location(error["loc"]), "message": message, "code": code, "details": details}


def definition_error(exc: pydantic.ValidationError) -> JourneyDefinitionError:
    """The one translation of pydantic's errors: a :class:`JourneyDefinitionError` whose message names where
    each problem is, and whose ``problems`` list them one by one (see :func:`problem_of`) for an editor."""
    problems = [problem_of(error) for error in validation_errors(exc)]
    lines = [f"{p['where']}: {p['message']}" if p["where"] else p["message"] for p in problems]
    code, details = (problems[0]["code"], problems[0]["details"]) if len(problems) == 1 else ("", {})
    return JourneyDefinitionError(
        "; ".join(lines),
        location=tuple(problems[0]["loc"]) if problems else (),
        problems=problems,
        code=code,
        details=details,
    )
