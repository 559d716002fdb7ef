"""The shipped, reviewed questions (quizzes/content/questions.yaml): all published, all right, enough of each."""

from collections import Counter

import pytest
from django.conf import settings

from briefings.actions import import_briefing
from briefings.models import Leader, LeaderRole, Paragraph, Section, SectionKind
from quizzes.actions import publish_reviewed_questions, read_reviewed_questions
from quizzes.models import Question, QuestionStatus, QuestionType, Topic

from .answer_checks import Seen, check_distractors, check_right_answer

pytestmark = pytest.mark.django_db

SHIPPED = settings.BASE_DIR / "quizzes" / "content" / "questions.yaml"


@pytest.fixture
def shipped(article_path, pack_dir):
    import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)
    report = publish_reviewed_questions(path=SHIPPED)
    questions = list(
        Question.objects.filter(generator_key__in=[r["key"] for r in read_reviewed_questions(SHIPPED)])
        .with_answer_key()
        .prefetch_related("sources")
        .order_by("pk")
    )
    return report, questions


def test_every_shipped_question_is_generated_as_reviewed_and_published(shipped):
    report, questions = shipped
    assert (report.not_generated, report.differs, report.left_alone, report.refused) == ([], [], [], {})
    assert len(report.published) == len(questions) == len(read_reviewed_questions(SHIPPED))
    assert {question.status for question in questions} == {QuestionStatus.PUBLISHED}
    # Only the reviewed questions are published; the generator's others stay drafts.
    assert Question.objects.published().count() == len(questions)


def test_every_shipped_question_is_right_by_its_item_and_complete(shipped):
    _report, questions = shipped
    anchors = set(Paragraph.objects.values_list("anchor", flat=True))
    for question in questions:
        seen = Seen.of_question(question)
        check_right_answer(seen)
        check_distractors(seen)
        question.check_complete()
        assert seen.citations and set(seen.citations) <= anchors
        assert question.explanation.strip() and question.sources.all()
        assert {section.pk for section in question.sections.all()} == {
            paragraph.section_id for paragraph in question.citations.all()
        }


def test_the_shipped_questions_cover_the_article(shipped):
    _report, questions = shipped
    by_type = Counter(question.qtype for question in questions)
    by_topic = Counter(question.topic for question in questions)
    assert len(questions) >= 100
    assert set(by_type) == set(QuestionType.values)
    assert set(by_topic) == set(Topic.values)
    assert by_topic[Topic.TIMELINE] >= 15
    assert by_topic[Topic.FIGURES] >= 10
    assert by_type[QuestionType.STATEMENT_KIND] >= 10
    body = set(Section.objects.filter(kind=SectionKind.BODY).values_list("slug", flat=True))
    assert body <= {section.slug for question in questions for section in question.sections.all()}
    made_from = {source.leader_id for question in questions for source in question.sources.all()}
    assert set(Leader.objects.values_list("pk", flat=True)) <= made_from  # every leader, heads or not
    assert Leader.objects.filter(role=LeaderRole.HEAD_OF_STATE).count() == 3


def test_figures_and_timeline_questions_come_from_enough_items(shipped):
    _report, questions = shipped
    events = {source.timeline_event_id for q in questions for source in q.sources.all() if source.timeline_event_id}
    figures = {source.key_figure_id for q in questions for source in q.sources.all() if source.key_figure_id}
    assert len(events) >= 15 and len(figures) >= 10
