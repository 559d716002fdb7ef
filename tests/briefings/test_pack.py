"""The shipped content pack: complete, every citation real, facts traceable to what they cite."""

import re
import shutil
from decimal import Decimal

import pytest

from briefings.actions import import_briefing
from briefings.models import (
    Actor,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    Origin,
    Paragraph,
    Section,
    SectionKind,
    StatementKind,
    Status,
    Takeaway,
    TimelineEvent,
)
from briefings.parsing import BriefingFormatError

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(article_path, pack_dir):
    return import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)


def cited_text(item):
    return " ".join(p.text for p in item.citations.all())


def number_forms(value):
    """The ways the article may write a number: 5100 -> 5,100; 2500000000 -> 2.5 billion; 1400000 -> 1.4."""
    value = Decimal(value).normalize()
    forms = {f"{int(value):,}" if value == value.to_integral_value() else f"{value:f}"}
    for size in (Decimal(10**9), Decimal(10**6)):
        if value >= size:
            forms.add(f"{(value / size).normalize():f}")
    words = {2: "two", 3: "three", 4: "four", 5: "five", 18: "eighteen"}
    if value in words:
        forms.add(words[int(value)])
    return forms


def test_pack_meets_the_minimums(imported):
    assert Leader.objects.published().heads_of_state().count() == 3
    assert set(Leader.objects.published().values_list("slug", flat=True)) >= {
        "ibrahim-traore",
        "assimi-goita",
        "abdourahamane-tchiani",
        "thomas-sankara",
        "bazoum",
        "yevgeny-prigozhin",
    }
    assert set(Country.objects.published().values_list("slug", flat=True)) == {"mali", "burkina-faso", "niger"}
    assert TimelineEvent.objects.published().filter(origin=Origin.PACK).count() >= 15
    assert KeyFigure.objects.published().filter(origin=Origin.PACK).count() >= 15
    assert Actor.objects.published().count() >= 10
    assert Concept.objects.published().count() >= 10
    assert FaqEntry.objects.published().count() == 4


def test_every_pack_item_cites_existing_paragraphs(imported):
    for model in (Country, Actor, Leader, TimelineEvent, KeyFigure, Concept, Takeaway, FaqEntry):
        for item in model.objects.filter(origin__in=[Origin.PACK, Origin.ARTICLE]).prefetch_related("citations"):
            anchors = [p.anchor for p in item.citations.all()]
            assert anchors, f"{model.__name__} {item.slug} cites nothing"
    assert Paragraph.objects.count() == 65  # 64 of the text and the standfirst


def test_every_body_section_has_three_to_five_takeaways(imported):
    for section in Section.objects.filter(kind=SectionKind.BODY).prefetch_related("takeaways"):
        assert 3 <= len(section.takeaways.all()) <= 5, section.slug


def test_every_event_year_is_in_its_cited_paragraphs(imported):
    for event in TimelineEvent.objects.filter(origin=Origin.PACK).prefetch_related("citations"):
        text = cited_text(event)
        assert str(event.date.year) in text, (event.slug, event.date)
        if event.end_date:
            assert str(event.end_date.year) in text, (event.slug, event.end_date)
        if event.precision in ("month", "day"):
            assert event.date.strftime("%B") in text, (event.slug, event.date)
        if event.precision == "day":
            assert re.search(rf"\b{event.date.day}\b", text), (event.slug, event.date)


def test_every_figure_value_is_written_in_its_cited_paragraphs(imported):
    for figure in KeyFigure.objects.filter(origin=Origin.PACK).prefetch_related("citations"):
        text = cited_text(figure).lower()
        assert any(form.lower() in text for form in number_forms(figure.value)), (figure.slug, figure.value)
        if figure.value_high is not None:
            assert any(form.lower() in text for form in number_forms(figure.value_high)), (
                figure.slug,
                figure.value_high,
            )


def test_no_leader_quote_is_a_belief_reported_as_words_said(imported):
    # The article quotes no leader's words; Traoré's “Western influence ...” is what it says he “genuinely believes”.
    assert list(Leader.objects.filter(origin=Origin.PACK).exclude(key_quote="").values_list("slug", flat=True)) == []
    traore = Leader.objects.get(slug="ibrahim-traore")
    assert "“genuinely believes”" in traore.outlook


