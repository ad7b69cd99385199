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


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once, in the test's own transaction."""
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}
