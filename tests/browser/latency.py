"""How long the builder makes a user wait, measured in the page: from the key pressed (or the button pressed) that
commits an edit until the funnel numbers shown are that edit's and marked up to date, and from a key typed in a
filter's value (or a step's event search) until the suggestions for the text typed are shown.

The page records the time of every key and mouse press, and every change of what the numbers part shows (status,
stale mark, the numbers), with the frame it was painted in. An edit's latency runs from its last press to the paint
of the last change, once the numbers shown are checked to be `builder.journey.run()`'s (the tour's check): so a stale
or wrong number shown on the way counts as waiting. Used by `benchmarks/builder_latency.py` (the numbers at 1M
events) and by `test_builder_latency.py` (the machinery, on small data, with no timing asserted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page, expect
from test_builder_tour import browse_and_pick, retype, shown_numbers_are_the_kernels, tab_out

# Installed once per page: the presses and the states of the numbers part, each with its time (performance.now()).
RECORD = """() => {
  const state = () => {
    const status = document.querySelector('.jw-status');
    const numbers = document.querySelector('.jw-numbers');
    const cells = [...document.querySelectorAll('.jw-funnel-table .jw-actors, .jw-funnel-table .jw-dropped')];
    return JSON.stringify([status.dataset.status, status.textContent, numbers.classList.contains('jw-stale'),
                           cells.map((cell) => cell.textContent)]);
  };
  const record = window.jwLatency = {presses: [], states: []};
  for (const type of ['keydown', 'mousedown']) {
    document.addEventListener(type, (event) => record.presses.push(event.timeStamp), true);
  }
  let last = state();
  new MutationObserver(() => {
    const now = state();
    if (now === last) return;
    last = now;
    const entry = {t: performance.now(), painted: null};
    record.states.push(entry);
    requestAnimationFrame(() => { entry.painted = performance.now(); });
  }).observe(document.querySelector('.jw-results'),
             {subtree: true, childList: true, characterData: true, attributes: true});
}"""

# Watches one list of suggestions (a filter value's datalist or an event picker's menu): the list after each key's
# input is handled (`typed`: a menu filtered at once, or left as it was) and at each change (`changed`: the kernel's
# answer), with the values it holds and the time it was painted.
WATCH_LIST = """(list) => {
  const record = window.jwSuggestions = {presses: [], lists: []};
  const root = list.closest('.jw-root');
  const snapshot = (kind) => {
    const entry = {kind, t: performance.now(), painted: null,
                   values: [...list.querySelectorAll('option')].map((o) => o.value).filter(Boolean)};
    record.lists.push(entry);
    requestAnimationFrame(() => { entry.painted = performance.now(); });
  };
  root.addEventListener('keydown', (event) => record.presses.push(event.timeStamp), true);
  root.addEventListener('input', () => snapshot('typed'));
  new MutationObserver(() => snapshot('changed'))
    .observe(list, {childList: true, subtree: true, attributes: true, characterData: true});
}"""


def record(page: Page) -> None:
    """Start recording presses and what the numbers part shows (once per page, the builder drawn)."""
    page.evaluate(RECORD)


@dataclass(frozen=True)
class Edit:
    """One edit as a user makes it: `perform` ends with the press that commits it; `edited` holds of the kernel's
    journey document once the edit has reached it."""

    name: str
    perform: Callable[[Page], None]
    edited: Callable[[dict[str, Any]], bool]


def timed_edit(page: Page, edit: Edit) -> float:
    """Make `edit`, check the numbers shown are then the kernel's own `builder.journey.run()`, up to date and not
    dimmed; return the milliseconds from its last press to the paint of the numbers part's last change."""
    page.evaluate("() => { window.jwLatency.presses = []; window.jwLatency.states = []; }")
    edit.perform(page)
    shown_numbers_are_the_kernels(page, edit.name, edit.edited)
    page.wait_for_function("() => window.jwLatency.states.every((entry) => entry.painted !== null)")
    seen = page.evaluate("() => window.jwLatency")
    assert seen["presses"], f"{edit.name}: no key or button was pressed"
    pressed = seen["presses"][-1]
    after = [entry for entry in seen["states"] if entry["t"] >= pressed]
    assert after, f"{edit.name}: the numbers part did not change after the press (never marked as computing)"
    return after[-1]["painted"] - pressed


