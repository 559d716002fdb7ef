import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings


@pytest.fixture
def article_path():
    return Path(settings.BRIEFING_SOURCE)


@pytest.fixture
def pack_dir():
    return Path(settings.BRIEFING_PACK)


# The data migrations that make the role groups and grant Editors their permissions, in order.
ROLE_MIGRATIONS = (
    ("sahel_learn.accounts.migrations.0001_roles", "ensure_roles"),
    ("quizzes.migrations.0002_editors_question_permissions", "grant"),
    ("quizzes.migrations.0004_editors_quiz_permissions", "grant"),
)


@pytest.fixture(autouse=True)
def _role_groups(request):
    """Every database test starts with the groups migrate made, even after a transactional test.

    A transactional test (live server, races, migrations) ends by flushing every table, the role
    groups included. Django's runner runs those tests last; pytest-xdist's per-file scheduling can
    run another file's tests after one on the same worker, so put the groups back when they are gone.
    """
    wants_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not wants_db:
        return
    request.getfixturevalue("db")
    ensure_role_groups()


def ensure_role_groups():
    """The role groups (and their permissions) as migrate made them, made again if a flush removed them."""
    from django.contrib.auth.models import Group

    from sahel_learn.accounts.roles import STUDENTS

    if Group.objects.filter(name=STUDENTS).exists():
        return
    for module, function in ROLE_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
