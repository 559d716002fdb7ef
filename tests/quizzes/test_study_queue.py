"""What a study session shows next, and its counts (``StudyQueue.of``), per deck and within the daily limits."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import actions
from quizzes.models import Deck, DeckError, DeckKind, StudyQueue, StudySettings, Topic
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
GOOD, AGAIN = 3, 1


def rate(user, question, rating, at, key):
    state = question.review_states.filter(user=user).first()
    return actions.record_review(
        user=user, question=question, rating=rating, now=at, version=state.version if state else 0, request_key=key
    )


def test_a_new_student_gets_the_first_new_card_and_the_counts_of_today():
    user = factories.UserFactory()
    first, second = factories.QuestionFactory(), factories.QuestionFactory()
    queue = StudyQueue.of(user=user, deck=Deck(), now=NOW)

    assert queue.card.question == first and queue.card.pk is None
    assert (queue.new_left, queue.learning, queue.review, queue.done_today) == (2, 0, 0, 0)
    assert second.pk > first.pk


def test_a_learning_card_due_now_comes_before_new_ones_and_one_due_soon_only_when_nothing_else_is_left():
    user = factories.UserFactory()
    studied, fresh = factories.QuestionFactory(), factories.QuestionFactory()
    rate(user, studied, AGAIN, NOW, "1")  # due again in a minute

    assert StudyQueue.of(user=user, deck=Deck(), now=NOW).card.question == fresh
    later = StudyQueue.of(user=user, deck=Deck(), now=NOW + MINUTE)
    assert (later.card.question, later.learning, later.new_left) == (studied, 1, 1)

    rate(user, studied, GOOD, NOW + MINUTE, "2")  # next step: due in 10 minutes
    rate(user, fresh, GOOD, NOW + MINUTE, "3")  # due in 10 minutes too, a moment later
    ahead = StudyQueue.of(user=user, deck=Deck(), now=NOW + 2 * MINUTE)
    assert (ahead.card.question, ahead.learning, ahead.new_left, ahead.done_today) == (studied, 0, 0, 3)
    assert StudyQueue.of(user=user, deck=Deck(), now=NOW - 15 * MINUTE).card is None  # beyond learning ahead


def test_the_new_card_limit_stops_new_cards_and_says_so():
    user = factories.UserFactory()
    StudySettings.objects.for_user(user)
    StudySettings.objects.filter(user=user).update(new_cards_per_day=1)
    first, _second = factories.QuestionFactory(), factories.QuestionFactory()
    rate(user, first, GOOD, NOW, "1")
    rate(user, first, GOOD, NOW + 10 * MINUTE, "2")  # graduates: due in days

    queue = StudyQueue.of(user=user, deck=Deck(), now=NOW + 11 * MINUTE)
    assert (queue.card, queue.new_left, queue.new_done_today, queue.limit_reached) == (None, 0, 1, True)


def test_with_nothing_left_the_queue_says_when_the_next_card_is_due():
    user = factories.UserFactory()
    question = factories.QuestionFactory()
    rate(user, question, GOOD, NOW, "1")
    result = rate(user, question, GOOD, NOW + 10 * MINUTE, "2")

    queue = StudyQueue.of(user=user, deck=Deck(), now=NOW + 11 * MINUTE)
    assert (queue.card, queue.next_due, queue.limit_reached) == (None, result.state.due, False)


def test_a_section_deck_and_a_topic_deck_hold_only_their_questions():
    user = factories.UserFactory()
    paragraph = factories.ParagraphFactory()
    section = paragraph.section
    factories.QuestionFactory(topic=Topic.TIMELINE)
    in_section = factories.QuestionFactory(sections=[section], topic=Topic.FIGURES)

    assert StudyQueue.of(user=user, deck=Deck.parse(f"section:{section.slug}"), now=NOW).card.question == in_section
    assert StudyQueue.of(user=user, deck=Deck.parse("topic:figures"), now=NOW).card.question == in_section


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("section", "There is no deck “section”."),
        ("everything", "There is no deck “everything”."),
        ("all:x", "There is no deck “all:x”."),
        ("topic:gossip", "There is no topic “gossip”."),
    ],
)
def test_a_deck_that_names_nothing_is_refused_with_a_message(value, message):
    with pytest.raises(DeckError) as refused:
        Deck.parse(value)
    assert str(refused.value) == message


def test_decks_parse_back_to_their_names():
    assert [str(Deck.parse(name)) for name in ["all", "leeches", "topic:leaders", "quiz:x"]] == [
        "all",
        "leeches",
        "topic:leaders",
        "quiz:x",
    ]
    assert Deck.parse("").kind == DeckKind.ALL


@pytest.mark.parametrize("cards", [1, 12])
def test_the_queue_takes_the_same_number_of_queries_however_many_cards(cards):
    user = factories.UserFactory()
    StudySettings.objects.for_user(user)
    for index, question in enumerate(factories.QuestionFactory.create_batch(cards)):
        rate(user, question, AGAIN, NOW, f"k{index}")
    factories.QuestionFactory.create_batch(cards)
    with CaptureQueriesContext(connection) as queries:
        queue = StudyQueue.of(user=user, deck=Deck(), now=NOW + MINUTE)
    assert (queue.learning, queue.new_left) == (cards, min(cards, 20 - cards))  # 20 new a day, `cards` done
    # The settings with their steps, every count in one SELECT, the card.
    assert len(queries) == 3


def test_a_quiz_deck_holds_its_fixed_questions_and_its_rules_candidates():
    user = factories.UserFactory()
    fixed, drawn, other = (
        factories.QuestionFactory(topic=Topic.TIMELINE),
        factories.QuestionFactory(topic=Topic.FIGURES),
        factories.QuestionFactory(topic=Topic.LEADERS),
    )
    quiz = factories.quiz_with([fixed], slug="mixed")
    factories.QuizRuleFactory(quiz=quiz, topic=Topic.FIGURES)

    assert set(Deck.parse("quiz:mixed").questions(user)) == {fixed, drawn}
    assert other not in Deck.parse("quiz:mixed").questions(user)
    assert list(Deck.parse("quiz:no-such-quiz").questions(user)) == []