# The first painted list that answers the text typed: with `contains`, a change (the kernel's answer, not a list left
# from an earlier key) whose values each contain it; else any list with values (a menu filtered as the key is handled).
ANSWERED = """([typed, contains]) => window.jwSuggestions.lists.find((entry) => entry.painted !== null
  && entry.values.length && (!contains || (entry.kind === 'changed'
                    && entry.values.every((value) => value.toLowerCase().includes(typed.toLowerCase()))))) ?? null"""


def timed_suggestions(page: Page, box: Locator, listing: Locator, text: str, *, contains: bool) -> list[float]:
    """Type `text` into `box` one key at a time; after each key, wait until `listing` (a datalist or a menu) shows
    values (with `contains`, the kernel's answer: each value contains the text typed so far); return the milliseconds
    from each key to the paint of that list."""
    box.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    listing.evaluate(WATCH_LIST)
    times = []
    for n in range(1, len(text) + 1):
        page.evaluate("() => { window.jwSuggestions.presses = []; window.jwSuggestions.lists = []; }")
        page.keyboard.type(text[n - 1])
        expect(box).to_have_value(text[:n])
        page.wait_for_function(ANSWERED, arg=[text[:n], contains])
        answered = page.evaluate(ANSWERED, [text[:n], contains])
        times.append(answered["painted"] - page.evaluate("() => window.jwSuggestions.presses.at(-1)"))
    return times


def stage(page: Page, n: int) -> Locator:
    return page.locator(".jw-stage").nth(n)


def click(selector: str, nth: int = 0) -> Callable[[Page], None]:
    return lambda page: page.locator(selector).nth(nth).click()


def type_and_pick(where: Callable[[Page], Locator], search: str) -> Callable[[Page], None]:
    """Type `search` into an event picker's box, then pick the first event it lists from the keyboard."""

    def perform(page: Page) -> None:
        picker = where(page)
        picker.locator(".jw-picker-search").click()
        page.keyboard.type(search)
        browse_and_pick(page, picker.locator(".jw-picker-select"), ["ArrowDown"])

    return perform


def add_country_filter(page: Page) -> None:
    """Stage 1's first step gets a filter: property picked from the keyboard, then "US" typed, Enter."""
    stage(page, 0).locator(".jw-add-filter").first.click()
    row = stage(page, 0).locator(".jw-filter").first
    browse_and_pick(page, row.locator(".jw-filter-property"), list("cou"))
    retype(page, row.locator(".jw-filter-value"), "US", "Enter")


def add_fourth_stage(page: Page) -> None:
    """Click "+ Add stage", then give it its first step: "deal stage" typed in its search, the first event picked."""
    page.locator(".jw-add-stage").click()
    type_and_pick(lambda p: stage(p, 3).locator(".jw-add-step"), "deal stage")(page)


def type_date(selector: str, digits: str, leave: str) -> Callable[[Page], None]:
    """Type a date's digits into a date box, then Enter or Tab out of it."""

    def perform(page: Page) -> None:
        box = page.locator(selector)
        box.focus()
        page.keyboard.type(digits)
        if leave == "Enter":
            page.keyboard.press("Enter")
        else:
            tab_out(page, box)

    return perform


def pick(selector: str, keys: list[str]) -> Callable[[Page], None]:
    return lambda page: browse_and_pick(page, page.locator(selector), keys)


def steps_of(journey: dict[str, Any], s: int) -> list[str]:
    return [step["event"] for step in journey["stages"][s]["steps"]]


