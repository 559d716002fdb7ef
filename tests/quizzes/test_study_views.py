"""The study pages: decks, a session (answer first, reveal, rate), undo, suspend and leeches.

Every refused request answers a 4xx with its message and writes nothing; the answer key is not in the
page before the card is revealed; a student sees only their own cards.
"""

import re
from fractions import Fraction

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from quizzes.models import LEECH_LAPSES, CardState, ReviewLog, ReviewState, StudyRating
from quizzes.scheduling import describe_interval
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SESSION = reverse("quizzes:study-session")
REVEAL = reverse("quizzes:study-reveal")
RATE = reverse("quizzes:study-rate")
UNDO = reverse("quizzes:study-undo")


def _single(prompt="Which town is in the south?", **kwargs):
    question = factories.QuestionFactory(prompt=prompt, explanation="Zinder, says the paragraph.", **kwargs)
    factories.AnswerOptionFactory(question=question, text="Zinder", is_correct=True, position=1)
    factories.AnswerOptionFactory(question=question, text="Agadez", position=2, feedback="Agadez is in the north.")
    return question


@pytest.fixture
def student(client):
    user = factories.student()
    client.force_login(user)
    return user


def _number_of(response, label):
    """The card's number for the option labelled ``label`` in the page's answer form."""
    return next(row.pk for row in response.context["card"].items() if row.label == label)


def _reveal(client, response, label=None, **extra):
    card = response.context["card"]
    data = {"question": card.question.pk, "version": card.version, "deck": str(response.context["deck"])}
    if label is None:
        data["show"] = "1"
    else:
        data["answer"] = _number_of(response, label)
    return client.post(REVEAL, {**data, **extra})


