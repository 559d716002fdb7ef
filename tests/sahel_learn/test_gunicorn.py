"""gunicorn as ``make run`` starts it (gunicorn.conf.py): long addresses reach Django and get its 400."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LONG = "x" * 6000  # a request line well over gunicorn's default limit of 4094 bytes


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port, path):
    # A worker imports the whole app on its first request: generous on a busy machine.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def gunicorn():
    """gunicorn with the project's gunicorn.conf.py and make run's environment, on a free port."""
    port = _free_port()
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_") and key != "DATABASE_URL"}
    environ = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "sahel_learn.settings",
        "DJANGO_ENV_FILE": "",
        "DJANGO_SECRET_KEY": "a-gunicorn-test-secret-key-that-is-long-and-random-0123456789-abcdefghijkl",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        # These answers need no table; plain storage needs no collectstatic.
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        assert _get(port, "/api/v1/search/")[0] == 400  # a worker answers (no q is a 400)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_long_search_gets_the_pages_own_400(gunicorn):
    status, headers, body = _get(gunicorn, f"/search/?q={LONG}")
    assert (status, headers["Content-Type"]) == (400, "text/html; charset=utf-8")
    assert "Keep the search to 200 characters or fewer." in body


def test_a_long_api_search_gets_the_apis_400(gunicorn):
    status, headers, body = _get(gunicorn, f"/api/v1/search/?q={LONG}")
    assert (status, headers["Content-Type"]) == (400, "application/json")
    assert json.loads(body) == {"q": ["Ensure this field has no more than 200 characters."]}


def test_request_lines_over_8190_bytes_are_refused_by_gunicorn(gunicorn):
    """The bound stays: gunicorn's largest bounded limit, as nginx's default buffers."""
    assert _get(gunicorn, f"/search/?q={'x' * 8190}")[0] == 414
