"""Settings come from the environment and fail fast; production settings pass check --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sahel_learn.settings import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghijkl",
    "DJANGO_ALLOWED_HOSTS": "learn.example.org",
}


def run_manage(*args, environ):
    """manage.py in a fresh process with only ``environ`` (no .env file, no DJANGO_* from outside)."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_") and key != "DATABASE_URL"}
    clean.update(DJANGO_SETTINGS_MODULE="sahel_learn.settings", DJANGO_ENV_FILE="", DATABASE_URL="sqlite:///:memory:")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_reads_casts_and_defaults(monkeypatch):
    monkeypatch.setenv("SL_TEST_LIST", "a, b,,c")
    monkeypatch.setenv("SL_TEST_BOOL", "Yes")
    monkeypatch.setenv("SL_TEST_INT", "42")
    assert env("SL_TEST_LIST", cast=list) == ["a", "b", "c"]
    assert env("SL_TEST_BOOL", cast=bool) is True
    assert env("SL_TEST_INT", cast=int) == 42
    assert env("SL_TEST_MISSING", "fallback") == "fallback"


def test_env_fails_fast_on_missing_or_invalid(monkeypatch):
    with pytest.raises(ImproperlyConfigured) as missing:
        env("SL_TEST_MISSING")
    assert str(missing.value) == "Set the environment variable SL_TEST_MISSING (see .env.example)."
    monkeypatch.setenv("SL_TEST_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured) as invalid:
        env("SL_TEST_BOOL", cast=bool)
    assert str(invalid.value) == "SL_TEST_BOOL must be true or false, not 'maybe'."


def test_production_without_a_secret_key_refuses_to_start():
    result = run_manage("check", environ={"DJANGO_ALLOWED_HOSTS": "learn.example.org"})
    assert result.returncode == 1
    assert "Set the environment variable DJANGO_SECRET_KEY (see .env.example)." in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = run_manage("check", environ={"DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]})
    assert result.returncode == 1
    assert "Set the environment variable DJANGO_ALLOWED_HOSTS (see .env.example)." in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage(
        "shell", "-v", "0", "-c", "from django.conf import settings; print(settings.DEBUG)", environ=PRODUCTION
    )
    assert (result.returncode, result.stdout.strip()) == (0, "False")


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", environ=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_collectstatic_resolves_every_file_a_stylesheet_references(tmp_path):
    """The manifest storage fails on a url() to a missing file; the tests' plain storage would not notice."""
    result = run_manage(
        "collectstatic", "--no-input", "-v", "0", environ={**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / "admin" / "css" / "forms.css.gz").exists()
    assert (tmp_path / "admin-overrides" / "css" / "admin.css.gz").exists()


PLAIN_HTTP = {"DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_SECURE_COOKIES": "false"}
PRINT_SECURITY = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
)


@pytest.mark.parametrize("switch", ["DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES"])
def test_plain_http_is_refused_for_a_real_host(switch):
    result = run_manage("check", environ={**PRODUCTION, switch: "false"})
    assert result.returncode == 1
    assert (
        "DJANGO_SECURE_SSL_REDIRECT and DJANGO_SECURE_COOKIES can be turned off only when every host in "
        "DJANGO_ALLOWED_HOSTS is this machine (127.0.0.1, localhost, [::1]), as `make run` does; "
        "not for learn.example.org."
    ) in result.stderr


def test_plain_http_is_refused_when_one_host_is_not_this_machine():
    result = run_manage(
        "check", environ={**PRODUCTION, **PLAIN_HTTP, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,learn.example.org"}
    )
    assert result.returncode == 1
    assert "not for learn.example.org." in result.stderr


def test_make_run_environment_serves_plain_http_on_this_machine_with_debug_off():
    """The environment ``make run`` gives gunicorn (RUN_ENV in the Makefile)."""
    environ = {
        "DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"],
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        **PLAIN_HTTP,
    }
    result = run_manage("shell", "-v", "0", "-c", PRINT_SECURITY, environ=environ)
    assert (result.returncode, result.stdout.strip()) == (0, "False False False False"), result.stderr


def test_production_redirects_to_https_and_sends_secure_cookies():
    result = run_manage("shell", "-v", "0", "-c", PRINT_SECURITY, environ=PRODUCTION)
    assert (result.returncode, result.stdout.strip()) == (0, "False True True True"), result.stderr


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("postgres://postgres@127.0.0.1:5432/app", {"server_side_binding": True, "prepare_threshold": 5}),
        (
            "sqlite:///:memory:",
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        ),
    ],
)
def test_each_database_s_connection_options(url, options):
    # PostgreSQL: bound by the server and prepared after five runs (planning a study read cost more
    # than running it); SQLite: WAL, a wait when locked, IMMEDIATE writes. No connection is made.
    code = "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    result = run_manage("shell", "-c", code, environ={**PRODUCTION, "DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == options
