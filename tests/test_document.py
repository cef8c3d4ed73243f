"""The kernel side of a journey document (journey_widgets.document): the builder's edits go to the page as the file's
text, an invalid draft as its problem, the page's text (revert, reload) to the builder without an echo; the data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import comm
import pytest
from cases import ev, events_frame

from journey_widgets import DataBindingError, Journey, JourneyDefinitionError
from journey_widgets.document import COMM_TARGET, JourneyDocument, file_text, open_document, read_data
from journey_widgets.journey_file import NEW_JOURNEY

REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "examples" / "website_to_meeting.journey.json"
EVENTS = events_frame([ev("page_visited", 0, 1), ev("form_submission", 10, 1), ev("meeting_booked", 20, 1)])


class FakeComm:
    """What the page would receive, and a way to send it the page's messages."""

    def __init__(self, target_name: str, data: dict) -> None:
        self.target_name, self.opened, self.sent = target_name, data, []
        self._handler = None

    def send(self, data: dict) -> None:
        self.sent.append(data)

    def on_msg(self, handler) -> None:
        self._handler = handler

    def receive(self, data: dict) -> None:
        self._handler({"content": {"data": data}})


@pytest.fixture
def fake_comm(monkeypatch):
    made: list[FakeComm] = []
    real = comm.create_comm

    def create_comm(*args, **kwargs):
        if kwargs.get("target_name") != COMM_TARGET:
            return real(*args, **kwargs)  # the widgets' own comms
        made.append(FakeComm(kwargs["target_name"], kwargs["data"]))
        return made[-1]

    monkeypatch.setattr(comm, "create_comm", create_comm)
    return made


@pytest.fixture
def document(fake_comm, tmp_path, monkeypatch):
    EVENTS.to_parquet(tmp_path / "events.parquet")
    monkeypatch.chdir(tmp_path)  # the kernel runs beside the file
    opened = JourneyDocument(EXAMPLE.read_text(), "events.parquet")
    assert fake_comm[0].target_name == COMM_TARGET and fake_comm[0].opened == {"type": "ready"}
    return opened, fake_comm[0]


def test_the_example_is_saved_as_journey_save_writes_it():
    assert EXAMPLE.read_text() == file_text(Journey.load(EXAMPLE))


def test_the_extensions_new_journey_is_the_kernels():
    source = (REPO / "labextension" / "src" / "new_journey.js").read_text()
    text = json.loads(re.search(r"export const NEW_JOURNEY = (\".*\");", source).group(1))
    assert text == file_text(NEW_JOURNEY)


def test_an_edit_sends_the_file_text(document):
    opened, page = document
    edited = Journey.load(EXAMPLE).stage("Won", "deal_stage_changed")
    opened.builder.editor.journey = edited.to_dict()
    assert page.sent[-1] == {"type": "journey", "text": file_text(edited)}


def test_an_invalid_draft_sends_its_problem_not_a_text(document):
    opened, page = document
    draft = Journey.load(EXAMPLE).to_dict()
    draft["stages"].append({"name": "New", "steps": []})
    opened.builder.editor.journey = draft
    assert page.sent[-1]["type"] == "invalid" and "stage 'New' has no steps" in page.sent[-1]["problem"]


def test_the_pages_text_goes_to_the_builder_without_an_echo(document):
    opened, page = document
    reverted = Journey.load(EXAMPLE).stage("Paid", "payment_succeeded")
    page.receive({"type": "source", "text": file_text(reverted)})
    assert opened.builder.journey == reverted and page.sent == []
    page.receive({"type": "source", "text": "{not json"})
    assert opened.builder.journey == reverted and page.sent[-1]["type"] == "invalid"


def test_empty_data_is_the_sample_data():
    events, identity = read_data("")
    assert events.num_rows == 100_000 and identity.num_rows > 0


def test_a_missing_data_file_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataBindingError) as caught:
        read_data("nowhere.parquet")
    assert "nowhere.parquet" in str(caught.value) and "\n" not in str(caught.value)


def test_a_file_that_is_no_journey_is_one_line_in_the_document(fake_comm):
    with pytest.raises(JourneyDefinitionError) as caught:
        open_document('{"version": 1, "stages": [}', "")
    assert caught.value._render_traceback_() == [f"JourneyDefinitionError: {caught.value}"]


def test_undoing_back_to_the_files_journey_is_sent_too(document):
    opened, page = document
    original = Journey.load(EXAMPLE)
    opened.builder.journey = original.stage("Won", "deal_stage_changed")
    opened.builder.journey = original  # undo: the page holds the edit, so it must hear of the undo
    assert page.sent[-1] == {"type": "journey", "text": file_text(original)}


def test_the_kernel_code_of_the_page_carries_any_text(monkeypatch):
    """labextension/src/kernel_code.js, run by node, writes Python that passes the file's text and data unchanged."""
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "node is needed (scripts/setup.sh installs it)"
    text = '{"name": "quotes \\" \' \\\\ \\u2028 \u2028 tabs\\t é 𝄞 ${x} `b`"}\n'
    module = (REPO / "labextension" / "src" / "kernel_code.js").as_uri()
    script = f"import({json.dumps(module)}).then(m => process.stdout.write(m.kernelCode(process.argv[1], "
    script += '{events: "data/ev ents.parquet", identity: ""})))'
    code = subprocess.run([node, "-e", script, text], capture_output=True, text=True, check=True).stdout
    seen = []
    monkeypatch.setattr("journey_widgets.document.open_document", lambda *args: seen.append(args))
    exec(code, {})
    assert seen == [(text, "data/ev ents.parquet", "")]
