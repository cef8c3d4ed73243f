"""The step-builder widget: edit a journey in the notebook and see it recomputed live.

``JourneyBuilder`` is a small ipywidgets box: the editor (an anywidget, frontend in ``js/``) and the
funnel chart (an offline ``altair.JupyterChart``). The journey lives in one traitlet as the version-1
JSON; edits are validated at once (errors shown next to the control) and recomputed on the backend
in a worker thread: at once when it is idle, else right after the running query, with only the newest
of the edits made meanwhile (a newer edit always supersedes an older one). A click on a stage's numbers or
on a bar of the chart opens the editor's drill-down, whose requests :mod:`journey_widgets.builder.drilldown` answers.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import altair as alt
import anywidget
import ipywidgets
import pydantic
import traitlets

from journey_widgets._resources import resource_path
from journey_widgets.backend_lock import BACKEND_LOCK
from journey_widgets.binding import (
    BoundEvents,
    EventSchema,
    bind_events,
    check_journey_against_data,
)
from journey_widgets.builder import drilldown, messages
from journey_widgets.builder.messages import FunnelRow, ShowDrilldown, SuggestionsReply, SuggestRequest
from journey_widgets.builder.numbers import funnel_rows
from journey_widgets.builder.problems import editor_errors
from journey_widgets.builder.stage_pick import PICK, pickable, picked
from journey_widgets.builder.suggestions import ValueIndex
from journey_widgets.builder.sweep import SweepView
from journey_widgets.builder.worker import LatestWins
from journey_widgets.catalog import Catalog, default_catalog
from journey_widgets.charts import AnyChart, message_chart
from journey_widgets.code_trait import follow_journey
from journey_widgets.compiler.open_windows import as_of_microseconds
from journey_widgets.errors import CatalogError, JourneyDefinitionError, JourneyError, one_line
from journey_widgets.model import MAX_HELD, MAX_STAGES, MAX_STEPS, Journey
from journey_widgets.operators import OPERATORS, kind_of
from journey_widgets.result import JourneyResult


class JourneyEditor(anywidget.AnyWidget):
    """The editor half of the builder: stages, steps, filters, settings, status and numbers."""

    # One ES module bundled from js/src by esbuild (hatch_build.py in a wheel, scripts/setup.sh in a checkout).
    _esm = resource_path("static", "journey_builder.js")
    _css = resource_path("static", "journey_builder.css")

    # The journey definition (version-1 JSON): the one durable state, saved with the notebook.
    journey = traitlets.Dict().tag(sync=True)
    # The step catalog plus custom event types found in the data, for the step picker.
    catalog = traitlets.Dict().tag(sync=True)
    # The events table's property columns with their kind ("string", "number", ...), for filters.
    columns: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    # Validation problems of the current definition, shown next to the offending control.
    errors: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    # Warnings that do not stop the run (an event type in neither catalog nor data), shown inline.
    warnings: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    # What the numbers shown are: "idle" (those of the journey in the editor), "running" (being computed),
    # "invalid" (the editor holds an invalid or incomplete journey: they are the last valid one's) or
    # "error" (the backend failed: they are the last valid one's).
    status = traitlets.Enum(["idle", "running", "invalid", "error"], default_value="idle").tag(sync=True)
    # A backend error as one readable line (the definition and last results are kept).
    message = traitlets.Unicode("").tag(sync=True)
    # The last valid result's funnel rows, shown as numbers beside the chart.
    funnel: traitlets.List[FunnelRow] = traitlets.List().tag(sync=True)
    # The journey the builder started with, for the editor's "Reset".
    initial = traitlets.Dict().tag(sync=True)
    # The host's theme as the editor sees it, for the chart (another widget) to match.
    theme = traitlets.Enum(["light", "dark"], default_value="light").tag(sync=True)
    # The journey as Python builder calls (journey_widgets.code_trait), for "Copy as Python"; "" while invalid.
    python = traitlets.Unicode("").tag(sync=True)
    # The chart (another widget) is being redrawn for the numbers shown: sent first, they mark it meanwhile.
    drawing = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        bundle = resource_path("static", "journey_builder.js")
        if not bundle.is_file():
            raise FileNotFoundError(
                f"the builder's frontend is not built ({bundle} is missing): run `make setup`, "
                "or `npm ci && npm run build` in js/"
            )
        super().__init__(**kwargs)

    # The filter operators ({op, label, arity, kinds}), from the one registry: the menus offer these.
    operators = traitlets.List([op.to_dict() for op in OPERATORS.values()]).tag(sync=True)
    # The model's size limits, so the editor stops offering "add" where validation would refuse.
    limits = traitlets.Dict({"max_stages": MAX_STAGES, "max_steps": MAX_STEPS, "max_held": MAX_HELD}).tag(sync=True)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply state from the browser; a journey that is not a JSON object is explained, not raised."""
        journey = sync_data.get("journey", {})
        if not isinstance(journey, dict):
            message = f"the journey must be a JSON object, got {type(journey).__name__}"
            self.errors = [{"loc": [], "where": "", "message": message}]
            sync_data = {key: value for key, value in sync_data.items() if key != "journey"} | {"status": "invalid"}
        super().set_state(sync_data)


