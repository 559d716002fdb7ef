"""Data migrations: what they do to rows that already exist."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("briefings", "0006_briefing_origin_and_background_kind")
AFTER = ("briefings", "0007_rename_bazoum_drop_estimate_event")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_bazoum_is_renamed_and_the_estimate_event_goes_but_an_editors_own_stays():
    apps = _migrate(BEFORE)
    try:
        Leader, TimelineEvent = apps.get_model("briefings", "Leader"), apps.get_model("briefings", "TimelineEvent")
        bazoum = Leader.objects.create(slug="mohamed-bazoum", name="Bazoum", summary="A president.", origin="pack")
        when = {"date": datetime.date(2021, 1, 1), "precision": "year", "title": "Start", "summary": "Since 2021."}
        TimelineEvent.objects.create(slug="wagner-gold-estimate-begins", origin="pack", **when)
        TimelineEvent.objects.create(slug="editors-own-2021", origin="editor", **when)

        apps = _migrate(AFTER)

        Leader, TimelineEvent = apps.get_model("briefings", "Leader"), apps.get_model("briefings", "TimelineEvent")
        assert list(Leader.objects.values_list("pk", "slug")) == [(bazoum.pk, "bazoum")]
        assert list(TimelineEvent.objects.values_list("slug", flat=True)) == ["editors-own-2021"]
    finally:
        _migrate(("briefings", max_leaf()))


def max_leaf():
    executor = MigrationExecutor(connection)
    return next(name for app, name in executor.loader.graph.leaf_nodes() if app == "briefings")
