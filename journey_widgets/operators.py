"""The filter operators, defined once.

Each operator has an id, a label for the builder's menu, an arity (no value, one, two or a list), the
property kinds it applies to, its null rule and its Ibis builder. The journey model validates values,
binding checks columns, matching builds predicates, the catalog types properties and the widget fills
its menus, all from :data:`OPERATORS`. Ibis loads only when a predicate is built, so the model stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal

from journey_widgets.errors import JourneyDefinitionError, shown

if TYPE_CHECKING:
    import ibis.expr.datatypes as dt
    import ibis.expr.types as ir

Kind = Literal["string", "number", "timestamp", "boolean", "other"]
Arity = Literal["none", "one", "two", "list"]
#: The ``code`` of a filter value :func:`check_value` refuses (the error's ``details``: ``{"op": id}``).
ValueCode = Literal[
    "no_value_taken",
    "list_needed",
    "scalars_needed",
    "two_values_needed",
    "two_values_of_kinds_needed",
    "low_above_high",
    "text_needed",
    "single_value_needed",
]
#: The kinds a property may have; "other" (lists, structs...) can only be tested for null.
KINDS: tuple[Kind, ...] = ("string", "number", "timestamp", "boolean", "other")
#: The kinds a catalog property may declare.
PROPERTY_KINDS: tuple[Kind, ...] = ("string", "number", "timestamp", "boolean")
#: Python types of a filter value for a property of each kind (times are ISO 8601 text).
_VALUE_TYPES: dict[Kind, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "timestamp": (str,),
    "boolean": (bool,),
}
_KIND_WORDS = {"string": "text", "number": "number", "timestamp": "time", "boolean": "boolean", "other": "any"}

Test = Callable[["ir.Value", list["ir.Value"], tuple[Any, ...]], "ir.BooleanValue"]


@dataclass(frozen=True)
class Operator:
    """One filter operator."""

    id: str
    label: str
    arity: Arity
    #: The property kinds it applies to (the builder offers it for these; binding refuses the others).
    kinds: tuple[Kind, ...]
    #: Whether a null property passes (only the negative ops and ``is_unknown``).
    null_passes: bool
    #: The test on a non-null value: ``test(column, literals, raw values)``; for ``arity == "none"``
    #: the whole predicate.
    test: Test
    #: Text operators need a non-empty text (an empty one would match everything).
    needs_text: bool = False

    def kind_words(self) -> str:
        """The kinds of column it applies to, e.g. ``text, number or time``."""
        return _either(_KIND_WORDS[k] for k in self.kinds)

    def value_words(self) -> str:
        """What its values may be, e.g. ``number or text`` (times are ISO 8601 text)."""
        words = {"text" if k == "timestamp" else _KIND_WORDS[k] for k in self.kinds if k != "other"}
        return _either(w for w in ("number", "text", "boolean") if w in words)

    def to_dict(self) -> dict[str, Any]:
        """What the builder's menus need: ``{op, label, arity, kinds}``."""
        return {"op": self.id, "label": self.label, "arity": self.arity, "kinds": list(self.kinds)}


def _either(words: Iterable[str]) -> str:
    """``a, b or c``."""
    listed = list(words)
    return ", ".join(listed[:-1]) + f" or {listed[-1]}" if len(listed) > 1 else listed[0]


_ALL: tuple[Kind, ...] = PROPERTY_KINDS
_ORDERED: tuple[Kind, ...] = ("string", "number", "timestamp")

OPERATORS: dict[str, Operator] = {
    op.id: op
    for op in (
        Operator("eq", "is", "one", _ALL, False, lambda c, v, _: c == v[0]),
        Operator("neq", "is not", "one", _ALL, True, lambda c, v, _: ~(c == v[0])),
        Operator("in", "is any of", "list", _ALL, False, lambda c, v, _: c.isin(v)),
        Operator("not_in", "is none of", "list", _ALL, True, lambda c, v, _: ~c.isin(v)),
        Operator("contains", "contains", "one", ("string",), False, lambda c, v, _: c.contains(v[0]), True),
        Operator("not_contains", "does not contain", "one", ("string",), True, lambda c, v, _: ~c.contains(v[0]), True),
        # substr comparison is case-sensitive on every backend (LIKE is not, on SQLite)
        Operator(
            "starts_with",
            "starts with",
            "one",
            ("string",),
            False,
            lambda c, v, raw: c.substr(0, len(raw[0])) == v[0],
            True,
        ),
        Operator("gt", ">", "one", _ORDERED, False, lambda c, v, _: c > v[0]),
        Operator("gte", "≥", "one", _ORDERED, False, lambda c, v, _: c >= v[0]),
        Operator("lt", "<", "one", _ORDERED, False, lambda c, v, _: c < v[0]),
        Operator("lte", "≤", "one", _ORDERED, False, lambda c, v, _: c <= v[0]),
        Operator("between", "between", "two", _ORDERED, False, lambda c, v, _: c.between(v[0], v[1])),
        Operator("is_known", "is known", "none", KINDS, False, lambda c, _v, _r: c.notnull()),
        Operator("is_unknown", "is unknown", "none", KINDS, True, lambda c, _v, _r: c.isnull()),
    )
}
OPERATOR_IDS: tuple[str, ...] = tuple(OPERATORS)


