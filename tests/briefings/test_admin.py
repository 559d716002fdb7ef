"""The editors' admin: permissions, lists without N+1, bulk publishing, history and revert, what a change touches."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from briefings import models
from briefings.admin import YearFilter
from sahel_learn.accounts.roles import EDITORS, editor_permission_codenames
from tests import factories

pytestmark = pytest.mark.django_db

# Only the admin, as before the reader's pages exist (used with @pytest.mark.urls(__name__)).

ALL_MODELS = (
    "briefing",
    "section",
    "paragraph",
    "country",
    "actor",
    "leader",
    "timelineevent",
    "keyfigure",
    "concept",
    "takeaway",
    "faqentry",
    "sourcereference",
)
DERIVED_MODELS = ALL_MODELS[3:]


def _url(name, *args):
    return reverse(f"admin:briefings_{name}", args=args)


def _form_data(response):
    """The admin form's current values, ready to post back."""
    data = {}
    for bound in response.context["adminform"].form:
        value = bound.value()
        data[bound.html_name] = "" if value is None else value
    return data


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def editor_client(client):
    user = factories.editor()
    client.force_login(user)
    client.user = user
    return client


def _one_of_each():
    briefing = factories.BriefingFactory()
    section = factories.SectionFactory(briefing=briefing)
    paragraph = factories.ParagraphFactory(section=section)
    return {
        "briefing": briefing,
        "section": section,
        "paragraph": paragraph,
        "country": factories.CountryFactory(),
        "actor": factories.ActorFactory(),
        "leader": factories.LeaderFactory(),
        "timelineevent": factories.TimelineEventFactory(),
        "keyfigure": factories.KeyFigureFactory(),
        "concept": factories.ConceptFactory(),
        "takeaway": factories.TakeawayFactory(section=section),
        "faqentry": factories.FaqEntryFactory(),
        "sourcereference": factories.SourceReferenceFactory(),
    }


# -- roles and access ----------------------------------------------------------------------------


def test_editors_group_has_exactly_the_content_permissions():
    # The question bank's permissions are checked in tests/quizzes/test_admin.py.
    permissions = list(
        Group.objects.get(name=EDITORS)
        .permissions.exclude(content_type__app_label="quizzes")
        .select_related("content_type")
    )

    assert {p.codename for p in permissions} == editor_permission_codenames()
    assert len(permissions) == 42
    assert {p.content_type.app_label for p in permissions} == {"briefings"}
    assert {"change_paragraph", "view_paragraph", "add_leader", "delete_leader"} <= {p.codename for p in permissions}
    assert {"add_paragraph", "delete_paragraph", "add_briefing", "delete_section"}.isdisjoint(
        p.codename for p in permissions
    )


def test_admin_index_is_titled_for_the_content(editor_client):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["site_header"] == "Sahel Learn content"
    assert response.context["site_title"] == "Sahel Learn content"
    assert "<title>Site administration | Sahel Learn content</title>" in response.content.decode()


@pytest.mark.parametrize("name", ALL_MODELS)
def test_editor_opens_changelist_change_form_and_history(editor_client, name):
    obj = _one_of_each()[name]

    assert editor_client.get(_url(f"{name}_changelist")).status_code == 200
    assert editor_client.get(_url(f"{name}_change", obj.pk)).status_code == 200
    assert editor_client.get(_url(f"{name}_history", obj.pk)).status_code == 200


@pytest.mark.parametrize("name", DERIVED_MODELS)
def test_editor_opens_the_add_form_of_derived_items(editor_client, name):
    assert editor_client.get(_url(f"{name}_add")).status_code == 200


