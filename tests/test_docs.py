"""The docs stay true to the tree. docs/semantics.md: every hand-worked case named in italics exists, every
``tests/…::test_…`` exists, and every ``docs/semantics.md#<section>`` cited in the repository is a section of the
page. docs/ARCHITECTURE.md: its module table names every module of the package."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cases import CASES

ROOT = Path(__file__).parent.parent
PAGE = ROOT / "docs" / "semantics.md"
#: Words the page sets in italics that are terms, not case names.
TERMS = {"italics", "ABC", "start", "depth", "path", "branch", "in progress", "incomplete"}


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_case_named_in_italics_is_a_hand_worked_case():
    named = set(re.findall(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])", PAGE.read_text(encoding="utf-8")))
    assert named - TERMS - {case.name for case in CASES} == set()
    assert len(named - TERMS) > 50


def test_every_test_named_exists():
    text = PAGE.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)", text)
    assert len(named) > 10
    for path, test in named:
        assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), f"{path}::{test}"


def test_every_citation_of_the_page_names_one_of_its_sections():
    sections = {_anchor(line[3:]) for line in PAGE.read_text(encoding="utf-8").splitlines() if line.startswith("## ")}
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    cited = {
        (name, anchor)
        for name in files
        if name.endswith((".py", ".js", ".md"))
        for anchor in re.findall(r"semantics\.md#([\w-]+)", (ROOT / name).read_text(encoding="utf-8"))
    }
    assert len(cited) > 20
    assert {(name, anchor) for name, anchor in cited if anchor not in sections} == set()


def test_the_architecture_module_table_names_every_module():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text[text.index("## Modules") : text.index("## Events table")]
    package = ROOT / "journey_widgets"
    modules = {path.relative_to(package) for path in package.rglob("*.py") if path.name != "__init__.py"}
    unnamed = {str(m) for m in modules if f"`{m.name}`" not in table and f"`{m.stem}`" not in table}
    assert unnamed == set()
