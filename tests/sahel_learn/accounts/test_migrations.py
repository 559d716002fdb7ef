"""The roles migration makes the groups on a fresh database and is harmless where they exist."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from sahel_learn.accounts.roles import EDITORS, STUDENTS, TRAINERS, editor_permission_codenames

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("sahel_learn.accounts.migrations.0001_roles")


def test_the_migrations_frozen_permissions_are_the_editors_permissions_of_the_code():
    assert editor_permission_codenames() == roles_migration.EDITOR_CODENAMES


def test_the_roles_migration_makes_missing_groups_and_mends_the_editors_permissions():
    Group.objects.filter(name__in=[TRAINERS, STUDENTS]).delete()
    Group.objects.get(name=EDITORS).permissions.clear()

    roles_migration.ensure_roles(apps, None)
    roles_migration.ensure_roles(apps, None)

    assert sorted(Group.objects.values_list("name", flat=True)) == [EDITORS, STUDENTS, TRAINERS]
    editors = Group.objects.get(name=EDITORS).permissions.filter(content_type__app_label="briefings")
    codenames = set(editors.values_list("codename", flat=True))
    assert codenames == editor_permission_codenames()
