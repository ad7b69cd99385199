"""Issue 12.6: production is secure by default. The settings are loaded in a fresh Python
process with only the variables .env.example marks as required, as a deployment would."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
REQUIRED_BLOCK = re.compile(r"# --- Required in production(.*?)# --- End of the required", re.S)


def required_variables() -> dict[str, str]:
    """KEY=VALUE lines of the required block of .env.example, with a real secret key."""
    block = REQUIRED_BLOCK.search((BASE_DIR / ".env.example").read_text()).group(1)
    variables = dict(
        line.split("=", 1)
        for line in block.splitlines()[1:]
        if "=" in line and not line.startswith("#")
    )
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    variables["AUDIT_CHAIN_KEY"] = secrets.token_urlsafe(32)
    return variables


def run_django(code: str, variables: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR"}
    }
    environment.update(variables)
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environment.setdefault("LINDUNGI_VAR_DIR", str(tmp_path / "var"))
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_required_block_is_short_and_names_the_secrets():
    assert set(required_variables()) == {
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "AUDIT_CHAIN_KEY",
    }


def test_check_deploy_is_clean_with_only_the_required_variables(tmp_path):
    result = run_django(
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        required_variables(),
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_production_defaults_are_secure(tmp_path):
    result = run_django(
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'redirect': s.SECURE_SSL_REDIRECT, "
        "'hasher': s.PASSWORD_HASHERS[0], 'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']}))",
        required_variables(),
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["session"] is True and facts["csrf"] is True and facts["redirect"] is True
    assert facts["hsts"] >= 365 * 24 * 3600
    assert facts["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert facts["csp"]["script-src"] == ["'self'"]


@pytest.mark.parametrize(
    "key", ["short-but-random-Xy7", "change-me-to-a-long-random-string", "a" * 60, ""]
)
def test_a_weak_or_missing_secret_key_is_refused(key, tmp_path):
    variables = {**required_variables(), "SECRET_KEY": key}
    result = run_django("print('started')", variables, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_a_placeholder_audit_key_is_refused(tmp_path):
    placeholder = "change-me-to-another-long-random-string"
    result = run_django(
        "print('started')", {**required_variables(), "AUDIT_CHAIN_KEY": placeholder}, tmp_path
    )
    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY" in result.stderr


def test_argon2_hashes_passwords():
    # The test settings use a fast hasher; this proves argon2-cffi is installed and works.
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    hashed = hasher.encode("kopi-Alor-2025-pagi", hasher.salt())
    assert hashed.startswith("argon2$argon2id$")
    assert hasher.verify("kopi-Alor-2025-pagi", hashed)


# --- The Content-Security-Policy and pages that pass it ---------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _templates() -> list[Path]:
    return [
        path
        for path in (BASE_DIR / "lindungi").rglob("templates/**/*.html")
        if "node_modules" not in path.parts
    ]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = [
        str(path.relative_to(BASE_DIR))
        for path in _templates()
        if INLINE_SCRIPT.search(path.read_text()) or EVENT_HANDLER.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_only_our_own_scripts(client, province_admin):
    client.force_login(province_admin)
    for name in ("home", "reports:public", "login"):
        response = client.get(reverse(name))
        policy = response["Content-Security-Policy"]
        directives = dict(
            [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
        )
        assert directives["script-src"] == "'self'", name
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in directives["script-src"]