def _rate(client, revealed, rating, **extra):
    data = {
        "question": revealed.context["card"].question.pk,
        "version": revealed.context["card"].version,
        "deck": str(revealed.context["deck"]),
        "rating": int(rating),
        "request_key": revealed.context["request_key"],
    }
    return client.post(RATE, {**data, **extra})


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (reverse("quizzes:study-home"), SESSION, reverse("quizzes:study-leeches")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(RATE, {}).status_code == 302
    assert ReviewLog.objects.count() == 0


def test_the_session_shows_the_first_new_card_to_answer_without_its_answer_key(client, student):
    question = _single()
    response = client.get(SESSION, {"deck": "all"})
    assert response.status_code == 200
    assert response.context["card"].question == question
    assert response.context["revealed"] is False
    queue = response.context["queue"]
    assert (queue.new_left, queue.learning, queue.review, queue.done_today) == (1, 0, 0, 0)
    html = response.content.decode()
    assertContains(response, "Which town is in the south?")
    assert "Zinder, says the paragraph." not in html
    assert "Agadez is in the north." not in html
    assert "is_correct" not in html
    # The options are answered by their number on the card, never their database id.
    values = sorted(re.findall(r'name="answer" value="(\d+)"', html))
    assert values == ["1", "2"]


def test_a_wrong_answer_reveals_the_right_one_the_explanation_and_suggests_again(client, student):
    _single()
    shown = client.get(SESSION)
    revealed = _reveal(client, shown, "Agadez")
    assert revealed.status_code == 200
    assert revealed.context["check"].fraction == Fraction(0)
    assert revealed.context["suggested"] == StudyRating.AGAIN
    assert revealed.context["given"] == ["Agadez"]
    assert revealed.context["right"] == ["Zinder"]
    assertContains(revealed, "Zinder, says the paragraph.")
    assertContains(revealed, "Agadez is in the north.")
    intervals = [choice["interval"] for choice in revealed.context["ratings"]]
    # FSRS-6's defaults for a new card: Again 1 min, Hard 6 min, Good 10 min (the learning steps), Easy
    # about 8 days, fuzzed per card within py-fsrs's range (2.5 days and over are fuzzed).
    assert intervals[:3] == ["1 min", "6 min", "10 min"]
    assert intervals[3] in {f"{days} d" for days in range(6, 11)}
    assert ReviewLog.objects.count() == 0  # revealing writes nothing


def test_showing_the_answer_without_answering_suggests_good(client, student):
    _single()
    revealed = _reveal(client, client.get(SESSION))
    assert revealed.context["check"] is None
    assert revealed.context["suggested"] == StudyRating.GOOD
    assertContains(revealed, "Zinder, says the paragraph.")


def test_rating_records_one_review_and_redirects_to_the_next_card(client, student):
    first, second = _single(prompt="First?"), _single(prompt="Second?")
    revealed = _reveal(client, client.get(SESSION), "Zinder")
    response = _rate(client, revealed, StudyRating.GOOD)
    assertRedirects(response, f"{SESSION}?deck=all", fetch_redirect_response=False)
    log = ReviewLog.objects.get()
    assert (log.user, log.question, log.rating) == (student, first, StudyRating.GOOD)
    state = ReviewState.objects.get(user=student, question=first)
    assert (state.state, state.reps, state.version) == (CardState.LEARNING, 1, 1)
    # The interval given is the one the Good button showed.
    good = next(choice for choice in revealed.context["ratings"] if choice["rating"] == StudyRating.GOOD)
    assert describe_interval(state.due - log.reviewed_at) == good["interval"] == "10 min"
    assert client.get(SESSION).context["card"].question == second


def test_under_htmx_the_next_card_swaps_in(client, student):
    _single(prompt="First?")
    second = _single(prompt="Second?")
    revealed = _reveal(client, client.get(SESSION), "Zinder")
    response = _rate(client, revealed, StudyRating.GOOD, **{})
    assert response.status_code == 302
    revealed = _reveal(client, client.get(SESSION), "Zinder")
    response = client.post(
        RATE,
        {
            "question": revealed.context["card"].question.pk,
            "version": revealed.context["card"].version,
            "deck": "all",
            "rating": 3,
            "request_key": revealed.context["request_key"],
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="question-title"' in html or 'id="study-empty-title"' in html
    assert response["HX-Push-Url"] == f"{SESSION}?deck=all"
    assert second.pk in {log.question_id for log in ReviewLog.objects.all()}


def test_a_double_click_or_a_replay_records_one_review(client, student):
    _single()
    revealed = _reveal(client, client.get(SESSION), "Zinder")
    _rate(client, revealed, StudyRating.GOOD)
    replay = _rate(client, revealed, StudyRating.GOOD)
    assert replay.status_code == 302
    assert ReviewLog.objects.count() == 1


def test_a_card_rated_in_another_tab_is_not_rated_again(client, student):
    _single()
    shown = client.get(SESSION)
    first_tab, second_tab = _reveal(client, shown, "Zinder"), _reveal(client, shown, "Zinder")
    _rate(client, first_tab, StudyRating.GOOD)
    stale = _rate(client, second_tab, StudyRating.EASY)
    assert stale.status_code == 409
    assertContains(stale, "This card has changed since it was shown", status_code=409)
    assert ReviewLog.objects.count() == 1
    assert _reveal(client, shown, "Zinder").status_code == 409


def test_undo_restores_the_card_and_deletes_its_review(client, student):
    question = _single()
    revealed = _reveal(client, client.get(SESSION), "Zinder")
    _rate(client, revealed, StudyRating.GOOD)
    session = client.get(SESSION)
    assert session.context["last_rating"].question == question
    response = client.post(UNDO, {"deck": "all"})
    assertRedirects(response, f"{SESSION}?deck=all", fetch_redirect_response=False)
    assert ReviewLog.objects.count() == 0
    state = ReviewState.objects.get(user=student, question=question)
    assert (state.reps, state.state, state.stability) == (0, CardState.LEARNING, None)
    again = client.post(UNDO, {"deck": "all"})
    assertContains(again, "There is no rating to undo.", status_code=409)


def test_suspending_takes_the_card_out_and_the_next_comes(client, student):
    first, second = _single(prompt="First?"), _single(prompt="Second?")
    response = client.post(reverse("quizzes:study-suspend", args=[first.pk]), {"suspended": "1", "deck": "all"})
    assert response.status_code == 302
    assert ReviewState.objects.get(user=student, question=first).suspended is True
    assert client.get(SESSION).context["card"].question == second


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"question": "x", "version": 0, "rating": 3, "request_key": "abcdefgh12"},
            400,
            "A card is named by a whole number.",
        ),
        (
            {"question": 1, "version": 0, "rating": 7, "request_key": "abcdefgh12"},
            400,
            "A rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).",
        ),
        ({"question": 1, "version": 0, "rating": 3}, 400, "The rating has no request key: load the card again."),
        (
            {"question": 1, "version": 0, "rating": 3, "request_key": "a b"},
            400,
            "The rating&#x27;s request key is not one this site makes",
        ),
        (
            {"question": 999999, "version": 0, "rating": 3, "request_key": "abcdefgh12"},
            404,
            "There is no such card to study",
        ),
        (
            {"question": 1, "version": 0, "rating": 3, "request_key": "abcdefgh12", "deck": "nowhere"},
            400,
            "There is no deck “nowhere”.",
        ),
    ],
)
def test_a_bad_rating_is_refused_with_its_message_and_nothing_written(client, student, data, status, message):
    response = client.post(RATE, data)
    assertContains(response, message, status_code=status)
    assert ReviewLog.objects.count() == 0


def test_a_draft_question_cannot_be_rated(client, student):
    draft = _single(status="draft")
    response = client.post(RATE, {"question": draft.pk, "version": 0, "rating": 3, "request_key": "abcdefgh12"})
    assert response.status_code == 404
    assert ReviewLog.objects.count() == 0


