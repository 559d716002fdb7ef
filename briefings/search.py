"""Search over published content, with each database's own full-text engine.

What matches: whole words, case and accents folded and word endings stemmed ("goita" finds
"Goïta", "mines" finds "mining", "war" does not find "rewards"); every word of the query must
appear somewhere in an item. A word written with punctuation inside ("Wagner-linked", "1,486")
is a phrase of its parts, and a number matches however its thousands are written ("1486" finds
"1,486" and "1,486" finds "1486").

How:

- PostgreSQL: ``to_tsvector`` over the tables themselves, with the ``sahel_search`` text search
  configuration (English stemming after ``unaccent``) and GIN expression indexes. Nothing to keep
  current: the query reads the rows as they are.
- SQLite: one FTS5 table per searched model (``porter unicode61 remove_diacritics 2``), kept
  current by triggers on the model's table, so every write is seen: admin saves, bulk publishing
  (``bulk_update``), ``QuerySet.update``, the importer, raw SQL.

Migration ``0008`` makes what is stable (the extension, the configuration); what follows the code's
``SEARCHABLES`` (SQLite's FTS5 tables and triggers, PostgreSQL's GIN indexes) is made by
:func:`install_search_index` after every ``migrate`` (``post_migrate``). So a changed list of fields
needs no migration, and SQLite's table rebuilds (which drop a table's triggers) heal at once.

Visibility is decided at query time on the tables (``visible()``, the citations through
``Paragraph.objects.visible()``), never by the index, so a bulk unpublish hides an item at
once. A search costs a fixed number of queries whatever the data: for each kind of content, one
for its hits (with the group's true total, a window count), then two for the citations of every
group's hits (their links, then the visible paragraphs).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector, SearchVectorExact
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Case, F, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from .forms import MAX_QUERY_LENGTH
from .models import (
    Actor,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    Paragraph,
    SectionKind,
    TimelineEvent,
)

PER_GROUP = 8
PER_PAGE = 20
# The PostgreSQL text search configuration made by migration 0008 (English, accents removed first).
CONFIG = "sahel_search"
# Match markers in snippets; control characters that the content never holds.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 32

# A query is split at white space; each chunk's words form a phrase.
WORD = re.compile(r"\w+", re.UNICODE)
THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,30}")
DECIMAL = re.compile(r"\d+\.\d+")


@dataclass
class SearchHit:
    title: str
    snippet: str
    url: str
    kind: str = ""
    kind_label: str = ""
    citation: Paragraph | None = None
    is_paragraph: bool = False

    @property
    def snippet_parts(self):
        """The snippet as (text, is_match) pairs, so templates can mark matches without |safe."""
        return split_matches(self.snippet)

    @property
    def plain_snippet(self):
        return self.snippet.replace(START, "").replace(STOP, "")


@dataclass
class SearchGroup:
    key: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0

    @property
    def is_partial(self):
        return self.total > len(self.hits)


@dataclass(frozen=True)
class Searchable:
    """One kind of content: what is searched (title words, body words shown in snippets, extras)."""

    key: str
    label: str
    model: type
    title_fields: tuple[str, ...]
    body_fields: tuple[str, ...]
    display: str
    # Numbers searched but not shown in snippets (a key figure's value, its upper value).
    number_fields: tuple[str, ...] = ()

    @property
    def table(self):
        return self.model._meta.db_table

    @property
    def fts_table(self):
        return f"{self.table}_search"

    def queryset(self):
        if self.model is Paragraph:
            return Paragraph.objects.visible().filter(section__kind=SectionKind.BODY).select_related("section")
        return self.model.objects.visible()

    def hit(self, row, citation=None):
        if self.model is Paragraph:
            return SearchHit(
                title=str(row.label),
                snippet=_with_ellipses(row.search_snippet, [row.text]),
                url=row.get_absolute_url(),
                citation=row,
                is_paragraph=True,
            )
        return SearchHit(
            title=str(getattr(row, self.display)),
            snippet=_with_ellipses(row.search_snippet, [getattr(row, name) for name in self.body_fields]),
            url=row.get_absolute_url(),
            kind=row.kind,
            kind_label=row.get_kind_display(),
            citation=citation,
        )


SEARCHABLES = (
    Searchable(
        "leaders",
        _("Leaders"),
        Leader,
        ("name", "rank"),
        ("summary", "office", "path_to_power", "background", "outlook", "key_quote"),
        "name",
    ),
    Searchable("events", _("Timeline events"), TimelineEvent, ("title",), ("summary",), "title"),
    Searchable(
        "figures",
        _("Key figures"),
        KeyFigure,
        ("label", "unit"),
        ("context",),
        "label",
        number_fields=("value", "value_high"),
    ),
    Searchable("concepts", _("Concepts"), Concept, ("term",), ("definition", "in_the_article"), "term"),
    Searchable("actors", _("Actors"), Actor, ("name", "short_name"), ("summary",), "name"),
    Searchable("countries", _("Countries"), Country, ("name", "regime"), ("summary", "coup_years"), "name"),
    Searchable("faq", _("FAQ"), FaqEntry, ("question",), ("answer",), "question"),
    Searchable("paragraphs", _("Article paragraphs"), Paragraph, (), ("text",), "label"),
)
SEARCHABLE_BY_KEY = {searchable.key: searchable for searchable in SEARCHABLES}


def normalize_query(query):
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


# --- The query, parsed once, written for each engine -----------------------------------------


def parse_query(query):
    """The query as a list of terms; each term a tuple of alternatives; each alternative a phrase.

    Every term must match; a term matches when any of its alternatives does. A number's
    alternatives are its digits and its thousands groups: "1486" and "1,486" both become
    ``(("1486",), ("1", "486"))``, since both engines index "1,486" as the words "1" and "486".
    """
    terms = []
    for chunk in normalize_query(query).split(" "):
        words = tuple(word.lower() for word in WORD.findall(chunk))
        if not words:
            continue
        alternatives = [words]
        number = chunk.strip(".,;:!?()[]\"'“”‘’")
        if THOUSANDS.fullmatch(number):
            plain = number.replace(",", "")
            alternatives = [(plain,), tuple(f"{int(plain):,}".split(","))]
        elif DECIMAL.fullmatch(number):
            # PostgreSQL indexes "2.5" as one word, SQLite as "2" "5".
            alternatives = [(number,), words]
        terms.append(tuple(dict.fromkeys(alternatives)))
    return terms


def _fts5_query(terms):
    """FTS5 syntax: quoted phrases (words hold only word characters, so nothing needs escaping)."""
    return " AND ".join(
        "(" + " OR ".join('"' + " ".join(phrase) + '"' for phrase in alternatives) + ")" for alternatives in terms
    )


def _tsquery(terms):
    """PostgreSQL ``to_tsquery`` syntax: quoted lexemes, phrases joined by ``<->``."""
    return " & ".join(
        "(" + " | ".join(" <-> ".join(f"'{word}'" for word in phrase) for phrase in alternatives) + ")"
        for alternatives in terms
    )


# --- PostgreSQL -------------------------------------------------------------------------------


def search_vector(searchable):
    """The document PostgreSQL searches: the same expression as the GIN index of migration 0008."""
    numbers = [
        Cast(models.Func(F(name), function="trim_scale"), models.TextField()) for name in searchable.number_fields
    ]
    return SearchVector(*searchable.title_fields, *searchable.body_fields, *numbers, config=CONFIG)


def _postgres_matching(searchable, queryset, terms):
    query = SearchQuery(_tsquery(terms), search_type="raw", config=CONFIG)
    vector = search_vector(searchable)

    def headline(name):
        return SearchHeadline(
            name,
            query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            short_word=1,
            max_fragments=1,
        )

    # The snippet comes from the first body field that matches (else the first body field).
    first, *others = searchable.body_fields
    snippet = headline(first)
    if others:
        snippet = Case(
            *(
                When(SearchVectorExact(SearchVector(name, config=CONFIG), query), then=headline(name))
                for name in searchable.body_fields
            ),
            default=snippet,
            output_field=models.TextField(),
        )
    return (
        queryset.alias(search_document=vector)
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(vector, query), search_snippet=snippet)
        .order_by("-search_rank", "pk")
    )


def _postgres_matched(terms):
    query = SearchQuery(_tsquery(terms), search_type="raw", config=CONFIG)
    return SearchVectorExact(search_vector(SEARCHABLE_BY_KEY["paragraphs"]), query)


# --- SQLite -----------------------------------------------------------------------------------
# SQL is written with table and column names from the models' metadata and SEARCHABLES only; the
# user's words are always a parameter (hence the noqa for S608/S611 below).


def _fts_rows(searchable):
    return f'SELECT rowid FROM "{searchable.fts_table}" WHERE "{searchable.fts_table}" MATCH %s'  # noqa: S608


def _sqlite_matching(searchable, queryset, terms):
    """Joins the FTS5 table (not a subquery per row): FTS5 then orders by rank and stops at the limit."""
    match, fts, table = _fts5_query(terms), searchable.fts_table, searchable.table
    # The snippet comes from the first body column that matches (else the first body column).
    # Columns: 0 the title, 1..n the body fields, n + 1 the numbers.
    columns = range(1, len(searchable.body_fields) + 1)

    def snippet(column):
        return f"snippet(\"{fts}\", {column}, char(2), char(3), '…', {SNIPPET_WORDS})"

    cases = " ".join(
        f'WHEN instr(highlight("{fts}", {column}, char(2), char(3)), char(2)) THEN {snippet(column)}'
        for column in columns
    )
    return queryset.extra(  # noqa: S610
        tables=[fts],
        where=[f'"{fts}" MATCH %s', f'"{fts}".rowid = "{table}"."id"'],
        params=[match],
        select={"search_rank": f'"{fts}".rank', "search_snippet": f"CASE {cases} ELSE {snippet(1)} END"},
        order_by=["search_rank"],  # no tiebreaker: FTS5 then yields rows in rank order and stops at the limit
    )


def _sqlite_total(searchable, terms):
    """The number of visible matching rows, as one subquery that SQLite computes once."""
    rows = searchable.queryset().filter(pk__in=RawSQL(_fts_rows(searchable), [_fts5_query(terms)]))  # noqa: S611
    count = models.Func(F("pk"), function="COUNT", output_field=models.IntegerField())
    return models.Subquery(rows.order_by().annotate(search_count=count).values("search_count"))


def _sqlite_matched(terms):
    paragraphs = SEARCHABLE_BY_KEY["paragraphs"]
    return RawSQL(  # noqa: S611
        f'"{paragraphs.table}"."id" IN ({_fts_rows(paragraphs)})',
        [_fts5_query(terms)],
        output_field=models.BooleanField(),
    )


def _sqlite_columns(searchable, row):
    """The FTS5 table's columns (title, each body field, numbers) as SQL over ``row`` (``new``, ``old``, a table)."""

    def joined(names, cast=False):
        if not names:
            return "''"
        parts = [
            f"coalesce(CAST({row}.\"{name}\" AS TEXT), '')" if cast else f"coalesce({row}.\"{name}\", '')"
            for name in names
        ]
        return " || ' ' || ".join(parts)

    return [
        joined(searchable.title_fields),
        *(joined([name]) for name in searchable.body_fields),
        joined(searchable.number_fields, cast=True),
    ]


