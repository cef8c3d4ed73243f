"""The messages between the builder's page and the kernel: known requests kept, others ignored; the JS mirrors them."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from journey_widgets.builder import messages

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", ["suggest", "drilldown", "csv", "explain"])
def test_a_request_of_a_known_type_is_kept(kind):
    content = {"type": kind, "id": 3}
    assert messages.request(content) is content


@pytest.mark.parametrize("content", [{"type": "nope", "id": 6}, {"id": 6}, ["suggest"], "suggest", None])
def test_anything_else_is_not_a_request(content):
    assert messages.request(content) is None


def _types(typed_dict: type) -> set[str]:
    """The values the ``type`` key of a message may take."""
    return set(typing.get_args(typing.get_type_hints(typed_dict)["type"]))


def test_the_js_typedefs_name_every_message_type():
    """js/src/types.js mirrors each message of builder/messages.py: each type tag is there as a literal."""
    text = (ROOT / "js" / "src" / "types.js").read_text(encoding="utf-8")
    in_js = set(re.findall(r'type: "(\w+)"', text))
    classes = [c for c in vars(messages).values() if typing.is_typeddict(c) and "type" in typing.get_type_hints(c)]
    in_python = set().union(*(_types(c) for c in classes))
    assert (
        in_python == in_js == {"suggest", "suggestions", "drilldown", "csv", "explain", "explanation", "show_drilldown"}
    )


def test_the_js_funnel_row_has_the_keys_of_the_python_one():
    """The `funnel` trait's rows: FunnelRow of builder/messages.py and its typedef in js/src/types.js, key by key
    (and which are optional)."""
    text = (ROOT / "js" / "src" / "types.js").read_text(encoding="utf-8")
    typedef = re.search(r"@typedef \{\{((?:(?!@typedef).)*?)\}\} FunnelRow", text, re.S)
    assert typedef, "no FunnelRow typedef in types.js"
    in_js = dict(re.findall(r"(\w+)(\??):", typedef[1].replace("*", " ")))
    hints = typing.get_type_hints(messages.FunnelRow, include_extras=True)
    in_python = {key: "?" if typing.get_origin(hint) is typing.NotRequired else "" for key, hint in hints.items()}
    assert in_js == in_python
