"""Full-text search: each database's own engine (see ``briefings/search.py``).

PostgreSQL: the ``unaccent`` extension, a ``sahel_search`` text search configuration (English
stemming after removing accents) and ``to_tsvector``'s true cost for the planner. The parts that follow the code's list of searched fields
(SQLite's FTS5 tables and triggers, PostgreSQL's GIN indexes) are made after every ``migrate`` by
``briefings.search.install_search_index`` (``post_migrate``, see ``briefings/apps.py``); going back
past this migration removes them. Each operation does nothing on the other database.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CONFIG_SQL = """
CREATE TEXT SEARCH CONFIGURATION sahel_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION sahel_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""
# to_tsvector's default cost (100) makes the planner prefer computing it on every row over the GIN
# index once a table has a few thousand rows (measured: 70 ms instead of 4 ms at 100 times the
# content). Its true cost is nearer 1000; this is a property of the function in this database only.
COST_SQL = "ALTER FUNCTION pg_catalog.to_tsvector(regconfig, text) COST 1000;"
COST_BACK_SQL = "ALTER FUNCTION pg_catalog.to_tsvector(regconfig, text) COST 100;"


class RunSQLOn(migrations.RunSQL):
    """RunSQL on one database vendor only."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class UnaccentOnPostgres(UnaccentExtension):
    """Django's operation skips other databases forwards but not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def remove_search_index(apps, schema_editor):
    from briefings.search import uninstall_search_index

    uninstall_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("briefings", "0008_actor_part_of")]

    operations = [
        UnaccentOnPostgres(),
        RunSQLOn("postgresql", CONFIG_SQL, "DROP TEXT SEARCH CONFIGURATION sahel_search CASCADE;"),
        RunSQLOn("postgresql", COST_SQL, COST_BACK_SQL),
        # Forwards, post_migrate makes the index; backwards, it is removed here.
        migrations.RunPython(migrations.RunPython.noop, remove_search_index),
    ]