def _sqlite_column_names(searchable):
    return ["title", *(f"body_{name}" for name in searchable.body_fields), "numbers"]


def _has_columns(using_connection, cursor, searchable):
    """Whether the table has every searched column (not so while migrating to a state before them)."""
    tables = using_connection.introspection.table_names(cursor)
    if searchable.table not in tables:
        return False
    columns = {column.name for column in using_connection.introspection.get_table_description(cursor, searchable.table)}
    return {*searchable.title_fields, *searchable.body_fields, *searchable.number_fields} <= columns


def _install_sqlite(using_connection):
    with using_connection.cursor() as cursor:
        for searchable in SEARCHABLES:
            fts, table = searchable.fts_table, searchable.table
            _drop_sqlite(cursor, searchable)
            if not _has_columns(using_connection, cursor, searchable):
                continue
            names = ", ".join(_sqlite_column_names(searchable))
            new, old = (
                ", ".join(_sqlite_columns(searchable, "new")),
                ", ".join(_sqlite_columns(searchable, f'"{table}"')),
            )
            insert = f'INSERT INTO "{fts}"(rowid, {names}) VALUES (new.id, {new});'  # noqa: S608
            delete = f'DELETE FROM "{fts}" WHERE rowid = old.id;'  # noqa: S608
            cursor.execute(
                f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5({names}, tokenize='porter unicode61 remove_diacritics 2')"
            )
            for event, action in (("INSERT", insert), ("DELETE", delete), ("UPDATE", delete + " " + insert)):
                cursor.execute(
                    f'CREATE TRIGGER "{fts}_after_{event.lower()}" AFTER {event} ON "{table}" BEGIN {action} END'
                )
            cursor.execute(f'INSERT INTO "{fts}"(rowid, {names}) SELECT id, {old} FROM "{table}"')  # noqa: S608