# ---------------------------------------------------------------------------------------- values (model)
def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool) and not (isinstance(value, float) and value != value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _allowed(op: Operator, value: object) -> bool:
    """A scalar of a type some kind of ``op`` takes (``True`` is no number)."""
    types = tuple(t for kind in op.kinds for t in _VALUE_TYPES.get(kind, ()))
    return _is_scalar(value) and isinstance(value, types) and (bool in types or not isinstance(value, bool))


def check_value(op_id: str, value: Any) -> None:
    """Raise :class:`JourneyDefinitionError` (a ``ValueError``, its ``code`` a :data:`ValueCode`) unless ``value``
    has the shape and types the operator takes (no data needed)."""
    op = OPERATORS[op_id]

    def refuse(code: ValueCode, needs: str) -> JourneyDefinitionError:
        return JourneyDefinitionError(f"op {op.id!r} {needs}, got {shown(value)}", code=code, details={"op": op.id})

    if op.arity == "none":
        if value is not None:
            raise refuse("no_value_taken", "takes no value")
    elif op.arity == "list":
        if not isinstance(value, list | tuple) or not value:
            raise refuse("list_needed", "needs a non-empty list of values")
        if not all(_is_scalar(v) for v in value):
            raise refuse("scalars_needed", "takes scalar values")
    elif op.arity == "two":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise refuse("two_values_needed", "needs two values [low, high]")
        low, high = value
        if not (_allowed(op, low) and _allowed(op, high)):
            raise refuse("two_values_of_kinds_needed", f"needs two {op.value_words()} values")
        if type(low) is not type(high) and not (_is_number(low) and _is_number(high)):
            raise refuse("two_values_of_kinds_needed", "needs two values of one type")
        if low > high:
            raise refuse("low_above_high", "needs low <= high")
    elif op.needs_text:
        if not isinstance(value, str) or not value:
            raise refuse("text_needed", "needs a non-empty text value")
    elif not _allowed(op, value):
        raise refuse("single_value_needed", f"needs a single {op.value_words()} value")


def values_of(value: Any) -> tuple[Any, ...]:
    """A filter's values as a tuple (one for a scalar, none for a no-value op)."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list | tuple) else (value,)


# ---------------------------------------------------------------------------------------- kinds (data)
def kind_of(type_: dt.DataType) -> Kind:
    """The property kind of an Ibis column type."""
    if type_.is_string():
        return "string"
    if type_.is_boolean():
        return "boolean"
    if type_.is_numeric():
        return "number"
    if type_.is_timestamp() or type_.is_date():
        return "timestamp"
    return "other"


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def value_fits(value: object, type_: dt.DataType) -> bool:
    """Whether a filter value can be compared with a column of ``type_`` (times as ISO 8601 text:
    a date column takes a date such as ``2026-01-05``, a timestamp column a date or a date and time)."""
    if type_.is_integer() and isinstance(value, int) and not isinstance(value, bool):
        return _INT64_MIN <= value <= _INT64_MAX
    if type_.is_date():
        return isinstance(value, str) and _reads(date.fromisoformat, value)
    if type_.is_timestamp():
        return isinstance(value, str) and _reads(datetime.fromisoformat, value)
    kind = kind_of(type_)
    return kind in _VALUE_TYPES and isinstance(value, _VALUE_TYPES[kind]) and _is_number(value) == (kind == "number")


def _reads(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------- predicates
def literal(value: object, column: ir.Value) -> ir.Value:
    """``value`` as a literal typed for comparison with ``column`` (times given as ISO text)."""
    import ibis

    type_ = column.type()
    if isinstance(value, str) and type_.is_timestamp():
        return ibis.timestamp(value)
    if isinstance(value, str) and type_.is_date():
        return ibis.literal(date.fromisoformat(value))
    return ibis.literal(value)


def predicate(column: ir.Value, op_id: str, values: Sequence[Any]) -> ir.BooleanValue:
    """The filter as a never-null boolean: null passes exactly the operators whose null rule says so."""
    op = OPERATORS[op_id]
    raw = tuple(values)
    test = op.test(*_comparable(column, raw), raw)
    if op.arity == "none":
        return test
    return column.isnull() | test if op.null_passes else column.notnull() & test


def _comparable(column: ir.Value, values: tuple[Any, ...]) -> tuple[ir.Value, list[ir.Value]]:
    """The column and the values as literals, in a form the column's backend compares exactly: a timestamp
    column where times are text (SQLite, whose text and literals are written differently) compares as
    microseconds since the epoch, the values' microseconds computed here (naive times meaning UTC)."""
    import ibis
    import ibis.expr.datatypes as dt

    from journey_widgets.compiler.rows import epoch_us
    from journey_widgets.portable import backend_name, compares_time_literals, epoch_microseconds

    backend = backend_name(column)
    if not column.type().is_timestamp() or compares_time_literals(backend):
        return column, [literal(v, column) for v in values]
    moments = [datetime.fromisoformat(v) for v in values]
    micros = [epoch_us(m if m.tzinfo else m.replace(tzinfo=UTC)) for m in moments]
    return epoch_microseconds(column, backend), [ibis.literal(m, type=dt.int64) for m in micros]