@pytest.mark.parametrize("name", ["briefing", "section", "paragraph"])
def test_editor_cannot_add_or_delete_the_articles_structure(editor_client, name):
    obj = _one_of_each()[name]

    assert editor_client.get(_url(f"{name}_add")).status_code == 403
    assert editor_client.get(_url(f"{name}_delete", obj.pk)).status_code == 403
    assert editor_client.post(_url(f"{name}_delete", obj.pk), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_editor_cannot_open_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_student_is_sent_to_the_login_page(client):
    client.force_login(factories.student())

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_editor_adds_changes_and_deletes_a_leader(editor_client):
    country = factories.CountryFactory()
    paragraph = factories.ParagraphFactory()
    data = {
        "name": "Assimi Goïta",
        "slug": "assimi-goita",
        "rank": "Colonel",
        "role": models.LeaderRole.HEAD_OF_STATE,
        "country": country.pk,
        "office": "President of the transition",
        "position": "1",
        "path_to_power": "Led the coups of 2020 and 2021.",
        "power_year": "2021",
        "background": "",
        "outlook": "",
        "key_quote": "",
        "summary": "Mali's junta leader.",
        "status": models.Status.DRAFT,
        "kind": models.StatementKind.FACT,
        "citations": [paragraph.pk],
        "_save": "Save",
    }

    response = editor_client.post(_url("leader_add"), data)

    assert response.status_code == 302
    leader = models.Leader.objects.get(slug="assimi-goita")
    assert (leader.name, leader.country, leader.status, leader.origin) == (
        "Assimi Goïta",
        country,
        models.Status.DRAFT,
        models.Origin.EDITOR,
    )
    assert list(leader.citations.all()) == [paragraph]

    change = _form_data(editor_client.get(_url("leader_change", leader.pk)))
    change.update(summary="Mali's head of state since 2021.", _save="Save")
    response = editor_client.post(_url("leader_change", leader.pk), change)

    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.summary == "Mali's head of state since 2021."
    assert leader.slug == "assimi-goita"

    response = editor_client.post(_url("leader_delete", leader.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not models.Leader.objects.filter(pk=leader.pk).exists()


def test_editor_corrects_a_paragraph_and_markup_is_stripped(editor_client):
    paragraph = factories.ParagraphFactory(text="Wagner left in 2025.")
    anchor, number = paragraph.anchor, paragraph.number

    response = editor_client.get(_url("paragraph_change", paragraph.pk))
    data = _form_data(response)

    assert set(data) == {"text"}
    data.update(text="Wagner <em>left</em> Mali in 2025.<script>alert(1)</script>", _save="Save")
    response = editor_client.post(_url("paragraph_change", paragraph.pk), data)

    assert response.status_code == 302
    paragraph.refresh_from_db()
    assert paragraph.text == "Wagner left Mali in 2025."
    assert (paragraph.anchor, paragraph.number) == (anchor, number)


def test_markup_in_a_derived_items_text_is_stripped_on_save(editor_client):
    leader = factories.LeaderFactory(name="Ibrahim Traoré")
    data = _form_data(editor_client.get(_url("leader_change", leader.pk)))
    data.update(
        name="<b>Ibrahim</b> Traoré",
        summary='<p onclick="x()">Burkina Faso\'s <i>captain</i> & president.</p><script>alert(1)</script>',
        _save="Save",
    )

    response = editor_client.post(_url("leader_change", leader.pk), data)

    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.name == "Ibrahim Traoré"
    assert leader.summary == "Burkina Faso's captain & president."


# -- lists: filters, bulk actions, query counts ---------------------------------------------------


def test_bulk_publish_and_unpublish_change_status_and_write_history(editor_client):
    drafts = [factories.LeaderFactory(status=models.Status.DRAFT) for _ in range(2)]
    published = factories.LeaderFactory(status=models.Status.PUBLISHED)
    selected = [str(leader.pk) for leader in (*drafts, published)]

    response = editor_client.post(
        _url("leader_changelist"), {"action": "publish_selected", "_selected_action": selected}, follow=True
    )

    assert response.status_code == 200
    assert _messages(response) == ["Published 2 leaders; 1 already published."]
    assert set(models.Leader.objects.values_list("status", flat=True)) == {models.Status.PUBLISHED}
    for leader in drafts:
        latest = leader.history.latest()
        assert (latest.history_type, latest.status, latest.history_user) == (
            "~",
            models.Status.PUBLISHED,
            editor_client.user,
        )
    assert published.history.count() == 1

    response = editor_client.post(
        _url("leader_changelist"), {"action": "unpublish_selected", "_selected_action": selected[:1]}, follow=True
    )

    assert _messages(response) == ["Unpublished 1 leader; 0 already drafts."]
    assert models.Leader.objects.get(pk=drafts[0].pk).status == models.Status.DRAFT
    assert drafts[0].history.count() == 3
    assert drafts[0].history.latest().status == models.Status.DRAFT


def test_editors_filter_the_importers_proposals(editor_client):
    proposal = factories.TimelineEventFactory(status=models.Status.DRAFT, origin=models.Origin.PROPOSED)
    factories.TimelineEventFactory(origin=models.Origin.PACK)

    response = editor_client.get(_url("timelineevent_changelist"), {"origin__exact": "proposed"})

    assert list(response.context["cl"].result_list) == [proposal]


def test_timeline_year_filter_lists_the_years_present_and_counts_spans(editor_client):
    coup = factories.TimelineEventFactory(date=datetime.date(2020, 8, 18))
    alliance = factories.TimelineEventFactory(date=datetime.date(2023, 9, 16))
    barkhane = factories.TimelineEventFactory(
        date=datetime.date(2014, 1, 1),
        precision=models.DatePrecision.YEAR,
        end_date=datetime.date(2022, 1, 1),
    )
    url = _url("timelineevent_changelist")

    response = editor_client.get(url)
    year_filter = next(spec for spec in response.context["cl"].filter_specs if isinstance(spec, YearFilter))

    assert year_filter.lookup_choices == [("2014", "2014"), ("2020", "2020"), ("2022", "2022"), ("2023", "2023")]
    assert list(editor_client.get(url, {"year": "2020"}).context["cl"].result_list) == [barkhane, coup]
    assert list(editor_client.get(url, {"year": "2017"}).context["cl"].result_list) == [barkhane]
    assert list(editor_client.get(url, {"year": "2023"}).context["cl"].result_list) == [alliance]


@pytest.mark.parametrize("year", ["abc", "0", "20231"])
def test_timeline_year_filter_rejects_a_bad_year_without_error(editor_client, year):
    factories.TimelineEventFactory()

    response = editor_client.get(_url("timelineevent_changelist"), {"year": year})

    assert response.status_code == 302
    assert response["Location"] == "/admin/briefings/timelineevent/?e=1"


def test_key_figures_filter_by_year_and_country(editor_client):
    niger = factories.CountryFactory(name="Niger")
    troops = factories.KeyFigureFactory(year=2024, country=niger)
    factories.KeyFigureFactory(year=2024)
    factories.KeyFigureFactory(year=2021, country=niger)

    response = editor_client.get(_url("keyfigure_changelist"), {"year": "2024", "country__id__exact": str(niger.pk)})

    assert list(response.context["cl"].result_list) == [troops]


def test_changelist_shows_the_cited_paragraph_beside_each_item(editor_client):
    section = factories.SectionFactory(title="The Wagner Transition", slug="the-wagner-transition")
    factories.LeaderFactory(citations=[factories.ParagraphFactory(section=section, number=2)])

    response = editor_client.get(_url("leader_changelist"))

    assert '<td class="field-cited">The Wagner Transition ¶2</td>' in response.content.decode()


def _build_section():
    factories.ParagraphFactory(section=factories.SectionFactory())


def _build_paragraph():
    paragraph = factories.ParagraphFactory()
    factories.ConceptFactory(citations=[paragraph])
    factories.TimelineEventFactory(citations=[paragraph])


def _build_country():
    factories.CountryFactory(citations=[factories.ParagraphFactory(), factories.ParagraphFactory()])


def _build_actor():
    factories.ActorFactory().countries.set([factories.CountryFactory()])


def _build_leader():
    leader = factories.LeaderFactory()
    leader.related.set(models.Leader.objects.exclude(pk=leader.pk)[:1])


def _build_event():
    event = factories.TimelineEventFactory()
    event.countries.set([factories.CountryFactory()])
    event.actors.set([factories.ActorFactory()])


def _build_figure():
    factories.KeyFigureFactory(country=factories.CountryFactory(), actor=factories.ActorFactory(), year=2024)


CHANGELIST_ROWS = [
    ("section", _build_section),
    ("paragraph", _build_paragraph),
    ("country", _build_country),
    ("actor", _build_actor),
    ("leader", _build_leader),
    ("timelineevent", _build_event),
    ("keyfigure", _build_figure),
    ("concept", factories.ConceptFactory),
    ("takeaway", factories.TakeawayFactory),
    ("faqentry", factories.FaqEntryFactory),
    ("sourcereference", factories.SourceReferenceFactory),
]


@pytest.mark.parametrize(("name", "build"), CHANGELIST_ROWS)
def test_changelist_queries_do_not_grow_with_rows(editor_client, django_assert_num_queries, name, build):
    url = _url(f"{name}_changelist")
    build()
    editor_client.get(url)

    with CaptureQueriesContext(connection) as one_row:
        response = editor_client.get(url)

    assert response.context["cl"].result_count == 1
    for _ in range(4):
        build()
    with django_assert_num_queries(len(one_row)):
        response = editor_client.get(url)
    assert response.context["cl"].result_count == 5


def test_briefing_changelist_and_change_form_queries_stay_flat(editor_client, django_assert_num_queries):
    briefing = factories.BriefingFactory()
    factories.ParagraphFactory(section=factories.SectionFactory(briefing=briefing))
    url = _url("briefing_change", briefing.pk)
    editor_client.get(url)

    with CaptureQueriesContext(connection) as one_section:
        editor_client.get(url)

    for _ in range(4):
        factories.ParagraphFactory(section=factories.SectionFactory(briefing=briefing))
    with django_assert_num_queries(len(one_section)):
        response = editor_client.get(url)
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 5


# -- history and revert --------------------------------------------------------------------------


def test_revert_through_the_history_view_restores_the_old_value(editor_client):
    leader = factories.LeaderFactory(summary="Seized power in 2022.")
    original = leader.history.get()
    data = _form_data(editor_client.get(_url("leader_change", leader.pk)))
    data.update(summary="Seized power twice in 2022.", _save="Save")
    assert editor_client.post(_url("leader_change", leader.pk), data).status_code == 302
    leader.refresh_from_db()
    assert leader.summary == "Seized power twice in 2022."

    history_page = editor_client.get(_url("leader_history", leader.pk))
    revert_url = _url("leader_simple_history", leader.pk, original.history_id)
    assert revert_url in history_page.content.decode()
    revert_form = editor_client.get(revert_url)
    assert revert_form.status_code == 200
    data = _form_data(revert_form)
    assert data["summary"] == "Seized power in 2022."
    response = editor_client.post(revert_url, {**data, "_save": "Save"})

    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.summary == "Seized power in 2022."
    assert [(h.history_type, h.summary) for h in leader.history.order_by("history_date", "history_id")] == [
        ("+", "Seized power in 2022."),
        ("~", "Seized power twice in 2022."),
        ("~", "Seized power in 2022."),
    ]
    assert leader.history.latest().history_user == editor_client.user


# -- what an item cites, what cites it, what a re-import will do ----------------------------------


def test_change_form_shows_each_cited_paragraph_in_full(editor_client):
    section = factories.SectionFactory(title="The Wagner Transition", slug="the-wagner-transition")
    first = factories.ParagraphFactory(section=section, number=2, text="Wagner left; Africa Corps arrived.")
    second = factories.ParagraphFactory(section=section, number=3, text="Russia's footprint stayed.")
    concept = factories.ConceptFactory(citations=[second, first])

    response = editor_client.get(_url("concept_change", concept.pk))

    html = response.content.decode()
    for paragraph in (first, second):
        label = f'<a href="/briefing/#{paragraph.anchor}">The Wagner Transition, paragraph {paragraph.number}</a>'
        assert (
            f"<blockquote><p><strong>{label}</strong> · "
            f'<a href="/admin/briefings/paragraph/{paragraph.pk}/change/">correct the text</a></p>'
            f"<p>{escape(paragraph.text)}</p></blockquote>"
        ) in html
    assert html.index("Wagner left; Africa Corps arrived.") < html.index("Russia&#x27;s footprint stayed.")


def test_change_form_without_citations_says_so(editor_client):
    concept = factories.ConceptFactory(citations=[])

    response = editor_client.get(_url("concept_change", concept.pk))

    assert '<div class="readonly">No paragraph cited yet.</div>' in response.content.decode()


def test_paragraph_change_form_lists_everything_citing_it(editor_client):
    paragraph = factories.ParagraphFactory()
    leader = factories.LeaderFactory(citations=[paragraph])
    event = factories.TimelineEventFactory(citations=[paragraph], status=models.Status.DRAFT)
    second_event = factories.TimelineEventFactory(citations=[paragraph], date=datetime.date(2024, 1, 28))
    factories.ConceptFactory()

    response = editor_client.get(_url("paragraph_change", paragraph.pk))

    expected = (
        "<p><strong>Leaders (1)</strong></p><ul>"
        f'<li><a href="/admin/briefings/leader/{leader.pk}/change/">{escape(leader)}</a> (Published)</li></ul>'
        "<p><strong>Timeline events (2)</strong></p><ul>"
        f'<li><a href="/admin/briefings/timelineevent/{event.pk}/change/">{escape(event)}</a> (Draft)</li>'
        f'<li><a href="/admin/briefings/timelineevent/{second_event.pk}/change/">{escape(second_event)}</a>'
        " (Published)</li></ul>"
    )
    assert f'<div class="readonly">{expected}</div>' in response.content.decode()


def test_paragraph_changelist_counts_and_filters_citing_items(editor_client):
    cited = factories.ParagraphFactory()
    factories.ConceptFactory(citations=[cited])
    factories.FaqEntryFactory(citations=[cited])
    factories.TakeawayFactory(citations=[cited])
    uncited = factories.ParagraphFactory()
    url = _url("paragraph_changelist")

    rows = [(p, p.citing_count) for p in editor_client.get(url).context["cl"].result_list]

    assert rows == [(cited, 3), (uncited, 0)]
    assert list(editor_client.get(url, {"cited": "yes"}).context["cl"].result_list) == [cited]
    assert list(editor_client.get(url, {"cited": "no"}).context["cl"].result_list) == [uncited]


def test_country_change_form_lists_what_refers_to_it(editor_client):
    country = factories.CountryFactory(name="Mali")
    leader = factories.LeaderFactory(country=country)
    actor = factories.ActorFactory()
    actor.countries.set([country])
    event = factories.TimelineEventFactory()
    event.countries.set([country])
    figure = factories.KeyFigureFactory(country=country)

    response = editor_client.get(_url("country_change", country.pk))

    expected = "".join(
        f"<p><strong>{label} (1)</strong></p><ul>"
        f'<li><a href="/admin/briefings/{obj._meta.model_name}/{obj.pk}/change/">{escape(obj)}</a> (Published)</li>'
        "</ul>"
        for label, obj in (
            ("Leaders", leader),
            ("Actors", actor),
            ("Timeline events", event),
            ("Key figures", figure),
        )
    )
    assert f'<div class="readonly">{expected}</div>' in response.content.decode()


def test_actor_with_nothing_referring_to_it_says_so(editor_client):
    actor = factories.ActorFactory()

    response = editor_client.get(_url("actor_change", actor.pk))

    assert '<div class="readonly">Nothing refers to it.</div>' in response.content.decode()


STATES = (
    "Written by an editor: the importer never changes it.",
    "As imported: a re-import may update it.",
    "Changed by an editor since import: a re-import will leave it alone.",
)


def test_change_form_tells_what_a_re_import_will_do(editor_client):
    written = factories.ConceptFactory()
    imported = factories.ConceptFactory(origin=models.Origin.PACK)
    imported.import_fingerprint = imported.content_fingerprint()
    imported.save()
    edited = factories.ConceptFactory(origin=models.Origin.PACK)
    edited.import_fingerprint = edited.content_fingerprint()
    edited.definition = "Revised by an editor."
    edited.save()

    def state(concept):
        html = editor_client.get(_url("concept_change", concept.pk)).content.decode()
        return [text for text in STATES if f'<div class="readonly">{text}</div>' in html]

    assert state(written) == ["Written by an editor: the importer never changes it."]
    assert state(imported) == ["As imported: a re-import may update it."]
    assert state(edited) == ["Changed by an editor since import: a re-import will leave it alone."]
    html = editor_client.get(_url("concept_change", edited.pk)).content.decode()
    assert '<div class="readonly">Curated content pack</div>' in html


def test_changelist_flags_items_edited_since_import(editor_client):
    imported = factories.ConceptFactory(origin=models.Origin.PACK)
    imported.import_fingerprint = imported.content_fingerprint()
    imported.save()
    edited = factories.ConceptFactory(origin=models.Origin.PACK)
    edited.import_fingerprint = edited.content_fingerprint()
    edited.definition = "Revised by an editor."
    edited.save()
    admin = editor_client.get(_url("concept_changelist")).context["cl"].model_admin

    assert admin.edited_since_import(imported) is False
    assert admin.edited_since_import(edited) is True


# -- the article's structure ----------------------------------------------------------------------


def test_section_change_form_lets_editors_correct_paragraph_text_only(editor_client):
    section = factories.SectionFactory()
    paragraphs = [factories.ParagraphFactory(section=section, number=n) for n in (1, 2)]
    factories.ConceptFactory(citations=[paragraphs[0]])

    response = editor_client.get(_url("section_change", section.pk))

    inline = response.context["inline_admin_formsets"][0]
    assert [form.instance for form in inline.formset.forms] == paragraphs
    assert list(inline.formset.forms[0].fields) == ["text", "id", "section"]
    assert (inline.has_add_permission, inline.has_delete_permission, inline.has_change_permission) == (
        False,
        False,
        True,
    )
    assert [form.instance.citing_count for form in inline.formset.forms] == [1, 0]
    assert set(response.context["adminform"].form.fields) == {"title", "kind"}


def test_briefing_change_form_lists_its_sections_read_only(editor_client):
    briefing = factories.BriefingFactory()
    sections = [factories.SectionFactory(briefing=briefing, number=n) for n in (1, 2)]
    factories.ParagraphFactory(section=sections[1])

    response = editor_client.get(_url("briefing_change", briefing.pk))

    inline = response.context["inline_admin_formsets"][0]
    assert [form.instance for form in inline.formset.forms] == sections
    assert [form.instance.paragraph_count for form in inline.formset.forms] == [0, 1]
    assert list(inline.formset.forms[0].fields) == ["id", "briefing"]
    assert (inline.has_add_permission, inline.has_delete_permission) == (False, False)
    assert f'href="/admin/briefings/section/{sections[0].pk}/change/"' in response.content.decode()
    assert set(response.context["adminform"].form.fields) == {
        "title",
        "standfirst",
        "author",
        "outlet",
        "published_on",
        "status",
    }


@pytest.mark.parametrize("status", [models.Status.PUBLISHED, models.Status.DRAFT])
def test_view_on_site_links_to_the_items_own_page_for_drafts_too(editor_client, status):
    leader = factories.LeaderFactory(status=status)

    response = editor_client.get(_url("leader_change", leader.pk))

    assert response.context["has_absolute_url"] is True
    assert leader.get_absolute_url().startswith(f"/leaders/{leader.slug}/")
    link = f'<a href="{escape(leader.get_absolute_url())}" class="viewsitelink">View on site</a>'
    assert link in response.content.decode()


def test_paragraph_form_says_whether_a_reimport_keeps_the_text(editor_client):
    paragraph = factories.ParagraphFactory(text="As the article has it.")
    url = reverse("admin:briefings_paragraph_change", args=[paragraph.pk])
    assert "As imported: a re-import of a changed article may update it." in editor_client.get(url).content.decode()
    paragraph.text = "As an editor corrected it."
    paragraph.save()
    assert (
        "Corrected by an editor: a re-import of a changed article keeps this text."
        in editor_client.get(url).content.decode()
    )


# -- years: bounded once, on the model fields ----------------------------------------------------


@pytest.mark.parametrize(("model", "field"), [(models.KeyFigure, "year"), (models.Leader, "power_year")])
def test_the_admin_refuses_a_year_out_of_bounds(editor_client, model, field):
    item = {models.KeyFigure: factories.KeyFigureFactory, models.Leader: factories.LeaderFactory}[model]()
    url = _url(f"{model._meta.model_name}_change", item.pk)
    data = _form_data(editor_client.get(url))
    data[field] = "99999"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == ["Ensure this value is less than or equal to 2100."]
    item.refresh_from_db()
    assert getattr(item, field) != 99999


def test_the_history_of_a_leader_whose_related_people_changed_opens(editor_client):
    leader = factories.LeaderFactory()
    leader.related.set([factories.LeaderFactory()])
    leader.save()
    leader.related.set([factories.LeaderFactory(), factories.LeaderFactory()])
    leader.save()

    assert editor_client.get(_url("leader_history", leader.pk)).status_code == 200


# -- Django's own stylesheets and templates, with ours after them ---------------------------------


@pytest.mark.parametrize("url", ["admin:briefings_leader_change", "admin:password_change"])
def test_forms_link_djangos_own_forms_css_and_our_stylesheet_after_it(editor_client, url):
    args = [factories.LeaderFactory().pk] if url == "admin:briefings_leader_change" else []

    page = editor_client.get(reverse(url, args=args)).content.decode()

    ours = '<link rel="stylesheet" href="/static/admin-overrides/css/admin.css">'
    django_forms = '<link rel="stylesheet" href="/static/admin/css/forms.css">'
    assert page.count(django_forms) == 1
    assert page.count(ours) == 1
    assert page.index(django_forms) < page.index(ours)
    assert "admin-overrides/css/forms.css" not in page
    assert '<script src="/static/admin-overrides/js/admin.js" defer></script>' in page


# -- numbers as written ---------------------------------------------------------------------------


def _figure_form(editor_client, figure, **changes):
    data = _form_data(editor_client.get(_url("keyfigure_change", figure.pk)))
    data.update(changes, _save="Save")
    return editor_client.post(_url("keyfigure_change", figure.pk), data)


def test_key_figure_form_shows_numbers_as_written(editor_client):
    figure = factories.KeyFigureFactory(value=Decimal("5000"), value_high=Decimal("12500.5"))
    figure.refresh_from_db()
    assert (str(figure.value), str(figure.value_high)) == ("5000.0000", "12500.5000")

    response = editor_client.get(_url("keyfigure_change", figure.pk))

    page = response.content.decode()
    assert '<input type="text" name="value" value="5,000" inputmode="decimal" required id="id_value">' in page
    assert 'name="value_high" value="12,500.5"' in page
    assert "5000.0000" not in page


@pytest.mark.parametrize(
    ("typed", "stored"), [("5,000", "5000"), ("5000", "5000"), ("1,486.5", "1486.5"), ("17", "17")]
)
def test_key_figure_form_takes_numbers_with_or_without_thousands_commas(editor_client, typed, stored):
    figure = factories.KeyFigureFactory()

    response = _figure_form(editor_client, figure, value=typed)

    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == Decimal(stored)


@pytest.mark.parametrize("typed", ["5,00", "five", "1,2345"])
def test_key_figure_form_refuses_a_number_it_cannot_read(editor_client, typed):
    figure = factories.KeyFigureFactory(value=Decimal("5100"))

    response = _figure_form(editor_client, figure, value=typed)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["value"] == ["Enter a number, such as 5000, 5,000 or 2.5."]
    figure.refresh_from_db()
    assert figure.value == Decimal("5100")


def test_key_figure_list_shows_figures_as_written(editor_client):
    factories.KeyFigureFactory(value=Decimal("5000"), unit="troops", label="Size of the unified force")

    page = editor_client.get(_url("keyfigure_changelist")).content.decode()

    assert "<strong>5,000 troops</strong> Size of the unified force" in page
    assert "5000.0000" not in page


# -- history -------------------------------------------------------------------------------------


def _history_rows(response):
    return list(response.context["page_obj"])


def test_history_shows_numbers_and_choices_as_written_and_who_changed_them(editor_client):
    figure = factories.KeyFigureFactory(value=Decimal("5000"), status=models.Status.DRAFT, year=None)
    assert (
        _figure_form(editor_client, figure, value="5,500", status=models.Status.PUBLISHED, year="2024").status_code
        == 302
    )

    response = editor_client.get(_url("keyfigure_history", figure.pk))

    page = response.content.decode()
    latest, created = _history_rows(response)
    assert [(change["field"], change["old"], change["new"]) for change in latest.history_delta_changes] == [
        ("Status", "Draft", "Published"),
        ("Value", "5,000", "5,500"),
        ("Year", "(empty)", "2024"),
    ]
    assert "<li><strong>Value:</strong> 5,000 &rarr; 5,500</li>" in page
    assert "5000.0000" not in page
    # Whole words: the table's headings, the date and the user, without "None" or a link to the user.
    for heading in ("Date and time", "Action", "Changed by", "Changes"):
        assert f'<th scope="col">{heading}</th>' in page
    when = latest.history_date
    assert f"{when.day} {when:%B %Y, %H:%M} UTC</time>" in page
    assert f"<td>Changed</td>\n        <td>{editor_client.user.username}</td>" in page
    assert "<td>Created</td>\n        <td>The importer or a command</td>" in page
    assert "None" not in page
    assert "Change reason" not in page
    assert "Date/time" not in page
    assert "/admin/auth/user/" not in page
    assert editor_client.get(reverse("admin:auth_user_change", args=[editor_client.user.pk])).status_code == 403


def test_history_cuts_a_long_text_between_words(editor_client):
    words = " ".join(f"word{n}" for n in range(80))
    concept = factories.ConceptFactory(definition=f"{words} old ending.")
    concept.definition = f"{words} new ending."
    concept.save()

    response = editor_client.get(_url("concept_history", concept.pk))

    (change,) = _history_rows(response)[0].history_delta_changes
    assert change["field"] == "Definition"
    assert change["old"].startswith("word0 … ")
    assert change["old"].endswith(" word79 old ending.")
    assert change["new"].endswith(" word79 new ending.")
    assert "chars]" not in change["old"]
    head, tail = change["old"].split(" … ")
    # Cut between words: every word left is whole.
    assert set((head + " " + tail).split()) <= {*words.split(), "old", "ending."}


def test_history_page_has_no_inline_style(editor_client):
    leader = factories.LeaderFactory()
    leader.name = "Renamed"
    leader.save()

    page = editor_client.get(_url("leader_history", leader.pk)).content.decode()

    assert '<table id="change-history">' in page
    assert '<p class="paginator">' in page
    assert "style=" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/admin/briefings/leader/abc/history/",
        "/admin/briefings/leader/99999999999999999999999/history/",
        "/admin/briefings/leader/abc/history/1/",
        "/admin/briefings/leader/{pk}/history/abc/",
        "/admin/briefings/leader/{pk}/history/99999999999999999999999/",
        "/admin/briefings/keyfigure/1.5/history/",
        "/admin/briefings/paragraph/abc/history/",
    ],
)
def test_history_and_revert_urls_with_an_id_that_is_not_a_number_are_404(editor_client, path):
    leader = factories.LeaderFactory()

    response = editor_client.get(path.format(pk=leader.pk))

    assert response.status_code == 404


# -- a NUL character in a filter, a search or an autocomplete (PostgreSQL cannot compare it) -------


@pytest.mark.parametrize(
    "query", [{"role__exact": "\x00"}, {"q": "\x00"}, {"q": "Goïta\x00"}, {"country__id__exact": "\x00"}, {"\x00": "1"}]
)
def test_a_nul_in_a_list_filter_or_search_shows_the_unfiltered_list(editor_client, query):
    factories.LeaderFactory()
    url = _url("leader_changelist")

    response = editor_client.get(url, query)

    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
    assert editor_client.get(response["Location"]).context["cl"].result_count == 1


@pytest.mark.parametrize("term", ["\x00", "Wagner\x00"])
def test_a_nul_in_an_autocomplete_search_is_a_bad_request(editor_client, term):
    factories.ParagraphFactory(text="Wagner left.")
    query = {"term": term, "app_label": "briefings", "model_name": "concept", "field_name": "citations"}

    response = editor_client.get(reverse("admin:autocomplete"), query)

    assert response.status_code == 400


def test_autocomplete_still_finds_paragraphs(editor_client):
    paragraph = factories.ParagraphFactory(text="Wagner left.")
    query = {"term": "Wagner", "app_label": "briefings", "model_name": "concept", "field_name": "citations"}

    response = editor_client.get(reverse("admin:autocomplete"), query)

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(paragraph.pk)]