def _drop_sqlite(cursor, searchable):
    for event in ("insert", "delete", "update"):
        cursor.execute(f'DROP TRIGGER IF EXISTS "{searchable.fts_table}_after_{event}"')
    cursor.execute(f'DROP TABLE IF EXISTS "{searchable.fts_table}"')


def _postgres_indexes(using_connection):
    """Per searchable, the GIN index its document needs, named by a digest of its SQL so a change shows."""
    from django.contrib.postgres.indexes import GinIndex

    with using_connection.schema_editor(atomic=False, collect_sql=True) as editor:
        for searchable in SEARCHABLES:
            model_name = searchable.model._meta.model_name
            probe = GinIndex(search_vector(searchable), name=f"{model_name}_search")
            digest = hashlib.sha256(str(probe.create_sql(searchable.model, editor)).encode()).hexdigest()[:8]
            yield searchable, GinIndex(search_vector(searchable), name=f"{model_name}_search_{digest}")


def _install_postgres(using_connection):
    with using_connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        if cursor.fetchone() is None:
            return  # migrated to a state before 0008
        wanted = [
            (s, index) for s, index in _postgres_indexes(using_connection) if _has_columns(using_connection, cursor, s)
        ]
        existing = {
            searchable.table: set(using_connection.introspection.get_constraints(cursor, searchable.table))
            for searchable, _ in wanted
        }
    with using_connection.schema_editor() as editor:
        for searchable, index in wanted:
            prefix = f"{searchable.model._meta.model_name}_search_"
            for name in existing[searchable.table]:
                if name.startswith(prefix) and name != index.name:
                    editor.execute(f'DROP INDEX IF EXISTS "{name}"')
            if index.name not in existing[searchable.table]:
                editor.add_index(searchable.model, index)


