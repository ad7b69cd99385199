import io

import pytest

from lindungi.core.progress import TerminalProgress
from lindungi.jobs.choices import JobStatus
from lindungi.jobs.models import Job
from lindungi.jobs.progress import JobProgress, read_live_progress
from lindungi.jobs.selectors import get_progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_job_progress_writes_live_figures_at_most_four_times_a_second():
    clock = FakeClock()
    progress = JobProgress(41, clock=clock)
    progress.start(10, "Membaca baris")
    assert read_live_progress(41) == {"done": 0, "total": 10, "label": "Membaca baris"}
    clock.now += 0.1
    progress.advance(3)
    assert read_live_progress(41)["done"] == 0  # too soon after the last write
    clock.now += 0.2
    progress.advance(2)
    assert read_live_progress(41)["done"] == 5
    clock.now += 0.01
    progress.advance(5)
    assert read_live_progress(41)["done"] == 5
    progress.finish()
    assert read_live_progress(41) == {"done": 10, "total": 10, "label": "Membaca baris"}


def test_job_progress_with_unknown_total_ends_with_total_equal_to_done():
    clock = FakeClock()
    progress = JobProgress(42, clock=clock)
    progress.start(None)
    clock.now += 1
    progress.advance(4)
    assert read_live_progress(42) == {"done": 4, "total": None, "label": ""}
    progress.finish()
    assert read_live_progress(42) == {"done": 4, "total": 4, "label": ""}


def test_each_phase_starts_counting_again():
    progress = JobProgress(43, clock=FakeClock())
    progress.start(5, "Tahap 1")
    progress.advance(5)
    progress.start(8, "Tahap 2")
    assert progress.figures() == {"done": 0, "total": 8, "label": "Tahap 2"}


@pytest.mark.django_db
def test_pages_read_live_figures_while_running_and_the_row_once_finished(province_officer):
    job = Job.objects.create(
        kind="jobs_test.count", status=JobStatus.RUNNING, created_by=province_officer
    )
    assert get_progress(job) == {"done": 0, "total": None, "label": "", "percent": None}
    progress = JobProgress(job.pk, interval=0)
    progress.start(200, "Menghitung")
    progress.advance(50)
    assert get_progress(job) == {"done": 50, "total": 200, "label": "Menghitung", "percent": 25}
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, done=0, total=0)
    job.refresh_from_db()
    # A finished job ignores stale live figures; an empty job counts as complete.
    assert get_progress(job) == {"done": 0, "total": 0, "label": "", "percent": 100}


def test_terminal_progress_draws_a_bar_when_forced():
    stream = io.StringIO()
    progress = TerminalProgress(stream=stream, force=True)
    progress.start(5, "Impor")
    progress.advance(2)
    progress.advance(3)
    progress.finish()
    output = stream.getvalue()
    assert "Impor" in output
    assert "5/5" in output
    assert "100%" in output


def test_terminal_progress_is_silent_when_not_a_terminal():
    stream = io.StringIO()  # StringIO.isatty() is False, like a log file or a pipe
    progress = TerminalProgress(stream=stream)
    progress.start(5, "Impor")
    progress.advance(5)
    progress.finish()
    assert stream.getvalue() == ""


def test_terminal_progress_draws_on_a_terminal():
    class FakeTerminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = FakeTerminal()
    progress = TerminalProgress(stream=stream)
    progress.advance(3)  # without start(): an open-ended bar
    progress.finish()
    assert "3" in stream.getvalue()
    assert progress.enabled is True


def test_a_closing_phase_that_counts_nothing_keeps_the_figures_of_the_counted_phase():
    progress = JobProgress(job_id=1, clock=FakeClock())
    progress.start(120, "Impor")
    progress.advance(120)
    progress.start(None, "Menerapkan")
    progress.finish()
    assert progress.figures() == {"done": 120, "total": 120, "label": "Impor"}
