import pytest
from django.core.cache import cache

from lindungi.jobs.tests import handlers  # noqa: F401  (registers the test handlers)

IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Live progress lives in the cache; job ids repeat between rolled-back tests on SQLite."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_task_rows_from_other_tests(request):
    """Each test starts with an empty task queue. Tests elsewhere that commit (real worker
    processes, the live server, backup and restore) may leave queued task rows behind on
    PostgreSQL; these tests count and fetch the queue's rows."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if marker is not None or transactional or "db" in request.fixturenames:
        from django_tasks_db.models import DBTaskResult

        request.getfixturevalue("transactional_db" if transactional else "db")
        DBTaskResult.objects.all().delete()
    yield


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once, in the test's own transaction."""
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}
