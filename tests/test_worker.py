"""The builder's latest-wins worker: requests made while one runs coalesce into the newest; an error is reported."""

from __future__ import annotations

import threading

from journey_widgets.builder.worker import LatestWins


class Owner:
    """A minimal owner: one pending request, replaced by each newer one."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: int | None = None
        self.ran: list[int] = []
        self.errors: list[tuple[int, str]] = []
        self.release = threading.Event()
        self.release.set()
        self.worker: LatestWins[int] = LatestWins(
            name="test-worker", lock=self.lock, take=self.take, run=self.run, on_error=self.failed
        )

    def take(self) -> int | None:
        pending, self.pending = self.pending, None
        return pending

    def run(self, request: int) -> None:
        self.release.wait(10)
        if request < 0:
            raise ValueError(f"bad request {request}")
        self.ran.append(request)

    def failed(self, request: int, exc: Exception) -> None:
        self.errors.append((request, str(exc)))

    def submit(self, request: int) -> None:
        with self.lock:
            self.pending = request
            self.worker.wake()


def test_requests_made_while_one_runs_coalesce_into_the_newest():
    owner = Owner()
    owner.release.clear()
    owner.submit(1)  # taken at once, held running
    while True:
        with owner.lock:
            if owner.pending is None:
                break
    for request in (2, 3, 4):
        owner.submit(request)
    assert owner.worker.busy and not owner.worker.wait(0.05)  # still running: not settled
    owner.release.set()
    assert owner.worker.wait(10)
    assert owner.ran == [1, 4]
    assert not owner.worker.busy


def test_an_exception_is_reported_and_the_next_request_still_runs():
    owner = Owner()
    owner.submit(-1)
    assert owner.worker.wait(10)
    assert owner.errors == [(-1, "bad request -1")]
    owner.submit(5)
    assert owner.worker.wait(10)
    assert owner.ran == [5] and not owner.worker.busy


def test_an_idle_worker_is_settled_and_starts_no_thread():
    owner = Owner()
    assert owner.worker.wait(0) and not owner.worker.busy
    assert not [t for t in threading.enumerate() if t.name == "test-worker"]
