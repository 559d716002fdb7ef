"""Benchmark settings: production settings (DEBUG off, whitenoise) plus a bare baseline view."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
os.environ["DJANGO_SECURE_COOKIES"] = "false"

from sahel_learn.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
