"""The question bank in the admin: permissions, forms with options inline, preview, filters, bulk actions, hooks."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from briefings.models import ARTICLE_KINDS, StatementKind
from quizzes.models import AnswerOption, Question, QuestionStatus, QuestionType, ReviewFlag, Topic
from tests import factories

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"admin:quizzes_{name}", args=args)


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def editor_client(client):
    user = factories.editor()
    client.force_login(user)
    client.user = user
    return client


def _management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _add_data(paragraph, options, **fields):
    """POST data for the add form: the question's fields, its options inline, no sources."""
    data = {
        "qtype": QuestionType.SINGLE,
        "prompt": "Who leads Mali's transition?",
        "statement": "",
        "explanation": "The article names Colonel Assimi Goïta.",
        "topic": Topic.LEADERS,
        "kind": StatementKind.FACT,
        "difficulty": "2",
        "numeric_answer": "",
        "tolerance": "",
        "unit": "",
        "citations": [str(paragraph.pk)],
        **_management("options", len(options)),
        **_management("sources", 0),
        **_management("review_flags", 0),
    }
    for index, option in enumerate(options):
        for name, value in option.items():
            data[f"options-{index}-{name}"] = value
    data.update(fields)
    return data


def _choice(text, position, right=False):
    option = {"text": text, "position": str(position), "match": "", "kind": "", "feedback": ""}
    if right:
        option["is_correct"] = "on"
    return option


# -- permissions --------------------------------------------------------------------------------


def test_editors_may_manage_questions_options_and_sources_and_view_flags():
    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(
            content_type__app_label="quizzes",
            content_type__model__in=["question", "answeroption", "questionsource", "reviewflag"],
        )
        .values_list("codename", flat=True)
    )

    assert codenames == {
        "view_question",
        "add_question",
        "change_question",
        "delete_question",
        "view_answeroption",
        "add_answeroption",
        "change_answeroption",
        "delete_answeroption",
        "view_questionsource",
        "add_questionsource",
        "change_questionsource",
        "delete_questionsource",
        "view_reviewflag",
    }


def test_the_permission_migration_is_idempotent_and_creates_the_group():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("quizzes.migrations.0002_editors_question_permissions")
    Group.objects.filter(name="Editors").delete()

    migration.grant(apps, None)
    migration.grant(apps, None)

    assert Group.objects.get(name="Editors").permissions.count() == 13


