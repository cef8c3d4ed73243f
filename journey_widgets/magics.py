"""IPython magics, registered by ``%load_ext journey_widgets``::

    %%journey EVENTS [--identity NAME] [--as-of TIME] [-o NAME]
    { "version": 1, "stages": [...] }          <- the cell's body: a version-1 journey in JSON

    %journey open PATH [EVENTS]                 the step builder on a journey file (created if missing)
    %journey sql PATH DIALECT                   print the journey's SQL for a warehouse dialect

EVENTS and NAME are variables of the notebook (an Ibis table, a DataFrame, an Arrow table or a path). Errors are
one line (a :class:`JourneyError`), without a traceback.
"""

from __future__ import annotations

import shlex
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from journey_widgets._ipython import one_line_in_ipython
from journey_widgets.errors import ArgumentError, JourneyError, one_line

LINE_USAGE = "%journey open PATH [EVENTS] | %journey sql PATH DIALECT | %%journey EVENTS (with a journey as the body)"


class MagicError(JourneyError):
    """An error the magics did not expect (a backend's, a file's), as one line naming its type."""


@magics_class
class JourneyMagics(Magics):
    """``%journey`` (open, sql) and ``%%journey`` (run the journey in the cell's body)."""

    @magic_arguments()
    @argument("events", help="the events: a variable of the notebook (table, DataFrame, path)")
    @argument("--identity", help="the identity map visitor_id -> contact_id: a variable of the notebook")
    @argument("--as-of", dest="as_of", help="when the data ends, ISO 8601 (default: the latest event)")
    @argument("-o", "--out", dest="out", help="keep the JourneyResult in this variable")
    @line_cell_magic
    def journey(self, line: str, cell: str | None = None) -> Any:
        """Run the journey in the cell's body on EVENTS (cell magic), or ``open``/``sql`` a journey file (line)."""
        try:
            return self._line(line) if cell is None else self._cell(line, cell)
        except JourneyError as exc:
            raise one_line_in_ipython(exc) from None
        except Exception as exc:  # a backend or file error: one readable line, no traceback wall
            raise one_line_in_ipython(MagicError(one_line(exc))) from None

    def _cell(self, line: str, cell: str) -> Any:
        from journey_widgets.model import Journey

        try:
            args = parse_argstring(self.journey, line)
        except Exception as exc:  # argparse's usage error
            raise ArgumentError(f"%%journey {line}: {exc}") from None
        journey = Journey.from_json(cell)
        events = self._variable(args.events)
        identity = self._variable(args.identity) if args.identity else None
        result = journey.run(events, identity=identity, as_of=args.as_of)
        result.funnel()  # runs now: a backend error is this cell's
        if args.out:
            self._namespace[args.out] = result
        return result

    def _line(self, line: str) -> Any:
        words = shlex.split(line)
        command, rest = (words[0], words[1:]) if words else ("", [])
        if command == "open" and len(rest) in (1, 2):
            from journey_widgets.journey_file import JourneyFileBuilder

            return JourneyFileBuilder(rest[0], self._variable(rest[1]) if len(rest) == 2 else None)
        if command == "sql" and len(rest) == 2:
            from journey_widgets.model import Journey

            print(Journey.load(rest[0]).to_sql(rest[1]))
            return None
        raise ArgumentError(f"unknown use %journey {line.strip()!r}: {LINE_USAGE}")

    @property
    def _namespace(self) -> dict[str, Any]:
        """The notebook's variables (IPython sets ``shell`` when it registers the magics)."""
        assert self.shell is not None
        return self.shell.user_ns

    def _variable(self, name: str) -> Any:
        namespace = self._namespace
        if name not in namespace:
            tables = sorted(key for key, value in namespace.items() if not key.startswith("_") and _tabular(value))
            known = f" (tables here: {', '.join(tables)})" if tables else ""
            raise ArgumentError(f"no variable named {name!r} in the notebook{known}")
        return namespace[name]


def _tabular(value: Any) -> bool:
    """A table, DataFrame or Arrow table, for naming the candidates of an unknown name."""
    kind = type(value)
    library = kind.__module__.split(".")[0]
    return kind.__name__ in ("Table", "DataFrame") and library in ("ibis", "pandas", "polars", "pyarrow")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext journey_widgets``."""
    ipython.register_magics(JourneyMagics)