# -- markup through entities ---------------------------------------------------------------------


def test_an_entity_encoded_tag_in_a_definition_is_stripped_through_the_admin(editor_client):
    concept = factories.ConceptFactory(term="Sovereignty")
    data = _form_data(editor_client.get(_url("concept_change", concept.pk)))
    data.update(definition="Q&amp;A: &lt;img src=x onerror=alert(1)&gt;20 < 25 &amp; rising.", _save="Save")

    response = editor_client.post(_url("concept_change", concept.pk), data)

    assert response.status_code == 302
    concept.refresh_from_db()
    assert concept.definition == "Q&A: 20 < 25 & rising."


def test_a_definition_that_is_only_an_entity_encoded_tag_is_refused(editor_client):
    concept = factories.ConceptFactory(definition="The state's authority.")
    data = _form_data(editor_client.get(_url("concept_change", concept.pk)))
    data.update(definition="&lt;img src=x onerror=alert(1)&gt;", _save="Save")

    response = editor_client.post(_url("concept_change", concept.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["definition"] == [
        "This holds only markup, which is removed: write it as plain text."
    ]
    concept.refresh_from_db()
    assert concept.definition == "The state's authority."


# -- publishing what the importer proposed ---------------------------------------------------------


def _proposal(factory=factories.TimelineEventFactory, **fields):
    proposal = factory(status=models.Status.DRAFT, origin=models.Origin.PROPOSED, **fields)
    proposal.import_fingerprint = proposal.content_fingerprint()
    proposal.save()
    return proposal


def _publish_action(editor_client, name, objs):
    """The changelist's action form: "Publish selected" on ``objs``, with "Go"."""
    data = {"action": "publish_selected", "_selected_action": [str(obj.pk) for obj in objs], "index": "0"}
    return editor_client.post(_url(f"{name}_changelist"), data)


def test_bulk_publishing_unedited_proposals_asks_for_a_confirmation_listing_them(editor_client):
    proposal = _proposal(title="September 2023")
    edited = _proposal(title="Edited since")
    edited.summary = "An editor checked this."
    edited.save()
    curated = factories.TimelineEventFactory(status=models.Status.DRAFT, origin=models.Origin.PACK)

    response = _publish_action(editor_client, "timelineevent", [proposal, edited, curated])

    assert response.status_code == 200
    assert response.template_name == "admin/briefings/publish_proposals_confirmation.html"
    assert response.context["proposals"] == [proposal]
    assert response.context["others"] == 2
    page = response.content.decode()
    assert f'<a href="/admin/briefings/timelineevent/{proposal.pk}/change/">{escape(proposal)}</a>' in page
    assert "The 2 other selected items are published too." in page
    assert '<input type="hidden" name="action" value="publish_selected">' in page
    assert '<input type="hidden" name="confirm_proposals" value="yes">' in page
    assert '<input type="hidden" name="index"' not in page
    for obj in (proposal, edited, curated):
        assert f'<input type="hidden" name="_selected_action" value="{obj.pk}">' in page
        obj.refresh_from_db()
        assert obj.status == models.Status.DRAFT

    confirmed = {name: value for name, value in response.context["hidden"] if name != "_selected_action"}
    confirmed["_selected_action"] = [value for name, value in response.context["hidden"] if name == "_selected_action"]
    response = editor_client.post(_url("timelineevent_changelist"), confirmed, follow=True)

    assert _messages(response) == ["Published 3 timeline events; 0 already published."]
    assert set(models.TimelineEvent.objects.values_list("status", flat=True)) == {models.Status.PUBLISHED}


def test_bulk_publishing_without_unedited_proposals_asks_nothing(editor_client):
    edited = _proposal(factories.KeyFigureFactory)
    edited.label = "Checked by an editor"
    edited.save()
    written = factories.KeyFigureFactory(status=models.Status.DRAFT)

    response = _publish_action(editor_client, "keyfigure", [edited, written])

    assert response.status_code == 302
    assert set(models.KeyFigure.objects.values_list("status", flat=True)) == {models.Status.PUBLISHED}


def test_publishing_an_unedited_proposal_in_its_form_asks_for_a_confirmation_then_saves(editor_client):
    proposal = _proposal(factories.KeyFigureFactory, value=Decimal("1000"))
    url = _url("keyfigure_change", proposal.pk)
    data = _form_data(editor_client.get(url))
    data.update(status=models.Status.PUBLISHED, _continue="Save and continue editing")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.template_name == "admin/briefings/publish_proposals_confirmation.html"
    assert response.context["proposals"] == [proposal]
    page = response.content.decode()
    assert "The importer proposed this draft and no editor has changed it." in page
    assert '<input type="hidden" name="status" value="published">' in page
    assert '<input type="hidden" name="_continue" value="Save and continue editing">' in page
    assert f'<a href="{url}" class="closelink">No, take me back</a>' in page
    proposal.refresh_from_db()
    assert proposal.status == models.Status.DRAFT

    response = editor_client.post(url, {**data, "confirm_proposals": "yes"})

    assert (response.status_code, response["Location"]) == (302, url)
    proposal.refresh_from_db()
    assert proposal.status == models.Status.PUBLISHED


def test_publishing_a_proposal_with_an_edit_in_the_same_form_asks_nothing(editor_client):
    proposal = _proposal(factories.KeyFigureFactory, value=Decimal("1000"))
    url = _url("keyfigure_change", proposal.pk)
    data = _form_data(editor_client.get(url))
    data.update(status=models.Status.PUBLISHED, label="Security personnel per 1,000 people", _save="Save")

    response = editor_client.post(url, data)

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.label) == (models.Status.PUBLISHED, "Security personnel per 1,000 people")


def test_saving_an_unedited_proposal_as_a_draft_asks_nothing(editor_client):
    proposal = _proposal()
    url = _url("timelineevent_change", proposal.pk)
    data = _form_data(editor_client.get(url))
    data.update(_save="Save")

    assert editor_client.post(url, data).status_code == 302
