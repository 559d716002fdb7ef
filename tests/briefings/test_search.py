import pytest
from django.db import connection

from briefings.actions import import_briefing
from briefings.models import Status
from briefings.search import search, snippet, split_matches
from tests.factories import ConceptFactory, LeaderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(article_path, pack_dir):
    import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)


def test_blank_query_finds_nothing_without_querying(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search("   ") == []


def test_finds_a_leader_and_the_paragraphs_that_name_him(imported):
    groups = {group.key: group for group in search("Traoré")}
    assert [hit.title for hit in groups["leaders"].hits][0] == "Ibrahim Traoré"
    assert groups["leaders"].hits[0].url == "/leaders/ibrahim-traore/"
    assert "what-the-west-misunderstands-p5" in [hit.citation.anchor for hit in groups["paragraphs"].hits]
    assert all(hit.citation is not None for hit in groups["paragraphs"].hits)


def test_every_word_must_match(imported):
    groups = {group.key: group for group in search("Barkhane troops")}
    assert [hit.citation.anchor for hit in groups["paragraphs"].hits] == ["what-the-west-misunderstands-p2"]


def test_drafts_are_never_found():
    LeaderFactory(name="Hidden Draftperson", status=Status.DRAFT)
    LeaderFactory(name="Visible Person")
    assert [hit.title for group in search("Draftperson") for hit in group.hits] == []
    assert [hit.title for group in search("Visible Person") for hit in group.hits] == ["Visible Person"]


def test_query_count_does_not_grow_with_hits(django_assert_num_queries):
    ConceptFactory(term="Legitimacy trap one")
    with django_assert_num_queries(9) as one:
        search("legitimacy")
    ConceptFactory.create_batch(5, definition="Another legitimacy idea.")
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(search("legitimacy")[0].hits) == 6


def test_snippet_is_a_window_around_the_first_match_with_matches_marked():
    text = "word " * 60 + "Prigozhin died in August 2023. " + "tail " * 60
    cut = snippet(text, ("prigozhin",))
    assert cut.startswith("…") and cut.endswith("…")
    assert "Prigozhin died in August 2023." in cut
    assert split_matches("Wagner and wagner", ("wagner",)) == [("Wagner", True), (" and ", False), ("wagner", True)]


def test_postgres_stemming_matches_word_forms(imported):
    if connection.vendor != "postgresql":
        pytest.skip("stemming is PostgreSQL full-text search; SQLite matches the words as typed")
    groups = {group.key: group for group in search("coups")}
    assert groups["paragraphs"].hits
    assert any("coup" in hit.snippet.lower() for hit in groups["paragraphs"].hits)