def test_investigative_estimate_is_an_attributed_claim(imported):
    gold = KeyFigure.objects.filter(origin=Origin.PACK, value=Decimal("2500000000")).get()
    assert (gold.unit, gold.kind) == ("USD", StatementKind.CLAIM)


def test_all_three_kinds_of_statement_from_the_article_are_used(imported):
    kinds = set()
    for model in (TimelineEvent, KeyFigure, Concept, Takeaway, FaqEntry):
        kinds |= set(model.objects.values_list("kind", flat=True))
    # Every shipped glossary term is defined by how the article uses it, so nothing is background.
    assert kinds == {StatementKind.FACT, StatementKind.ANALYSIS, StatementKind.CLAIM}


def test_pack_content_is_published_and_plain_text(imported):
    for model in (Country, Actor, Leader, TimelineEvent, KeyFigure, Concept, Takeaway):
        for item in model.objects.filter(origin=Origin.PACK):
            assert item.status == Status.PUBLISHED
            for name in model.text_fields:
                assert "<" not in (getattr(item, name) or ""), (model.__name__, item.slug, name)


# -- Checks for the defects an audit found (issue 7). Each returns what it finds, so a test can show it
# -- finds a defect planted in the imported content, and another that the shipped pack has none.

PACK_MODELS = (Country, Actor, Leader, TimelineEvent, KeyFigure, Concept, Takeaway, FaqEntry)
# Words that make a number someone's estimate or inference rather than a reported fact.
HEDGES = ("estimate", "perhaps", "suggests", "according to", "depending on", "probably")
# The fields that name an item; in a title or label the first word is capitalised anyway and is skipped.
NAME_FIELDS = {Country: "name", Actor: "name", Leader: "name"}
TITLE_FIELDS = {TimelineEvent: "title", KeyFigure: "label", Concept: "term"}


def _plain(text):
    return text.replace("’", "'")


def _items(model):
    return model.objects.filter(origin__in=[Origin.PACK, Origin.ARTICLE]).prefetch_related("citations")


def _all_text(item):
    return " ".join(str(getattr(item, name) or "") for name in type(item).text_fields)


def _mentions(text, value):
    """Whether ``text`` writes the number ``value`` (as a whole number, not inside another one)."""
    return any(
        re.search(rf"(?<![\d.,]){re.escape(form.lower())}(?![\d]|[.,]\d)", text.lower()) for form in number_forms(value)
    )


def sentences(text):
    return re.split(r"(?<=[.!?])\s+", text)


def hedged_facts():
    """Figures labelled fact although the article's sentence giving the number hedges it."""
    found = []
    for figure in _items(KeyFigure).filter(kind=StatementKind.FACT):
        for sentence in sentences(cited_text(figure)):
            if _mentions(sentence, figure.value) and any(hedge in sentence.lower() for hedge in HEDGES):
                found.append(figure.slug)
    return sorted(set(found))


def double_labels():
    """The same slug, the same figure or the same range under two kinds of statement."""
    found = []
    kinds_by_slug = {}
    for model in PACK_MODELS:
        for item in _items(model):
            kinds_by_slug.setdefault(item.slug, set()).add(item.kind)
    found += [("slug", slug) for slug, kinds in kinds_by_slug.items() if len(kinds) > 1]
    figures = list(_items(KeyFigure))
    by_value = {}
    for figure in figures:
        by_value.setdefault((figure.value, figure.value_high, figure.unit), set()).add(figure.kind)
    found += [("figure", key) for key, kinds in by_value.items() if len(kinds) > 1]
    # A range is distinctive: wherever else both its ends are written, it must carry the figure's kind.
    for figure in (f for f in figures if f.value_high is not None):
        for model in PACK_MODELS:
            for item in _items(model):
                text = _all_text(item)
                if item.kind != figure.kind and _mentions(text, figure.value) and _mentions(text, figure.value_high):
                    found.append((figure.slug, item.slug))
    # A glossary card that restates a key figure from the same paragraph carries the figure's kind (the
    # audit's case: the force ratio a fact on /figures/, analysis in the glossary). Takeaways are left
    # out: each sums up one point of the author's and carries the numbers it rests on; its label is the
    # point's, and "fact or analysis?" questions about a number come from the key figure.
    concepts = list(_items(Concept))
    for figure in figures:
        anchors = {p.anchor for p in figure.citations.all()}
        for concept in concepts:
            shares_a_paragraph = anchors & {p.anchor for p in concept.citations.all()}
            if concept.kind != figure.kind and shares_a_paragraph and _mentions(_all_text(concept), figure.value):
                found.append((figure.slug, concept.slug))
    return sorted(set(found), key=str)


