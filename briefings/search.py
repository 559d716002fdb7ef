"""Search over all published content.

PostgreSQL: full-text search (``websearch`` syntax, English stemming, ranked). Other databases
(SQLite): every word must appear, in any searched field, case-insensitively; ordered by position.
Either way, a search costs a fixed number of queries: two per kind of content (the rows, then their
citations), whatever the data.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Prefetch
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
    every_word_in,
)

SNIPPET_LENGTH = 180
WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)


@dataclass
class SearchHit:
    title: str
    snippet: str
    url: str
    kind: str = ""
    kind_label: str = ""
    citation: Paragraph | None = None
    terms: tuple[str, ...] = ()

    @property
    def snippet_parts(self):
        """The snippet as (text, is_match) pairs, so templates can mark matches without |safe."""
        return split_matches(self.snippet, self.terms)


@dataclass
class SearchGroup:
    key: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)


@dataclass(frozen=True)
class Searchable:
    key: str
    label: str
    model: type
    fields: tuple[str, ...]
    title: str
    body: str


SEARCHABLES = (
    Searchable(
        "leaders",
        _("Leaders"),
        Leader,
        ("name", "rank", "office", "summary", "background", "outlook"),
        "name",
        "summary",
    ),
    Searchable("events", _("Timeline events"), TimelineEvent, ("title", "summary"), "title", "summary"),
    Searchable("figures", _("Key figures"), KeyFigure, ("label", "context", "unit"), "label", "context"),
    Searchable("concepts", _("Concepts"), Concept, ("term", "definition", "in_the_article"), "term", "definition"),
    Searchable("actors", _("Actors"), Actor, ("name", "short_name", "summary"), "name", "summary"),
    Searchable("countries", _("Countries"), Country, ("name", "regime", "summary"), "name", "summary"),
    Searchable("faq", _("FAQ"), FaqEntry, ("question", "answer"), "question", "answer"),
)


def terms_of(query):
    return tuple(dict.fromkeys(word.lower() for word in WORD.findall(query)))


def normalize_query(query):
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def _uses_postgres():
    return connection.vendor == "postgresql"


def _match(queryset, fields, query, terms):
    if _uses_postgres():
        vector = SearchVector(*fields, config="english")
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            queryset.annotate(search_document=vector, search_rank=SearchRank(vector, search_query))
            .filter(search_document=search_query)
            .order_by("-search_rank", "pk")
        )
    return queryset.filter(every_word_in(terms, fields))


def snippet(text, terms, length=SNIPPET_LENGTH):
    """A window of ``text`` around the first matching term."""
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if term in lowered]
    start = max(0, min(positions) - length // 3) if positions else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def split_matches(text, terms):
    if not terms:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        if match.start() > last:
            parts.append((text[last : match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def search(query, *, limit=8):
    """Published content matching ``query``, grouped by kind; groups without hits are left out."""
    query = normalize_query(query)
    terms = terms_of(query)
    if not terms:
        return []
    groups = []
    citations = Prefetch("citations", queryset=Paragraph.objects.visible().in_article_order())
    for searchable in SEARCHABLES:
        queryset = searchable.model.objects.published().prefetch_related(citations)
        if searchable.model is Leader:
            queryset = queryset.select_related("country")
        rows = list(_match(queryset, searchable.fields, query, terms)[:limit])
        if rows:
            groups.append(
                SearchGroup(
                    searchable.key,
                    searchable.label,
                    [
                        SearchHit(
                            title=str(getattr(row, searchable.title)),
                            snippet=snippet(getattr(row, searchable.body), terms),
                            url=row.get_absolute_url(),
                            kind=row.kind,
                            kind_label=row.get_kind_display(),
                            citation=row.primary_citation,
                            terms=terms,
                        )
                        for row in rows
                    ],
                )
            )
    paragraphs = Paragraph.objects.visible().filter(section__kind=SectionKind.BODY).in_article_order()
    rows = list(_match(paragraphs, ("text",), query, terms)[:limit])
    if rows:
        groups.append(
            SearchGroup(
                "paragraphs",
                _("Article paragraphs"),
                [
                    SearchHit(
                        title=str(row.label),
                        snippet=snippet(row.text, terms),
                        url=row.get_absolute_url(),
                        citation=row,
                        terms=terms,
                    )
                    for row in rows
                ],
            )
        )
    return groups
