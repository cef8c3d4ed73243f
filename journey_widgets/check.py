"""The data check: what in an events table (and identity map) a journey ignores or may miscount.

``check(events, identity)`` runs a few aggregates on the backend (the tables never come to pandas;
only counts and up to five example rows per finding do) and returns a :class:`DataCheck`::

    report = check(events, identity)
    report.ok                      # nothing found
    report.to_frame()              # one row per check
    report["no_actor"].examples    # up to five offending rows

Schema problems (missing columns, wrong types) raise :class:`DataBindingError`, as a journey would.
Ibis and pandas load on first use, so ``import journey_widgets`` stays quick.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

    from journey_widgets.binding import BoundEvents, EventSchema
    from journey_widgets.catalog import Catalog

#: At most this many example rows per finding.
MAX_EXAMPLES = 5
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Finding:
    """One check: how many rows (or visitors) have the problem, a few examples, and what it means."""

    name: str
    count: int
    examples: pd.DataFrame
    message: str

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return self.count == 0


@dataclass(frozen=True)
class DataCheck:
    """The findings of :func:`check` in a fixed order; ``rows`` is the number of events checked."""

    rows: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when every check found nothing."""
        return all(f.ok for f in self.findings)

    @property
    def problems(self) -> tuple[Finding, ...]:
        """The findings with a non-zero count."""
        return tuple(f for f in self.findings if not f.ok)

    def __getitem__(self, name: str) -> Finding:
        for finding in self.findings:
            if finding.name == name:
                return finding
        raise KeyError(f"no check named {name!r}; the checks are {', '.join(f.name for f in self.findings)}")

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def to_frame(self) -> pd.DataFrame:
        """One row per check: ``check``, ``count``, ``ok``, ``message``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "check": pd.Series([f.name for f in self.findings], dtype=object),
                "count": pd.Series([f.count for f in self.findings], dtype="int64"),
                "ok": pd.Series([f.ok for f in self.findings], dtype=bool),
                "message": pd.Series([f.message for f in self.findings], dtype=object),
            }
        )

    def _headline(self) -> str:
        problems = len(self.problems)
        verdict = "no problems found" if not problems else f"{problems} problem{'s' * (problems != 1)} found"
        return f"Data check of {self.rows:,} events: {verdict}"

    def __str__(self) -> str:
        width = max((len(f.name) for f in self.findings), default=0)
        lines = [self._headline()]
        for finding in self.findings:
            mark = "ok" if finding.ok else "!!"
            lines.append(f"  {mark} {finding.name:<{width}} {finding.count:>12,}  {finding.message}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        counts = ", ".join(f"{f.name}={f.count}" for f in self.findings)
        return f"DataCheck(rows={self.rows}, {counts})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✓' if f.ok else '✗'}</td><td><code>{html.escape(f.name)}</code></td>"
            f"<td style='text-align:right'>{f.count:,}</td>"
            f"<td style='text-align:left'>{html.escape(f.message)}</td></tr>"
            for f in self.findings
        )
        examples = "".join(
            f"<details><summary>Examples of <code>{html.escape(f.name)}</code></summary>"
            f"{f.examples.to_html(index=False, max_rows=MAX_EXAMPLES)}</details>"
            for f in self.problems
            if len(f.examples)
        )
        return (
            f"<div class='jw-data-check'><p><b>{html.escape(self._headline())}</b></p><table>"
            "<thead><tr><th></th><th>check</th><th>count</th><th>meaning</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{examples}</div>"
        )


def check(
    events: Any,
    identity: Any = None,
    *,
    schema: EventSchema | None = None,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> DataCheck:
    """Check ``events`` (and the ``identity`` map) for rows a journey ignores or may miscount.

    The findings, in order: ``no_actor`` (contact, visitor and deal id all null: never counted),
    ``null_timestamp`` (never counted), ``future_timestamp`` (later than ``now``, default the
    current time; naive times are UTC), ``duplicate_event`` (equal to another row in every column;
    a pair counts once), ``unknown_event_type`` (null or not in ``catalog``; examples per type)
    and, with an identity map, ``visitor_several_contacts`` (visitors mapped to several contacts;
    journeys use the first by ``identified_at``). Raises :class:`DataBindingError` when the tables
    do not fit ``schema``.
    """
    import ibis

    from journey_widgets.binding import bind_events
    from journey_widgets.catalog import default_catalog
    from journey_widgets.durations import as_utc
    from journey_widgets.portable import backend_name, epoch_microseconds

    bound = bind_events(events, identity=identity, schema=schema)
    catalog = catalog or default_catalog()
    table, roles = bound.table, bound.schema.role_columns()
    event, time = table[roles["event_type"]], table[roles["occurred_at"]]
    ids = [roles[r] for r in ("contact_id", "visitor_id", "deal_id") if r in roles]
    no_actor = ibis.and_(*(table[c].isnull() for c in ids))
    now = datetime.now(UTC) if now is None else as_utc(now)
    future = epoch_microseconds(time, backend_name(table)) > (now - _EPOCH) // timedelta(microseconds=1)
    unknown = event.isnull() | ~event.isin([e.id for e in catalog.events])

    counts = (
        table.aggregate(
            rows=table.count(),
            no_actor=table.count(where=no_actor),
            null_timestamp=table.count(where=time.isnull()),
            future_timestamp=table.count(where=future),
            unknown_event_type=table.count(where=unknown),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    rows = counts["rows"] or 0
    distinct = table.distinct().count().to_pyarrow().as_py() or 0
    order = [ibis.asc(roles[r], nulls_first=False) for r in ("occurred_at", "event_type") if r in roles]
    order += [ibis.asc(c, nulls_first=False) for c in ids]
    findings = [
        _finding(
            "no_actor",
            counts["no_actor"],
            table.filter(no_actor).order_by(order),
            f"events with no {', no '.join(ids)}: no journey counts them",
        ),
        _finding(
            "null_timestamp",
            counts["null_timestamp"],
            table.filter(time.isnull()).order_by(order),
            f"events whose {roles['occurred_at']!r} is null: no journey counts them",
        ),
        _finding(
            "future_timestamp",
            counts["future_timestamp"],
            table.filter(future).order_by(order),
            f"events later than now ({now.isoformat().replace('+00:00', 'Z')}): a clock or time-zone problem?",
        ),
        _finding(
            "duplicate_event",
            rows - distinct,
            _duplicates(table, order),
            "events repeat another event in every column (loaded twice?); an actor still counts once",
        ),
        _finding(
            "unknown_event_type",
            counts["unknown_event_type"],
            _per_event_type(table.filter(unknown), roles["event_type"]),
            f"events whose {roles['event_type']!r} is null or not in the step catalog: fine for custom "
            "events (Catalog.register_event), otherwise check the spelling",
        ),
    ]
    if bound.identity is not None:
        findings.append(_several_contacts(bound))
    return DataCheck(rows=int(rows), findings=tuple(findings))


def _finding(name: str, count: int | None, examples: ir.Table, message: str) -> Finding:
    """A finding with up to ``MAX_EXAMPLES`` example rows (queried only when there is something)."""
    count = int(count or 0)
    return Finding(name, count, _examples(examples, count), f"{count:,} {message}")


def _examples(expr: ir.Table, count: int) -> pd.DataFrame:
    if not count:  # typed, empty: no query
        return expr.schema().to_pyarrow().empty_table().to_pandas()
    return expr.limit(MAX_EXAMPLES).to_pyarrow().to_pandas().reset_index(drop=True)


def _duplicates(table: ir.Table, order: list[Any]) -> ir.Table:
    """One row per duplicated event, with how many ``copies`` of it there are."""
    import ibis

    groups = table.group_by(list(table.columns)).aggregate(copies=table.count())
    return groups.filter(groups.copies > 1).order_by([ibis.desc("copies"), *order])


def _per_event_type(rows: ir.Table, column: str) -> ir.Table:
    """How many ``events`` of each event type, most frequent first."""
    import ibis

    counts = rows.group_by(column).aggregate(events=rows.count())
    return counts.order_by([ibis.desc("events"), ibis.asc(column, nulls_first=False)])


def _several_contacts(bound: BoundEvents) -> Finding:
    """Visitors the identity map gives more than one contact, with the contact journeys use."""
    from journey_widgets.binding import identity_pairs

    schema, identity = bound.schema, bound.identity
    assert identity is not None
    visitor, contact = schema.identity_visitor_id, schema.identity_contact_id
    pairs = identity_pairs(identity, schema)
    per_visitor = pairs.group_by(visitor).aggregate(contacts=pairs[contact].nunique())
    several = per_visitor.filter(per_visitor.contacts > 1)
    count = several.count().to_pyarrow().as_py() or 0
    rule = f"the first by {schema.identity_identified_at!r}" if _has_time(bound) else "the smallest contact id"
    top = several.order_by(visitor).limit(MAX_EXAMPLES)
    examples = top.join(_used_contacts(bound, pairs.semi_join(top, visitor)), visitor).order_by(visitor)
    return Finding(
        "visitor_several_contacts",
        count,
        _examples(examples, count),
        f"{count:,} visitors are mapped to several contacts in the identity table; journeys use {rule}",
    )


def _used_contacts(bound: BoundEvents, pairs: ir.Table) -> ir.Table:
    """The contact a journey gives each visitor of ``pairs``, as ``used_contact``."""
    from journey_widgets.binding import FIRST_CONTACT, first_contacts

    return first_contacts(pairs, bound.schema).rename(used_contact=FIRST_CONTACT)


def _has_time(bound: BoundEvents) -> bool:
    name = bound.schema.identity_identified_at
    return bool(name) and bound.identity is not None and name in bound.identity.columns