class JourneyBuilder(ipywidgets.VBox):
    """Edit ``journey`` on ``events`` live: the editor, then the funnel chart of the last valid journey (and, in
    the tab beside it, its window sweep)."""

    def __init__(
        self,
        events: Any,
        journey: Journey | None = None,
        *,
        identity: Any = None,
        schema: EventSchema | None = None,
        catalog: Catalog | None = None,
        as_of: datetime | str | None = None,
    ) -> None:
        alt.JupyterChart.enable_offline()
        as_of_microseconds(as_of)  # a bad time is an error here, not on every edit
        #: When the data ends (default: its latest event): open windows are in progress.
        self._run_options: dict[str, Any] = {} if as_of is None else {"as_of": as_of}
        with BACKEND_LOCK:
            self._bound: BoundEvents = bind_events(events, identity=identity, schema=schema).prepared()
            self._catalog = _with_data_events(catalog or default_catalog(), self._bound)
        self._generation = 0
        self._lock = threading.Lock()
        self._edit_lock = threading.Lock()
        self._sync_lock = threading.RLock()  # see _updating
        self._shows = 0  # numbers shown so far (under _sync_lock): their chart is drawn unless newer ones came
        self._pending: tuple[Journey, int] | None = None  # the newest edit not yet computed
        self._querying = False  # the worker's query is running
        # computes the newest pending edit until none is left (edits made meanwhile coalesce); its `wait` returns
        # when the latest edit's result (or error) is shown
        self._worker: LatestWins[tuple[Journey, int]] = LatestWins(
            name="journey-builder",
            lock=self._lock,
            take=self._take,
            run=lambda request: self._compute(*request),
            on_error=self._failed,
        )
        self._last_valid: Journey | None = None
        self._scheduled: Journey | None = None  # the last journey computed or being computed
        self._values = ValueIndex(self._bound, lock=BACKEND_LOCK)  # counted once; then no wait for a query
        self.chart = alt.JupyterChart(message_chart("Computing…"))
        self.chart.observe(self._on_chart, names="chart")
        self._sweep = SweepView(self.chart, lock=BACKEND_LOCK)
        #: The window sweep's chart, in the tab beside the funnel chart's; computed while that tab is open.
        self.sweep_chart = self._sweep.chart
        self.result = None
        self.editor = JourneyEditor(catalog=self._catalog.to_dict(), columns=self._columns())
        super().__init__([self.editor, self._sweep.tabs])
        self.add_class("jw-builder")
        self.editor.observe(self._on_journey, names="journey")
        self.editor.on_msg(self._on_message)
        self.editor.observe(self._on_theme, names="theme")
        self.editor.observe(self._sweep.on_theme, names="theme")
        follow_journey(self.editor)
        start = journey or Journey("New journey").stage("Visited", "page_visited")
        self.editor.initial = start.to_dict()
        self.editor.journey = start.to_dict()

    # ------------------------------------------------------------------ public API
    @property
    def journey(self) -> Journey:
        """The journey in the editor. While the editor holds an invalid or incomplete journey this raises
        :class:`JourneyDefinitionError` naming the problems; ``last_valid_journey`` is the one the numbers show."""
        if self.editor.errors:
            errors = self.editor.errors
            problems = "; ".join(f"{e['where']}: {e['message']}" if e["where"] else e["message"] for e in errors)
            raise JourneyDefinitionError(
                f"the journey in the builder is not valid yet ({problems}); builder.last_valid_journey is the one "
                "the numbers show"
            )
        return Journey.from_dict(self.editor.journey)

    @journey.setter
    def journey(self, value: Journey) -> None:
        with self._updating():
            self.editor.journey = value.to_dict()

    @property
    def result(self) -> JourneyResult | None:
        """The result of the last valid journey computed: the one the numbers and charts show."""
        return self._result

    @result.setter
    def result(self, value: JourneyResult | None) -> None:
        self._result = value
        self._sweep.update(value)  # computed at once if its tab is open

    @property
    def last_valid_journey(self) -> Journey | None:
        """The last valid journey the editor held: the one the numbers and chart show."""
        return self._last_valid

    def save(self, path: str | Path) -> None:
        """Write the journey in the editor as JSON; an invalid or incomplete one is refused (nothing written)."""
        text = self.journey.to_json(indent=2)
        Path(path).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path, events: Any, **kwargs: Any) -> JourneyBuilder:
        """Open a saved journey file in a new builder."""
        return cls(events, Journey.load(path), **kwargs)

    def wait(self, timeout: float = 60) -> None:
        """Block until the pending computation (if any) has finished, and the window sweep if its tab is open;
        for scripts and tests."""
        if not self._worker.wait(timeout) or not self._sweep.wait(timeout):
            raise TimeoutError("the journey did not finish computing in time")

    # ------------------------------------------------------------------ validation and scheduling
    @contextlib.contextmanager
    def _updating(self) -> Iterator[None]:
        """Change what the editor and the chart show, from the kernel's thread or the worker's: one thread at a time
        (ipywidgets' hold_sync is not thread-safe: an update made meanwhile by the other thread could be lost, or
        fail the one sending), the editor's changes sent together."""
        with self._sync_lock, self.editor.hold_sync():
            yield

    def _validate(self, document: dict[str, Any]) -> Journey | None:
        try:
            journey = Journey.model_validate(document).check_complete()
            # The catalog holds every event type of the data: the check runs no query.
            unknown = check_journey_against_data(self._bound, journey, catalog=self._catalog, data_in_catalog=True)
        except (pydantic.ValidationError, JourneyError, RecursionError) as exc:
            with self._updating():
                self.editor.errors = editor_errors(exc)
                self.editor.warnings = []
                self.editor.status = "invalid"
            return None
        except Exception as exc:  # the data check failed unexpectedly (a backend error): one line
            with self._updating():
                self.editor.errors = []
                self.editor.message, self.editor.status = one_line(exc), "error"
            return None
        with self._updating():
            self.editor.errors = []
            self.editor.warnings = [
                {"loc": list(location), "where": where, "message": event.detail()}
                for event in unknown
                for where, location in event.places
            ]
        return journey

    def _on_journey(self, _change: dict[str, Any]) -> None:
        # One edit at a time, and always the trait's current value: a notification arriving late
        # (edits from several threads) must not schedule an older document after a newer one.
        with self._edit_lock:
            journey = self._validate(self.editor.journey)
            if journey is None:
                return
            self._last_valid = journey
            with self._lock:
                # An edit of names only changes no number: show the numbers under the new names.
                renamed = self._scheduled is not None and _numbers_of(journey) == _numbers_of(self._scheduled)
                self._scheduled = journey
                if renamed:
                    if not self._worker.busy and self.result is not None:
                        self.result = self.result.renamed(journey)
                        self._show(self.result.funnel(), journey)
                    return  # else the running computation shows its numbers under these names
                self._generation += 1
                self._pending = (journey, self._generation)
                if self._querying:
                    _interrupt(self._bound)  # the running query's numbers are stale already
                self._worker.wake()
                with self._updating():
                    self.editor.status = "running"

    def _take(self) -> tuple[Journey, int] | None:
        """The newest pending edit, if any, for the worker (called with ``_lock`` held)."""
        pending, self._pending = self._pending, None
        return pending

    def _compute(self, journey: Journey, generation: int) -> None:
        if generation != self._generation:
            return
        with self._updating():
            if not self.editor.errors:  # else the editor's problems are the news, not this computation
                self.editor.status = "running"
        self._run(journey, generation)

    def _run(self, journey: Journey, generation: int) -> None:
        with BACKEND_LOCK, self._query():
            result = JourneyResult.compute(journey, self._bound, **self._run_options)
            result.progress = False  # the builder's status line shows the elapsed time instead
            funnel = result.funnel()  # runs the query, here in the worker thread
        with self._lock:
            if generation != self._generation:
                return  # a newer edit superseded this computation: never show a stale result
            latest = self._scheduled or journey  # names edited meanwhile
        self.result = result if latest is journey else result.renamed(latest)
        self._show(self.result.funnel() if latest is not journey else funnel, latest)

    def _failed(self, request: tuple[Journey, int], exc: Exception) -> None:
        """A backend error: one line in the widget, the kernel stays alive."""
        if request[1] == self._generation:
            self._scheduled = None  # the same journey again is computed again
            with self._updating():
                self.editor.message = one_line(exc)
                self.editor.status = "error"

    @contextlib.contextmanager
    def _query(self) -> Iterator[None]:
        """Marks the worker's query as running (an edit made meanwhile interrupts it); entered under the
        backend lock, so that an interrupt never reaches another cell's query."""
        with self._lock:
            self._querying = True
        try:
            yield
        finally:
            with self._lock:
                self._querying = False

    def _show(self, funnel: Any, journey: Journey) -> None:
        """Show the numbers at once, then draw their chart (building it takes longer than the numbers' message), marked
        as being drawn meanwhile; a chart that a newer ``_show`` has replaced is not sent."""
        rows = funnel_rows(funnel)
        with self._updating():
            self._shows += 1
            shown = self._shows
            self.editor.drawing = True  # sent with the numbers (one message)
            self.editor.funnel = rows
            self.editor.message = ""
            self.editor.status = "invalid" if self.editor.errors else "idle"  # an invalid edit made meanwhile
        chart = self._funnel_chart(funnel, journey)
        with self._updating():
            if shown == self._shows:
                self.chart.chart = chart
                self.editor.drawing = False

    def _funnel_chart(self, funnel: Any, journey: Journey) -> AnyChart:
        from journey_widgets.charts import funnel_chart

        chart = funnel_chart(funnel, title=journey.name, dark=self.editor.theme == "dark")
        return pickable(chart, segments="breakdown" in funnel)

    def _on_chart(self, _change: dict[str, Any]) -> None:
        # Altair gives each new chart new selections: follow the clicks on this one's bars
        if PICK in self.chart.selections.trait_names():
            self.chart.selections.observe(self._on_pick, names=PICK)

    def _on_pick(self, change: dict[str, Any]) -> None:
        """A bar clicked: the editor opens its drill-down (and asks for it like a click on its numbers)."""
        drill = picked(change["old"].value, change["new"].value)
        if drill is not None:
            show: ShowDrilldown = {"type": "show_drilldown", **drill}
            self.editor.send(show)

    def _on_theme(self, change: dict[str, Any]) -> None:
        # vega-embed's own dark theme (bundled with the offline chart): the host's theme, not a kernel-wide one
        with self._updating(), self.chart.hold_sync():
            # altair's trait allows None (allow_none=True); traitlets' typing of Dict does not say so
            self.chart.embed_options = {"theme": "dark"} if change["new"] == "dark" else None  # type: ignore[assignment]
            if self.result is not None:
                with BACKEND_LOCK:
                    funnel = self.result.funnel()
                self.chart.chart = self._funnel_chart(funnel, self.result.journey)

    # ------------------------------------------------------------------ messages from the editor
    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        request = messages.request(content)
        if request is None:
            return
        if request["type"] == "suggest":
            self.editor.send(self._suggestions(request))
        else:
            with BACKEND_LOCK:  # the result's queries, as the worker's
                answer = drilldown.reply(self.result, request, self._catalog)
            self.editor.send(answer)

    def _suggestions(self, request: SuggestRequest) -> SuggestionsReply:
        reply: SuggestionsReply = {"type": "suggestions", "id": request.get("id"), "values": []}
        try:
            property, search = str(request.get("property", "")), str(request.get("search", ""))
            reply["values"] = self._values.suggest(property, search, event=str(request.get("event") or "") or None)
        except JourneyError as exc:
            reply["error"] = str(exc)
        except Exception as exc:  # the backend failed: the editor shows it next to the filter
            reply["error"] = one_line(exc)
        return reply

    def _columns(self) -> list[dict[str, str]]:
        table = self._bound.table
        return [{"name": name, "kind": kind_of(table[name].type())} for name in self._bound.properties]


def _with_data_events(catalog: Catalog, bound: BoundEvents) -> Catalog:
    """A copy of ``catalog`` with the data's event types it lacks, for the step picker and checks."""
    column = bound.table[bound.schema.event_type]
    present = column.value_counts().order_by(column).to_pyarrow().column(0).to_pylist()
    extended = copy.deepcopy(catalog)
    for event in present:
        if isinstance(event, str) and not extended.has_event(event):
            with contextlib.suppress(CatalogError):  # an id no step could name (empty, too long)
                extended.register_event(event, anonymous=True)
    return extended


def _interrupt(bound: BoundEvents) -> None:
    """Stop the query running on the events' connection, where the engine can (DuckDB); elsewhere its
    result is dropped when it comes."""
    backend = bound.table.get_backend()
    if backend.name == "duckdb":
        backend.con.interrupt()


def _numbers_of(journey: Journey) -> dict[str, Any]:
    """What the numbers depend on: the journey less its name and its stages' names."""
    document = journey.to_dict()
    document.pop("name")
    document["stages"] = [{k: v for k, v in stage.items() if k != "name"} for stage in document["stages"]]
    return document