def cited_background():
    """Background is not from the article, so it must cite nothing."""
    return sorted(
        item.slug
        for model in PACK_MODELS
        for item in model.objects.filter(kind=StatementKind.BACKGROUND).prefetch_related("citations")
        if item.citations.all()
    )


def key_names(item):
    """Capitalised words (proper names) of the field that names the item."""
    model = type(item)
    if model in NAME_FIELDS:
        words = re.findall(r"\w[\w'-]*", _plain(getattr(item, NAME_FIELDS[model])))
    elif model in TITLE_FIELDS:
        words = re.findall(r"\w[\w'-]*", _plain(getattr(item, TITLE_FIELDS[model])))[1:]
    else:
        return set()
    return {re.sub(r"'s$", "", word) for word in words if word[0].isupper()}


def strangers_to_their_citations():
    """Items whose cited paragraphs mention none of the names the item is about."""
    found = []
    for model in (*NAME_FIELDS, *TITLE_FIELDS):
        for item in _items(model).exclude(kind=StatementKind.BACKGROUND):
            names, text = key_names(item), _plain(cited_text(item))
            if names and not any(re.search(rf"\b{re.escape(name)}\b", text) for name in names):
                found.append(item.slug)
    return sorted(found)


def misquotes():
    """Words in quotation marks that the item's cited paragraphs do not hold word for word."""
    found = []
    for model in PACK_MODELS:
        for item in _items(model).filter(origin=Origin.PACK):
            text = _plain(cited_text(item))
            for quoted in re.findall(r"“([^”]+)”", _plain(_all_text(item))):
                if quoted not in text:
                    found.append((item.slug, quoted))
    return found


def test_the_shipped_pack_has_none_of_the_audited_defects(imported):
    assert hedged_facts() == []
    assert double_labels() == []
    assert cited_background() == []
    assert strangers_to_their_citations() == []
    assert misquotes() == []


def test_a_hedged_figure_labelled_fact_is_found(imported):
    KeyFigure.objects.filter(slug="counterinsurgency-force-ratio").update(kind=StatementKind.FACT)
    KeyFigure.objects.filter(slug="aes-security-personnel-available").update(kind=StatementKind.FACT)
    assert hedged_facts() == ["aes-security-personnel-available", "counterinsurgency-force-ratio"]


def test_the_same_figure_under_two_labels_is_found(imported):
    # The audit's case: the force ratio a fact on /figures/ while the glossary calls it something else.
    KeyFigure.objects.filter(slug="counterinsurgency-force-ratio").update(kind=StatementKind.FACT)
    assert double_labels() == [("counterinsurgency-force-ratio", "force-ratio")]


def test_the_same_slug_under_two_labels_is_found(imported):
    TimelineEvent.objects.filter(slug="operation-barkhane").update(kind=StatementKind.ANALYSIS)
    assert double_labels() == [("slug", "operation-barkhane")]


def test_background_with_a_citation_is_found(imported):
    Concept.objects.filter(slug="resource-curse").update(kind=StatementKind.BACKGROUND)
    assert cited_background() == ["resource-curse"]


def test_an_item_citing_paragraphs_that_never_name_it_is_found(imported):
    chad = Actor.objects.get(slug="chad")
    chad.citations.set([Paragraph.objects.get(anchor="the-wagner-transition-p1")])
    assert key_names(chad) == {"Chad"}
    assert strangers_to_their_citations() == ["chad"]


