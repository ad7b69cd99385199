"""Settings for pytest: the real settings, with development defaults for the two secrets."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "insecure-test-key")

from config.settings import *  # noqa: F403

# Persona fixtures create several users per test; the real hasher would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A checkpoint file of this test process only; tests that write checkpoints use their own.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

AUDIT_CHECKPOINT_FILE = Path(tempfile.mkdtemp(prefix="lindungi-audit-")) / "checkpoints.jsonl"
# Workers started by tests enqueue no daily duty (a checkpoint of a rolled-back test's chain
# would fail the next verification); jobs/tests/test_periodic.py turns them on.
WORKER_DAILY_DUTIES: list[str] = []
AUDIT_CHAIN_KEY = "test-audit-chain-key-0123456789abcdef"
# Tests see unexpected exceptions raised, not a friendly page that would hide them.
FRIENDLY_SERVER_ERROR_PAGE = False