def install_search_index(using_connection):
    """Make what the search needs beyond migration 0008, from the code's SEARCHABLES. Idempotent.

    SQLite: the FTS5 tables and their triggers, filled from the tables. PostgreSQL: the GIN indexes.
    Run after every ``migrate`` (``post_migrate``), so it follows the code and survives table rebuilds.
    """
    if using_connection.vendor == "sqlite":
        _install_sqlite(using_connection)
    elif using_connection.vendor == "postgresql":
        _install_postgres(using_connection)


def uninstall_search_index(using_connection):
    """Undo :func:`install_search_index` (migration 0008 backwards)."""
    if using_connection.vendor == "sqlite":
        with using_connection.cursor() as cursor:
            for searchable in SEARCHABLES:
                _drop_sqlite(cursor, searchable)
    elif using_connection.vendor == "postgresql":
        with using_connection.cursor() as cursor:
            for searchable in SEARCHABLES:
                prefix = f"{searchable.model._meta.model_name}_search_"
                if searchable.table in using_connection.introspection.table_names(cursor):
                    for name in using_connection.introspection.get_constraints(cursor, searchable.table):
                        if name.startswith(prefix):
                            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


# --- Either engine ----------------------------------------------------------------------------


def _matching(searchable, terms):
    """Published rows of ``searchable`` matching ``terms``, best first, with ``search_snippet``."""
    queryset = searchable.queryset()
    if connection.vendor == "postgresql":
        return _postgres_matching(searchable, queryset, terms)
    return _sqlite_matching(searchable, queryset, terms)