def test_a_quotation_not_word_for_word_is_found(imported):
    Takeaway.objects.filter(slug="sovereignty-mirage-3").update(
        text="Russia, an actor with “no interest in Sahelian sovereignty”."
    )
    assert misquotes() == [("sovereignty-mirage-3", "no interest in Sahelian sovereignty")]


def test_background_items_import_without_citations_and_are_not_from_the_article(tmp_path, article_path, pack_dir):
    shutil.copytree(pack_dir, tmp_path / "pack")
    with open(tmp_path / "pack" / "concepts.yaml", "a", encoding="utf-8") as concepts:
        concepts.write(
            "- slug: game-theory-equilibrium\n"
            "  kind: background\n"
            "  term: Equilibrium (game theory)\n"
            "  definition: A state in which no player gains by changing strategy alone.\n"
        )
    import_briefing(article_path=article_path, pack_dir=tmp_path / "pack")
    background = Concept.objects.get(slug="game-theory-equilibrium")
    assert (background.kind, list(background.citations.all()), background.is_from_article) == (
        StatementKind.BACKGROUND,
        [],
        False,
    )
    assert list(Concept.objects.background()) == [background]
    assert background not in Concept.objects.from_article()
    assert Concept.objects.from_article().count() == Concept.objects.count() - 1


def test_a_background_item_with_citations_is_refused(tmp_path, article_path, pack_dir):
    shutil.copytree(pack_dir, tmp_path / "pack")
    with open(tmp_path / "pack" / "concepts.yaml", "a", encoding="utf-8") as concepts:
        concepts.write(
            "- slug: game-theory-equilibrium\n"
            "  kind: background\n"
            "  cites: [what-happens-next-p3]\n"
            "  term: Equilibrium (game theory)\n"
            "  definition: A state in which no player gains by changing strategy alone.\n"
        )
    with pytest.raises(BriefingFormatError) as error:
        import_briefing(article_path=article_path, pack_dir=tmp_path / "pack")
    assert "“background” item is not from the article and cites no paragraph" in str(error.value)
    assert Concept.objects.count() == 0


# --- The timeline's filters on the shipped content (issue 6, section 4) ----------------------------


def test_groups_within_larger_ones_are_what_the_article_says(imported):
    assert dict(Actor.objects.exclude(part_of=None).values_list("slug", "part_of__slug")) == {
        "aes-unified-force": "alliance-of-sahel-states",
        "ecowas-court-of-justice": "ecowas",
        "wagner-group": "russia",
        "africa-corps": "russian-ministry-of-defense",
        "russian-ministry-of-defense": "russia",
        "operation-barkhane": "france",
    }


def test_russia_finds_the_wagner_and_africa_corps_events(imported):
    russia = Actor.objects.get(slug="russia")
    found = set(TimelineEvent.objects.published().involving(russia).values_list("slug", flat=True))
    for slug in ("wagner-group", "africa-corps"):
        own = set(TimelineEvent.objects.published().filter(actors__slug=slug).values_list("slug", flat=True))
        assert own and own <= found, slug


def test_every_choice_of_the_timeline_filters_finds_an_event(client, imported):
    form = client.get("/timeline/").context["form"]
    offered = {name: [str(value) for value, _ in form.fields[name].choices if value] for name in ("country", "actor")}
    assert offered["country"] == ["burkina-faso", "mali", "niger"]
    assert len(offered["actor"]) == 12
    for name, values in offered.items():
        for value in values:
            response = client.get("/timeline/", {name: value})
            assert response.status_code == 200, (name, value)
            assert len(response.context["events"]) >= 1, (name, value)
    # The actors left out are exactly those that no published event involves, even through a group.
    left_out = set(Actor.objects.published().values_list("slug", flat=True)) - set(offered["actor"])
    for slug in left_out:
        assert not TimelineEvent.objects.published().involving(Actor.objects.get(slug=slug)).exists(), slug
    assert left_out == {
        "minusma",
        "jnim",
        "islamic-state-sahel-province",
        "african-union",
        "nigeria",
        "senegal",
        "chad",
    }