def test_a_student_cannot_open_the_question_bank(client):
    client.force_login(factories.student())

    response = client.get(_url("question_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# -- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("qtype", QuestionType.values)
def test_editor_opens_change_form_and_history_of_each_type(editor_client, qtype):
    question = factories.question_of_each_type()[qtype]

    assert editor_client.get(_url("question_change", question.pk)).status_code == 200
    assert editor_client.get(_url("question_history", question.pk)).status_code == 200


def test_editor_opens_the_list_and_the_add_form(editor_client):
    assert editor_client.get(_url("question_changelist")).status_code == 200
    response = editor_client.get(_url("question_add"))

    assert response.status_code == 200
    assert "Save the question to see it as a student will." in response.content.decode()


def test_change_form_shows_the_cited_paragraphs_full_text(editor_client):
    question = factories.question_of_each_type()["single"]

    page = editor_client.get(_url("question_change", question.pk)).content.decode()

    assert "Goïta seized power in Mali in 2020 and again in 2021." in page
    assert reverse("admin:briefings_paragraph_change", args=[question.citations.get().pk]) in page


def _preview(editor_client, question):
    page = editor_client.get(_url("question_change", question.pk)).content.decode()
    start = page.index('<section class="question-preview"')
    return page[start : page.index("</section>", start)]


def test_preview_of_a_single_answer_question(editor_client):
    preview = _preview(editor_client, factories.question_of_each_type()["single"])

    assert "<h3" in preview and "Who leads Mali?</h3>" in preview
    assert '<input type="radio" name="preview-' in preview
    assert preview.count('type="radio"') == 2
    assert "<dt>Right answer</dt>" in preview and "<p>Assimi Goïta</p>" in preview
    assert "<strong>Ibrahim Traoré</strong>: He leads Burkina Faso." in preview
    assert "The article names him in its first section." in preview
    assert "<fieldset disabled>" in preview


def test_preview_of_a_which_kind_question_shows_the_sentence_and_its_paragraph(editor_client):
    preview = _preview(editor_client, factories.question_of_each_type()["statement_kind"])

    assert "“Goïta seized power in Mali in 2020.”" in preview
    assert "<p>Goïta seized power in Mali in 2020 and again in 2021.</p>" in preview
    assert [label in preview for label in ("Reported fact", "Author&#x27;s analysis", "Attributed claim")] == [True] * 3


def test_preview_of_an_ordering_question_never_lists_the_right_order_first(editor_client):
    preview = _preview(editor_client, factories.question_of_each_type()["ordering"])
    asked, answer = preview.split("<dt>Right answer</dt>")

    assert asked.index("Coup in Burkina Faso") < asked.index("Coup in Mali") < asked.index("Coup in Niger")
    assert answer.index("Coup in Mali") < answer.index("Coup in Burkina Faso") < answer.index("Coup in Niger")


def test_preview_of_matching_numeric_and_short_answer(editor_client):
    made = factories.question_of_each_type()

    matching = _preview(editor_client, made["matching"])
    assert "<option>Chad</option>" in matching
    assert "<li>Assimi Goïta → Mali</li>" in matching
    numeric = _preview(editor_client, made["numeric"])
    assert "1486 troops (within 10)" in numeric
    assert 'inputmode="decimal"' in numeric
    short = _preview(editor_client, made["short_answer"])
    assert '<input type="text" name="preview-' in short


def test_preview_says_a_draft_is_not_seen_by_students(editor_client):
    question = factories.QuestionFactory(status=QuestionStatus.DRAFT, prompt="Draft?")

    assert "Draft: students do not see this question yet." in _preview(editor_client, question)


def _changelist_queries(editor_client, count):
    for _ in range(count):
        question = factories.QuestionFactory()
        factories.ReviewFlagFactory(question=question)
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(_url("question_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == Question.objects.count()
    return len(queries)


def test_the_list_takes_a_fixed_number_of_queries(editor_client):
    assert _changelist_queries(editor_client, 1) == _changelist_queries(editor_client, 3)


def test_list_shows_open_flags(editor_client):
    flagged = factories.QuestionFactory(status=QuestionStatus.NEEDS_REVIEW)
    factories.ReviewFlagFactory(question=flagged)
    factories.ReviewFlagFactory(question=flagged)
    quiet = factories.QuestionFactory()

    response = editor_client.get(_url("question_changelist"), {"flags": "open"})

    assert [(q, q.open_flag_count) for q in response.context["cl"].result_list] == [(flagged, 2)]
    response = editor_client.get(_url("question_changelist"), {"flags": "none"})
    assert list(response.context["cl"].result_list) == [quiet]


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("qtype__exact", QuestionType.NUMERIC, "numeric"),
        ("topic__exact", Topic.TIMELINE, "ordering"),
        ("status__exact", QuestionStatus.DRAFT, "draft"),
        ("kind__exact", StatementKind.ANALYSIS, "analysis"),
    ],
)
def test_list_filters(editor_client, param, value, expected):
    made = {
        "numeric": factories.QuestionFactory(qtype=QuestionType.NUMERIC, numeric_answer="1", tolerance="0"),
        "ordering": factories.QuestionFactory(qtype=QuestionType.ORDERING, topic=Topic.TIMELINE),
        "draft": factories.QuestionFactory(status=QuestionStatus.DRAFT),
        "analysis": factories.QuestionFactory(kind=StatementKind.ANALYSIS),
    }

    response = editor_client.get(_url("question_changelist"), {param: value})

    assert list(response.context["cl"].result_list) == [made[expected]]


@pytest.mark.parametrize("query", [{"q": "Goïta\x00"}, {"status__exact": "draft\x00"}, {"x\x00": "1"}])
def test_a_nul_character_in_a_search_or_filter_gives_the_unfiltered_list(editor_client, query):
    factories.QuestionFactory()

    response = editor_client.get(_url("question_changelist"), query)

    assert response.status_code == 302
    assert response["Location"] == _url("question_changelist") + "?e=1"


def test_list_filter_by_section(editor_client):
    section = factories.SectionFactory()
    inside = factories.QuestionFactory(sections=[section])
    factories.QuestionFactory()

    response = editor_client.get(_url("question_changelist"), {"sections__id__exact": section.pk})

    assert list(response.context["cl"].result_list) == [inside]


# -- adding and changing ------------------------------------------------------------------------


def test_editor_adds_a_question_with_its_options(editor_client):
    paragraph = factories.ParagraphFactory()
    data = _add_data(paragraph, [_choice("Assimi Goïta", 1, right=True), _choice("Ibrahim Traoré", 2)])

    response = editor_client.post(_url("question_add"), data)

    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.status, question.prompt) == (QuestionStatus.DRAFT, "Who leads Mali's transition?")
    assert list(question.options.values_list("text", "is_correct")) == [
        ("Assimi Goïta", True),
        ("Ibrahim Traoré", False),
    ]
    assert list(question.citations.all()) == [paragraph]


def test_two_right_options_for_a_single_answer_question_are_refused(editor_client):
    data = _add_data(factories.ParagraphFactory(), [_choice("A", 1, right=True), _choice("B", 2, right=True)])

    response = editor_client.post(_url("question_add"), data)

    assert response.status_code == 200
    assert "A single-answer question needs exactly one right option." in response.content.decode()
    assert Question.objects.count() == 0
    assert AnswerOption.objects.count() == 0


def test_a_which_kind_question_without_a_citation_is_refused(editor_client):
    options = [
        {
            "text": "",
            "position": str(i),
            "match": "",
            "kind": k,
            "feedback": "",
            **({"is_correct": "on"} if k == "fact" else {}),
        }
        for i, k in enumerate(ARTICLE_KINDS, start=1)
    ]
    data = _add_data(
        factories.ParagraphFactory(),
        options,
        qtype=QuestionType.STATEMENT_KIND,
        statement="Goïta seized power in 2020.",
        citations=[],
    )

    response = editor_client.post(_url("question_add"), data)

    assert response.status_code == 200
    assert (
        escape("A which-kind question needs the cited paragraph its sentence comes from.") in response.content.decode()
    )
    assert Question.objects.count() == 0


def test_a_numeric_question_without_its_answer_is_refused(editor_client):
    data = _add_data(factories.ParagraphFactory(), [], qtype=QuestionType.NUMERIC, tolerance="-1")

    response = editor_client.post(_url("question_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["numeric_answer"] == ["A numeric question needs its answer."]
    assert errors["tolerance"] == ["The tolerance cannot be negative."]


def test_a_source_added_in_the_admin_records_the_items_fingerprint(editor_client):
    leader = factories.LeaderFactory()
    data = _add_data(factories.ParagraphFactory(), [_choice("A", 1, right=True), _choice("B", 2)])
    data.update(_management("sources", 1))
    data["sources-0-leader"] = str(leader.pk)

    response = editor_client.post(_url("question_add"), data)

    assert response.status_code == 302
    source = Question.objects.get().sources.get()
    assert (source.item, source.item_fingerprint) == (leader, leader.content_fingerprint())


# -- bulk actions -------------------------------------------------------------------------------


def test_bulk_publish_publishes_what_passes_and_says_what_does_not(editor_client):
    made = factories.question_of_each_type()
    ready = made["single"]
    Question.objects.update(status=QuestionStatus.DRAFT)
    bare = factories.QuestionFactory(status=QuestionStatus.DRAFT, prompt="Bare?", citations=[])

    response = editor_client.post(
        _url("question_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, bare.pk]},
        follow=True,
    )

    assert _messages(response) == [
        "Published 1 question; 0 already published.",
        "Not published: “Bare?”: A single-answer question needs at least two options. "
        "A single-answer question needs exactly one right option. "
        "A published question needs at least one cited paragraph.",
    ]
    assert Question.objects.published().get() == ready


def test_bulk_publish_every_type(editor_client):
    made = factories.question_of_each_type()
    Question.objects.update(status=QuestionStatus.NEEDS_REVIEW)

    response = editor_client.post(
        _url("question_changelist"),
        {"action": "publish_selected", "_selected_action": [q.pk for q in made.values()]},
        follow=True,
    )

    assert _messages(response) == ["Published 8 questions; 0 already published."]


def test_bulk_unpublish_records_history(editor_client):
    question = factories.QuestionFactory()

    response = editor_client.post(
        _url("question_changelist"), {"action": "unpublish_selected", "_selected_action": [question.pk]}, follow=True
    )

    assert _messages(response) == ["Unpublished 1 question; 0 were not published."]
    assert question.history.first().status == QuestionStatus.DRAFT


# -- hooks in the content admin -----------------------------------------------------------------


def _post_change(client, obj, changes):
    name = obj._meta.model_name
    url = reverse(f"admin:briefings_{name}_change", args=[obj.pk])
    page = client.get(url)
    data = {}
    for bound in page.context["adminform"].form:
        value = bound.value()
        data[bound.html_name] = "" if value is None else value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for bound in management:
            data[bound.html_name] = bound.value()
        for form in formset.formset.forms:
            for bound in form:
                value = bound.value()
                if value is None or value is False:
                    continue
                data[bound.html_name] = value
    data.update(changes)
    return client.post(url, data, follow=True)


def test_editing_a_leader_in_the_admin_flags_its_questions(editor_client):
    source = factories.QuestionSourceFactory()

    response = _post_change(editor_client, source.leader, {"summary": "A rewritten summary."})

    assert response.status_code == 200
    assert "1 question made from it now needs review." in _messages(response)
    question = Question.objects.get(pk=source.question.pk)
    assert question.status == QuestionStatus.NEEDS_REVIEW
    assert question.review_flags.get().reason == f"Leader “{source.leader}” changed: summary"


def test_only_publishing_a_leader_flags_nothing(editor_client):
    source = factories.QuestionSourceFactory(leader=factories.LeaderFactory(status="draft"))

    _post_change(editor_client, source.leader, {"status": "published"})

    assert Question.objects.get(pk=source.question.pk).status == QuestionStatus.PUBLISHED
    assert ReviewFlag.objects.count() == 0


def test_correcting_a_paragraph_flags_the_questions_citing_it(editor_client):
    paragraph = factories.ParagraphFactory()
    question = factories.QuestionFactory(citations=[paragraph])

    response = _post_change(editor_client, paragraph, {"text": "A corrected paragraph."})

    assert "1 question made from it now needs review." in _messages(response)
    flag = ReviewFlag.objects.get()
    assert (flag.question, flag.paragraph, flag.reason) == (
        question,
        paragraph,
        f"Paragraph “{paragraph}” changed: text",
    )


def test_correcting_a_paragraph_in_its_section_flags_the_questions_citing_it(editor_client):
    paragraph = factories.ParagraphFactory()
    question = factories.QuestionFactory(citations=[paragraph])
    untouched = factories.QuestionFactory(citations=[factories.ParagraphFactory(section=paragraph.section)])

    response = _post_change(editor_client, paragraph.section, {"paragraphs-0-text": "A corrected paragraph."})

    assert response.status_code == 200
    assert Question.objects.get(pk=question.pk).status == QuestionStatus.NEEDS_REVIEW
    assert Question.objects.get(pk=untouched.pk).status == QuestionStatus.PUBLISHED


# -- generating questions from the admin ----------------------------------------------------------


def _three_leaders():
    leaders = []
    for number, (rank, country) in enumerate((("Colonel", "Mali"), ("Captain", "Burkina Faso"), ("General", "Niger"))):
        leaders.append(
            factories.LeaderFactory(
                rank=rank, country=factories.CountryFactory(name=country, coup_years=str(2020 + number))
            )
        )
    return leaders


def test_editor_generates_questions_from_the_selected_leaders(editor_client):
    goita, traore, _tchiani = _three_leaders()

    response = editor_client.post(
        reverse("admin:briefings_leader_changelist"),
        {"action": "generate_questions_from_items", "_selected_action": [goita.pk]},
        follow=True,
    )

    keys = set(Question.objects.values_list("generator_key", flat=True))
    assert "leader-country:" + goita.slug in keys and "leader-country:" + traore.slug not in keys
    assert set(Question.objects.values_list("status", flat=True)) == {QuestionStatus.DRAFT}
    assert _messages(response) == [
        f"Questions: {len(keys)} created, 0 updated, 0 unchanged, 0 skipped (changed by an editor), "
        "0 no longer made from the content."
    ]


def test_generating_from_items_no_question_is_made_from_says_so(editor_client):
    source = factories.SourceReferenceFactory()

    response = editor_client.post(
        reverse("admin:briefings_sourcereference_changelist"),
        {"action": "generate_questions_from_items", "_selected_action": [source.pk]},
        follow=True,
    )

    assert _messages(response) == ["No question is made from the selected items."]
    assert Question.objects.count() == 0


def test_editor_generates_again_from_the_selected_questions_items_keeping_their_changes(editor_client):
    goita, _traore, _tchiani = _three_leaders()
    from quizzes.actions import generate_questions

    generate_questions(items=[goita])
    edited = Question.objects.get(generator_key=f"leader-country:{goita.slug}")
    edited.prompt = "Which country is led by Colonel Goïta?"
    edited.save()
    Question.objects.exclude(pk=edited.pk).delete()

    response = editor_client.post(
        _url("question_changelist"),
        {"action": "generate_from_question_items", "_selected_action": [edited.pk]},
        follow=True,
    )

    edited.refresh_from_db()
    assert edited.prompt == "Which country is led by Colonel Goïta?"
    assert Question.objects.count() > 1
    assert f"Skipped leader-country:{goita.slug}: an editor changed it since it was generated." in _messages(response)


def test_the_generate_actions_need_the_right_to_add_questions(editor_client):
    from django.contrib.auth.models import Permission
    from django.test import Client

    staff = factories.UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_leader", "change_leader"]))
    client = Client()
    client.force_login(staff)
    leader = factories.LeaderFactory()
    changelist = reverse("admin:briefings_leader_changelist")

    page = client.get(changelist)
    response = client.post(changelist, {"action": "generate_questions_from_items", "_selected_action": [leader.pk]})

    assert 'value="generate_questions_from_items"' not in page.content.decode()
    assert 'value="generate_questions_from_items"' in editor_client.get(changelist).content.decode()
    assert response.status_code == 302  # back to the list: no such action for this user
    assert Question.objects.count() == 0
