"""Test settings: the production settings with test-only values filled in.

DEBUG stays off so tests see what production serves; HTTPS redirects and secure cookies are off
because the test client and the live server speak plain HTTP.
"""

import os

os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
os.environ["DJANGO_SECURE_COOKIES"] = "false"
os.environ["DJANGO_HSTS_SECONDS"] = "0"
# pytest-playwright runs an event loop in the test thread; the ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server serves /static/ itself; the manifest storage would need collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# SQLite's in-memory test database answers "table is locked" at once to a second connection, so
# tests of two requests at once (tests/quizzes/test_concurrency.py) run it again in a file, where
# locking, WAL and IMMEDIATE transactions work as in production: SAHEL_TEST_SQLITE_FILE names it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get("SAHEL_TEST_SQLITE_FILE"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SAHEL_TEST_SQLITE_FILE"]}  # noqa: F405