def test_an_answer_that_is_not_one_is_refused_on_the_card(client, student):
    _single()
    shown = client.get(SESSION)
    card = shown.context["card"]
    response = client.post(REVEAL, {"question": card.question.pk, "version": 0, "deck": "all", "answer": "9"})
    assert response.status_code == 400
    assertContains(response, "That option is not one of this question&#x27;s options.", status_code=400)
    assert response.context["revealed"] is False
    response = client.post(REVEAL, {"question": card.question.pk, "version": 0, "deck": "all"})
    assertContains(response, "Choose an option.", status_code=400)


def test_an_unknown_deck_is_a_400_with_its_message(client, student):
    response = client.get(SESSION, {"deck": "topic:weather"})
    assertContains(response, "There is no topic “weather”.", status_code=400)


def test_a_section_deck_holds_only_that_sections_cards(client, student):
    section = factories.SectionFactory(slug="the-coups")
    other = factories.SectionFactory(briefing=section.briefing, slug="elsewhere", number=section.number + 1)
    inside = _single(prompt="Inside?", sections=[section])
    _single(prompt="Outside?", sections=[other])
    response = client.get(SESSION, {"deck": "section:the-coups"})
    assert response.context["card"].question == inside
    assert response.context["queue"].new_left == 1
    assert str(response.context["deck_title"]) == f"Section: {section.title}"


def test_the_empty_states_say_what_to_do(client, student):
    response = client.get(SESSION)
    assert response.context["card"] is None
    assertContains(response, "Nothing to study in this deck yet")
    question = _single()
    revealed = _reveal(client, client.get(SESSION), "Zinder")
    _rate(client, revealed, StudyRating.EASY)
    response = client.get(SESSION)
    assert response.context["card"] is None
    assertContains(response, "All done for now")
    assert response.context["queue"].next_due == ReviewState.objects.get(question=question).due
    settings = student.study_settings
    settings.new_cards_per_day = 1
    settings.save()
    _single(prompt="Another?")
    response = client.get(SESSION)
    assert response.context["queue"].limit_reached is True
    assertContains(response, "You have reached today’s limit")


def test_another_students_last_rating_is_not_shown_or_undone(client, student):
    other = factories.student()
    log = factories.ReviewLogFactory(review_state__user=other)
    response = client.get(SESSION)
    assert response.context["last_rating"] is None
    assert client.post(UNDO, {"deck": "all"}).status_code == 409
    assert ReviewLog.objects.filter(pk=log.pk).exists()


def test_the_leeches_list_them_with_their_paragraph_and_unsuspend(client, student, django_assert_num_queries):
    paragraph = factories.ParagraphFactory()
    question = _single(citations=[paragraph])
    state = factories.ReviewStateFactory(
        user=student, question=question, reps=20, lapses=LEECH_LAPSES, is_leech=True, suspended=True
    )
    factories.ReviewStateFactory(question=_single(prompt="Another's?"), is_leech=True, suspended=True, lapses=9)
    response = client.get(reverse("quizzes:study-leeches"))
    assert [row.pk for row in response.context["leeches"]] == [state.pk]
    assertContains(response, paragraph.get_absolute_url())
    response = client.post(
        reverse("quizzes:study-suspend", args=[question.pk]), {"suspended": "0", "back_to": "leeches"}
    )
    assertRedirects(response, reverse("quizzes:study-leeches"), fetch_redirect_response=False)
    state.refresh_from_db()
    assert (state.suspended, state.is_leech) == (False, True)


@pytest.mark.parametrize("count", [1, 12])
def test_the_leeches_page_reads_a_fixed_number_of_queries(client, student, django_assert_num_queries, count):
    for n in range(count):
        factories.ReviewStateFactory(
            user=student, question=_single(prompt=f"Leech {n}?"), is_leech=True, suspended=True
        )
    with django_assert_num_queries(4):
        response = client.get(reverse("quizzes:study-leeches"))
    assert len(response.context["leeches"]) == count


@pytest.mark.parametrize("count", [1, 12])
def test_the_study_home_lists_decks_in_a_fixed_number_of_queries(client, student, django_assert_num_queries, count):
    section = factories.SectionFactory()
    for n in range(count):
        _single(prompt=f"Card {n}?", sections=[section])
        factories.CountryFactory()
        factories.QuizFactory()
    # 22 with the student's settings made on this first visit (7 of them).
    with django_assert_num_queries(22):
        response = client.get(reverse("quizzes:study-home"))
    assert [row.cards for row in response.context["sections"]] == [count]
    assert response.context["total"] == count


def test_the_briefing_cards_have_a_study_this_section_link(client, student):
    section = factories.SectionFactory(slug="the-coups")
    factories.ParagraphFactory(section=section)
    response = client.get(reverse("briefings:briefing-detail"))
    assertContains(response, f'href="{SESSION}?deck=section:the-coups"', count=1)
    response = client.get(reverse("briefings:section-detail", args=[section.slug]))
    assertContains(response, f'href="{SESSION}?deck=section:the-coups"', count=1)
