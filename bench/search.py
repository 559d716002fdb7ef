"""Benchmark search at the content's size and at 100 times it (synthetic rows), in-process.

Usage: ``.venv/bin/python bench/search.py [--scale 100] [--repeat 30]`` (SQLite scratch file), or with
``DATABASE_URL=postgres://...`` an empty PostgreSQL database (it is migrated and filled). It imports
the article with its pack, times ``briefings.search.search()`` and the search page (Django's test
client, production settings) for a few queries, then adds ``scale - 1`` synthetic copies of every
section, paragraph and searched item (published, citing copied paragraphs, in a second published
briefing), runs ``ANALYZE`` on PostgreSQL (as autovacuum would) and times them again. It prints, per query and size: the median and 95th percentile in
milliseconds, the time its SQL took and the SQL queries one search makes, and the hits found (sum of the groups' totals).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["gold", "Goita", "1486", "juntas Mali", "zanzibar"]


def setup(scratch):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["DJANGO_ENV_FILE"] = ""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'search.sqlite3'}")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command(
        "import_briefing",
        str(ROOT / "briefings/content/sahel-sovereignty-mirage.txt"),
        pack=str(ROOT / "briefings/content/pack"),
        verbosity=0,
    )


def inflate(copies):
    """Add ``copies`` synthetic copies of every section, paragraph and searched item."""
    from django.db import transaction
    from django.utils import timezone

    from briefings.models import Briefing, Paragraph, Section, Status
    from briefings.search import SEARCHABLES

    with transaction.atomic():
        original = Briefing.objects.published().get()
        copy = Briefing.objects.create(
            title="Synthetic copies",
            slug="synthetic-copies",
            full_text="-",
            checksum="0" * 64,
            imported_at=timezone.now(),
            status=Status.PUBLISHED,
        )
        sections = list(Section.objects.filter(briefing=original))
        new_sections = Section.objects.bulk_create(
            Section(briefing=copy, number=n * 100 + s.number, title=s.title, slug=f"{s.slug}-x{n}", kind=s.kind)
            for n in range(1, copies + 1)
            for s in sections
        )
        by_origin = {(s.slug.rsplit("-x", 1)[0], int(s.slug.rsplit("-x", 1)[1])): s for s in new_sections}
        paragraphs = list(Paragraph.objects.filter(section__briefing=original).select_related("section"))
        new_paragraphs = Paragraph.objects.bulk_create(
            Paragraph(
                section=by_origin[(p.section.slug, n)],
                number=p.number,
                anchor=f"{p.anchor}-x{n}",
                text=p.text,
                imported_text=p.text,
            )
            for n in range(1, copies + 1)
            for p in paragraphs
        )
        paragraph_copy = {(p.anchor.rsplit("-x", 1)[0], int(p.anchor.rsplit("-x", 1)[1])): p.pk for p in new_paragraphs}
        anchors = {p.pk: p.anchor for p in paragraphs}
        for searchable in SEARCHABLES:
            model = searchable.model
            if model is Paragraph:
                continue
            items = list(model.objects.published().prefetch_related("citations"))
            unique = [f.name for f in model._meta.fields if f.unique and f.name not in ("id", "slug")]
            clones = []
            for n in range(1, copies + 1):
                for item in items:
                    clone = model(
                        **{
                            f.attname: getattr(item, f.attname)
                            for f in model._meta.concrete_fields
                            if f.name not in ("id", "created_at", "updated_at")
                        }
                    )
                    clone.slug = f"{item.slug}-x{n}"
                    for name in unique:
                        setattr(clone, name, f"{getattr(item, name)} {n}")
                    clone.cites = [paragraph_copy[(anchors[p.pk], n)] for p in item.citations.all()]
                    clones.append(clone)
            model.objects.bulk_create(clones, batch_size=500)  # SQLite's triggers index them as they are written
            through = model.citations.through
            through.objects.bulk_create(
                (
                    through(**{f"{model._meta.model_name}_id": clone.pk, "paragraph_id": pk})
                    for clone in clones
                    for pk in clone.cites
                ),
                batch_size=1000,
            )


def measure(repeat):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from briefings.search import search

    client = Client()
    rows = []
    for query in QUERIES:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            groups = search(query)
            times.append((time.perf_counter() - started) * 1000)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as context:
            search(query)
        captured = list(context.captured_queries)  # read now: each request of the client empties the log
        sql_ms = sum(float(entry["time"]) for entry in captured) * 1000
        page = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        times.sort()
        page.sort()
        rows.append(
            (
                query,
                statistics.median(times),
                times[max(0, -(-len(times) * 95 // 100) - 1)],
                statistics.median(page),
                sql_ms,
                len(captured),
                sum(group.total for group in groups),
            )
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100, help="size of the second run, times the content (100)")
    parser.add_argument("--repeat", type=int, default=30, help="searches per query and size (30)")
    args = parser.parse_args()
    setup(Path(tempfile.mkdtemp(prefix="sahel-search-bench-")))

    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from briefings.models import Paragraph

    # The page is rendered in-process: static URLs without the manifest that collectstatic writes.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain):
        results = {1: measure(args.repeat)}
        inflate(args.scale - 1)
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load; without it the planner ignores the GIN indexes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        results[args.scale] = measure(args.repeat)
    print(
        f"{connection.vendor}, {args.repeat} searches per query; paragraphs: {Paragraph.objects.count()} at x{args.scale}"
    )
    print(
        f"{'query':14} {'size':>5} {'search() median':>16} {'p95':>8} {'page median':>12} {'SQL time':>9} {'SQL':>4} {'hits':>6}"
    )
    for scale, rows in results.items():
        for query, median, p95, page, sql_ms, queries, hits in rows:
            print(
                f"{query:14} {'x' + str(scale):>5} {median:14.1f}ms {p95:6.1f}ms {page:10.1f}ms {sql_ms:7.1f}ms"
                f" {queries:>4} {hits:>6}"
            )


if __name__ == "__main__":
    main()