def _citation_links(found):
    """``(key, item id, paragraph id)`` of every citation of the rows in ``found`` (``(searchable, rows)``
    pairs), read from the models' citation tables in one query."""
    parts, params = [], []
    for searchable, rows in found:
        field = searchable.model._meta.get_field("citations")
        through = field.remote_field.through._meta
        source = through.get_field(field.m2m_field_name()).column
        target = through.get_field(field.m2m_reverse_field_name()).column
        ids = [row.pk for row in rows]
        parts.append(
            f'SELECT %s, "{source}", "{target}" FROM "{through.db_table}" '  # noqa: S608
            f'WHERE "{source}" IN ({", ".join(["%s"] * len(ids))})'
        )
        params += [searchable.key, *ids]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def _citations(found, terms):
    """The citation shown with each hit: a published paragraph it cites that matches the query, else the
    first in the article's order (``{(key, item id): paragraph}``; an item citing nothing visible is missing).

    Two queries whatever the groups: the citation links of every group, then their visible paragraphs.
    """
    found = [(searchable, rows) for searchable, rows in found if rows and searchable.model is not Paragraph]
    if not found:
        return {}
    links = _citation_links(found)
    if not links:
        return {}
    matched = _postgres_matched(terms) if connection.vendor == "postgresql" else _sqlite_matched(terms)
    paragraphs = (
        Paragraph.objects.visible()
        .in_article_order()
        .filter(pk__in={paragraph for _key, _item, paragraph in links})
        .annotate(search_matched=matched)
        .order_by("-search_matched", "section__briefing_id", "section__number", "number")
    )
    position = {paragraph.pk: (index, paragraph) for index, paragraph in enumerate(paragraphs)}
    citations = {}
    for key, item, paragraph in links:
        if paragraph in position and ((key, item) not in citations or position[paragraph][0] < citations[key, item][0]):
            citations[key, item] = position[paragraph]
    return {link: paragraph for link, (_index, paragraph) in citations.items()}


def _hits(found, terms):
    """The hits of ``(searchable, rows)`` pairs, each with its citation: ``[[hit, ...], ...]``."""
    citations = _citations(found, terms)
    return [
        [searchable.hit(row, citations.get((searchable.key, row.pk))) for row in rows] for searchable, rows in found
    ]


def _with_ellipses(snippet, fields):
    """PostgreSQL's headline is a window without ellipses: add them where it cuts its field's text.

    Its one-fragment window also ends on the last word it counts, leaving out a closing number or
    full stop ("in 2021." shows as "in"): a tail of at most one word is given back as written.
    """
    if connection.vendor != "postgresql":
        return snippet
    shown = WORD.findall(snippet.replace(START, "").replace(STOP, ""))
    if not shown:
        return snippet
    for text in fields:
        matches = list(WORD.finditer(text or ""))
        words = [match.group() for match in matches]
        for at in range(len(words) - len(shown) + 1):
            if words[at : at + len(shown)] == shown:
                start = "…" if at else ""
                tail = text[matches[at + len(shown) - 1].end() :].rstrip()
                if len(WORD.findall(tail)) <= 1:
                    return f"{start}{snippet}{tail}"
                return f"{start}{snippet}…"
    return snippet


def split_matches(snippet):
    """``snippet`` (with match markers) as (text, is_match) pairs."""
    parts = []
    for index, text in enumerate(re.split(f"[{START}{STOP}]", snippet)):
        if text:
            parts.append((text, index % 2 == 1))
    return parts


def search(query, *, limit=PER_GROUP):
    """Published content matching ``query``, grouped by kind, at most ``limit`` hits per group with its total.

    Groups without hits are left out.
    """
    terms = parse_query(query)
    if not terms:
        return []
    found = []
    for searchable in SEARCHABLES:
        total = Window(models.Count("pk")) if connection.vendor == "postgresql" else _sqlite_total(searchable, terms)
        rows = list(_matching(searchable, terms).annotate(search_total=total)[:limit])
        if rows:
            found.append((searchable, rows))
    return [
        SearchGroup(searchable.key, searchable.label, hits, rows[0].search_total)
        for (searchable, rows), hits in zip(found, _hits(found, terms), strict=True)
    ]


def search_group(query, key, *, page=1, per_page=PER_PAGE):
    """Every hit of one group, a page at a time: ``(group, page)``, the group's hits those of the page."""
    searchable = SEARCHABLE_BY_KEY[key]
    terms = parse_query(query)
    group = SearchGroup(searchable.key, searchable.label)
    if not terms:
        return group, Paginator([], per_page).get_page(1)
    paginator = Paginator(_matching(searchable, terms), per_page)
    page_obj = paginator.get_page(page)
    [group.hits] = _hits([(searchable, list(page_obj.object_list))], terms)
    group.total = paginator.count
    return group, page_obj