# Twenty edits of every kind, from the journey `START` (below): Visited (anonymous page visits) -> Converted -> Met.
EDITS = [
    Edit(
        "window 14, Enter", lambda p: retype(p, p.locator(".jw-window"), "14", "Enter"), lambda j: j["window"] == "P14D"
    ),
    Edit("window unit weeks", pick(".jw-window-unit", ["w"]), lambda j: j["window"] == "P14W"),
    Edit("strict order", pick(".jw-order", ["ArrowDown"]), lambda j: j.get("order") == "strict"),
    Edit("in order again", pick(".jw-order", ["ArrowUp"]), lambda j: j.get("order", "ordered") == "ordered"),
    Edit(
        "filter country is US",
        add_country_filter,
        lambda j: j["stages"][0]["steps"][0].get("filters") == [{"property": "country", "op": "eq", "value": "US"}],
    ),
    Edit(
        "filter value DE",
        lambda p: retype(p, p.locator(".jw-filter-value").first, "DE", "Enter"),
        lambda j: j["stages"][0]["steps"][0]["filters"][0]["value"] == "DE",
    ),
    Edit(
        "filter operator is not",
        pick(".jw-filter-op", ["ArrowDown"]),
        lambda j: j["stages"][0]["steps"][0]["filters"][0]["op"] == "neq",
    ),
    Edit("From date, Enter", type_date(".jw-start", "02012026", "Enter"), lambda j: "start" in j.get("date_range", {})),
    Edit("To date, Tab", type_date(".jw-end", "06012026", "Tab"), lambda j: "end" in j.get("date_range", {})),
    Edit("undo To", click(".jw-undo"), lambda j: "end" not in j.get("date_range", {})),
    Edit("undo From", click(".jw-undo"), lambda j: "date_range" not in j),
    Edit(
        "stage 4 typed and picked",
        add_fourth_stage,
        lambda j: len(j["stages"]) == 4 and steps_of(j, 3) == ["deal_stage_changed"],
    ),
    Edit(
        "a branch on stage 3",
        type_and_pick(lambda p: stage(p, 2).locator(".jw-add-step"), "sequence meet"),
        lambda j: steps_of(j, 2) == ["meeting_booked", "sequence_meeting_booked"],
    ),
    Edit(
        "the branch removed",
        lambda p: stage(p, 2).locator(".jw-remove-step").nth(1).click(),
        lambda j: steps_of(j, 2) == ["meeting_booked"],
    ),
    Edit("stage 4 removed", click(".jw-remove-stage", 3), lambda j: len(j["stages"]) == 3),
    Edit(
        "stage 1 without anonymous visitors",
        lambda p: stage(p, 0).locator(".jw-anonymous input").click(),
        lambda j: not j["stages"][0]["steps"][0].get("include_anonymous"),
    ),
    Edit(
        "an exclusion",
        type_and_pick(lambda p: p.locator(".jw-add-exclusion"), "spam"),
        lambda j: [x["event"] for x in j.get("exclusions", [])] == ["email_spam_reported"],
    ),
    Edit("the exclusion removed", click(".jw-remove-exclusion"), lambda j: "exclusions" not in j),
    Edit(
        "breakdown by country",
        pick(".jw-breakdown", list("cou")),
        lambda j: j.get("breakdown", {}).get("property") == "country",
    ),
    Edit("device held", pick(".jw-add-held", list("dev")), lambda j: j.get("hold_constant") == ["device_type"]),
]

# The journey the edits start from.
START = (
    'Journey("Latency", window="30d").stage("Visited", step("page_visited", anonymous=True))'
    '.stage("Converted", "form_submission").stage("Met", "meeting_booked")'
)


def notebook(events_code: str) -> list[str]:
    """The cells: `events_code` sets `events` and `identity` (the tour's kernel check reads those names), then the
    builder on them from `START`; and a cell to make active."""
    return [
        f"import journey_widgets as jw\nfrom journey_widgets import Journey, step\n\n{events_code}\n"
        f"builder = jw.JourneyBuilder(events, {START}, identity=identity)\nbuilder",
        "1 + 1",
    ]
