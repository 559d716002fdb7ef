"""The study API (/api/v1/study/): next card, check, rate, undo, settings, optimize; the student's own data only."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import actions
from quizzes.models import (
    CardState,
    Deck,
    ParameterSet,
    QuestionStatus,
    QuestionType,
    ReviewLog,
    ReviewState,
    StepKind,
    StudyCard,
    StudyQueue,
    StudySettings,
    StudyStep,
)
from quizzes.serializers import (
    RatedCardSerializer,
    StudyNextSerializer,
    rated_card_data,
    rating_previews,
    study_next_data,
)
from tests import factories
from tests.quizzes.study_helpers import review_history

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
STALE = (
    "This card has changed since it was shown (rated in another tab, or undone): it was not rated again. "
    "Load the next card to go on."
)
SETTINGS = {
    "desired_retention": "0.85",
    "new_cards_per_day": 15,
    "max_reviews_per_day": 150,
    "learning_steps": [1, 10, 60],
    "relearning_steps": [10, 1440],
    "time_zone": "Africa/Bamako",
    "day_starts_at": 5,
    "spread_due_dates": False,
}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _signed_in(user=None):
    client = APIClient()
    client.force_authenticate(user or factories.student())
    return client


def _user(client):
    return client.handler._force_user


def _single():
    question = factories.QuestionFactory(prompt="Who leads Mali?")
    factories.AnswerOptionFactory(question=question, text="Assimi Goïta", is_correct=True, position=1)
    factories.AnswerOptionFactory(
        question=question, text="Ibrahim Traoré", position=2, feedback="He leads Burkina Faso."
    )
    return question


def _shown(user, question):
    """The card as the student is shown it now (the options in its seeded order)."""
    state = ReviewState.objects.filter(user=user, question=question).first()
    return StudyCard(state or ReviewState(user=user, question=question, due=NOW))


def _number(card, label):
    return next(row.pk for row in card.items() if row.label == label)


def _rate(client, question, rating=3, *, version=0, key="key-1", **extra):
    body = {"question": question.pk, "version": version, "rating": rating, "request_key": key, **extra}
    return client.post("/api/v1/study/reviews/", body, format="json")


def _check(client, question, answer, version=0):
    return client.post(
        "/api/v1/study/check/", {"question": question.pk, "version": version, "answer": answer}, format="json"
    )


# -- who may ask ---------------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/study/next/"),
    ("post", "/api/v1/study/check/"),
    ("post", "/api/v1/study/reviews/"),
    ("post", "/api/v1/study/undo/"),
    ("get", "/api/v1/study/settings/"),
    ("put", "/api/v1/study/settings/"),
    ("post", "/api/v1/study/optimize/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_is_a_401_and_nothing_is_written(method, url):
    question = _single()
    response = getattr(APIClient(), method)(url, {"question": question.pk, "version": 0}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert (ReviewState.objects.count(), ReviewLog.objects.count(), StudySettings.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(("method", "url"), [endpoint for endpoint in ENDPOINTS if endpoint[0] != "get"])
def test_a_session_without_its_csrf_token_is_a_403(method, url):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(factories.student())
    response = getattr(client, method)(url, {}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF cookie not set."}


# -- the next card -------------------------------------------------------------------------------------


def test_next_with_nothing_to_study():
    response = _signed_in().get("/api/v1/study/next/")

    assert response.status_code == 200
    assert response.json() == {
        "deck": "all",
        "card": None,
        "counts": {"new": 0, "learning": 0, "review": 0, "done_today": 0},
        "next_due": None,
        "limit_reached": False,
    }


def test_next_shows_a_new_card_its_options_by_number_and_what_each_rating_gives():
    question = _single()
    client = _signed_in()
    card = _shown(_user(client), question)

    body = client.get("/api/v1/study/next/").json()

    ratings = body["card"].pop("ratings")
    assert body == {
        "deck": "all",
        "card": {
            "question": question.pk,
            "version": 0,
            "qtype": "single",
            "prompt": "Who leads Mali?",
            "statement": "",
            "unit": "",
            "is_new": True,
            "options": [{"id": row.pk, "label": row.label} for row in card.items()],
            "matches": [],
        },
        "counts": {"new": 1, "learning": 0, "review": 0, "done_today": 0},
        "next_due": None,
        "limit_reached": False,
    }
    assert sorted(option["id"] for option in body["card"]["options"]) == [1, 2]
    # Anki's default learning steps, 1 and 10 minutes; Hard is halfway between them.
    assert ratings[:3] == [
        {"rating": 1, "label": "Again", "due": "2026-12-02T09:01:00Z", "interval": "1 min"},
        {"rating": 2, "label": "Hard", "due": "2026-12-02T09:05:30Z", "interval": "6 min"},
        {"rating": 3, "label": "Good", "due": "2026-12-02T09:10:00Z", "interval": "10 min"},
    ]
    assert (ratings[3]["rating"], ratings[3]["label"]) == (4, "Easy")
    assert ratings[3]["interval"].endswith(" d")
    # The interval shown is the interval given.
    assert _rate(client, question, 4).json()["state"]["due"] == ratings[3]["due"]


def test_next_never_carries_the_answer_key():
    questions = factories.question_of_each_type()
    client = _signed_in()
    secrets = {"is_correct", "explanation", "citations", "feedback", "right_answer", "tolerance", "numeric_answer"}
    seen = set()
    for _position in range(len(questions)):
        response = client.get("/api/v1/study/next/")
        body = response.json()
        card = body["card"]
        seen.add(card["qtype"])
        text = response.content.decode()
        assert set(card) == {
            "question",
            "version",
            "qtype",
            "prompt",
            "statement",
            "unit",
            "is_new",
            "options",
            "matches",
            "ratings",
        }
        assert not secrets & _keys(body)
        assert "1486" not in text  # the numeric answer
        assert "The article names him" not in text  # the explanation
        assert "seized power in Mali in 2020 and again" not in text  # the cited paragraph
        assert all(set(option) == {"id", "label"} for option in card["options"] + card["matches"])
        assert _rate(client, questions[card["qtype"]], 4, key=f"key-{card['question']}").status_code == 201
    assert seen == set(questions)


def _keys(node):
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in _keys(value)}
    if isinstance(node, list):
        return {key for value in node for key in _keys(value)}
    return set()


def test_next_draws_from_the_deck_asked_for():
    questions = factories.question_of_each_type()
    client = _signed_in()

    body = client.get("/api/v1/study/next/", {"deck": "topic:timeline"}).json()

    assert (body["deck"], body["card"]["question"], body["counts"]["new"]) == (
        "topic:timeline",
        questions["ordering"].pk,
        1,
    )


@pytest.mark.parametrize(
    ("deck", "message"),
    [("nope", "There is no deck “nope”."), ("topic:weather", "There is no topic “weather”."), ("section", None)],
)
def test_a_bad_deck_is_a_400_saying_so(deck, message):
    response = _signed_in().get("/api/v1/study/next/", {"deck": deck})

    assert response.status_code == 400
    assert response.json() == {"deck": [message or f"There is no deck “{deck}”."]}


def test_next_counts_and_learning_cards_after_a_rating():
    question, other = _single(), _single()
    client = _signed_in()
    first = client.get("/api/v1/study/next/").json()["card"]["question"]
    _rate(client, question if first == question.pk else other, 3)

    body = client.get("/api/v1/study/next/").json()

    assert body["counts"] == {"new": 1, "learning": 0, "review": 0, "done_today": 1}
    assert body["card"]["question"] != first


# -- checking an answer --------------------------------------------------------------------------------


def test_a_right_answer_is_checked_with_the_explanation_and_citations_and_nothing_is_written():
    question = _single()
    client = _signed_in()
    card = _shown(_user(client), question)
    paragraph = question.citations.get()

    response = _check(client, question, [_number(card, "Assimi Goïta")])

    assert response.status_code == 200
    assert response.json() == {
        "fraction": "1.000000",
        "outcome": "right",
        "right_answer": [_number(card, "Assimi Goïta")],
        "feedback": [],
        "explanation": "The article names him in its first section.",
        "citations": [
            {
                "anchor": paragraph.anchor,
                "section": paragraph.section.slug,
                "paragraph": paragraph.number,
                "label": paragraph.label,
                "url": f"http://testserver{paragraph.get_absolute_url()}",
                "excerpt": paragraph.excerpt,
            }
        ],
        "suggested_rating": 3,
    }
    assert (ReviewState.objects.count(), ReviewLog.objects.count()) == (0, 0)


def test_a_wrong_answer_shows_its_feedback_and_suggests_again():
    question = _single()
    client = _signed_in()
    card = _shown(_user(client), question)

    body = _check(client, question, [_number(card, "Ibrahim Traoré")]).json()

    assert (body["fraction"], body["outcome"], body["feedback"], body["suggested_rating"]) == (
        "0.000000",
        "wrong",
        ["He leads Burkina Faso."],
        1,
    )


def test_a_numeric_answer_is_checked_against_its_tolerance():
    question = factories.question_of_each_type()["numeric"]
    client = _signed_in()

    body = _check(client, question, "1,480 troops").json()

    assert (body["outcome"], body["right_answer"]) == (
        "right",
        {"value": "1486.0000", "tolerance": "10.0000", "unit": "troops"},
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([9], "That option is not one of this question's options."),
        ([], "Choose an option."),
        ("Goïta", "Give the options as a list of their ids."),
        ([1, 1], "Each option may be given only once."),
    ],
)
def test_an_answer_that_does_not_fit_the_card_is_a_400(answer, message):
    question = _single()

    response = _check(_signed_in(), question, answer)

    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "invalid_answer"}


def test_a_check_without_its_fields_is_a_400_naming_them():
    response = _signed_in().post("/api/v1/study/check/", {"version": -1}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "question": ["This field is required."],
        "version": ["Ensure this value is greater than or equal to 0."],
        "answer": ["This field is required."],
    }


def test_checking_a_card_that_changed_since_it_was_shown_is_a_409():
    question = _single()
    client = _signed_in()
    _rate(client, question)

    response = _check(client, question, [1], version=0)

    assert response.status_code == 409
    assert response.json() == {"detail": STALE, "code": "stale_rating"}


def test_checking_a_question_nobody_may_study_is_a_404():
    question = factories.QuestionFactory(status=QuestionStatus.DRAFT)

    response = _check(_signed_in(), question, [1])

    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no such card to study: the question is not published.",
        "code": "card_not_studyable",
    }


# -- rating ----------------------------------------------------------------------------------------------


def test_a_rating_is_recorded_and_answers_the_review_and_the_card():
    question = _single()
    client = _signed_in()

    response = _rate(client, question, 3, duration_ms=4200)

    assert response.status_code == 201
    log = ReviewLog.objects.get()
    state = ReviewState.objects.get()
    assert response.json() == {
        "review": {
            "id": log.pk,
            "question": question.pk,
            "rating": 3,
            "reviewed_at": "2026-12-02T09:00:00Z",
            "duration_ms": 4200,
            "parameters_version": 0,
            "request_key": "key-1",
            "before": {
                "state": CardState.LEARNING,
                "step": 0,
                "stability": None,
                "difficulty": None,
                "due": "2026-12-02T09:00:00Z",
                "last_review": None,
                "reps": 0,
                "lapses": 0,
                "suspended": False,
                "is_leech": False,
            },
            "after": {
                "state": CardState.LEARNING,
                "step": 1,
                "stability": state.stability,
                "difficulty": state.difficulty,
                "due": "2026-12-02T09:10:00Z",
                "last_review": "2026-12-02T09:00:00Z",
                "reps": 1,
                "lapses": 0,
                "suspended": False,
                "is_leech": False,
            },
        },
        "state": {
            "question": question.pk,
            "version": 1,
            "state": CardState.LEARNING,
            "step": 1,
            "stability": state.stability,
            "difficulty": state.difficulty,
            "due": "2026-12-02T09:10:00Z",
            "last_review": "2026-12-02T09:00:00Z",
            "reps": 1,
            "lapses": 0,
            "suspended": False,
            "is_leech": False,
        },
    }
    assert state.stability > 0


def test_a_replayed_request_key_is_one_review_answered_with_the_same_body():
    question = _single()
    client = _signed_in()
    first = _rate(client, question, 3, key="double-click")

    again = _rate(client, question, 3, key="double-click")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert ReviewLog.objects.count() == 1
    assert ReviewState.objects.get().version == 1


def test_a_second_tab_rating_the_same_card_is_a_409_and_records_nothing():
    question = _single()
    client = _signed_in()
    assert _rate(client, question, 3, key="tab-1").status_code == 201

    response = _rate(client, question, 1, key="tab-2", version=0)

    assert response.status_code == 409
    assert response.json() == {"detail": STALE, "code": "stale_rating"}
    assert list(ReviewLog.objects.values_list("request_key", flat=True)) == ["tab-1"]


def test_rating_a_suspended_card_is_a_409():
    question = _single()
    client = _signed_in()
    state = actions.set_suspended(user=_user(client), question=question, suspended=True, now=NOW)

    response = _rate(client, question, 3, version=state.version)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This card is suspended: unsuspend it to study it.",
        "code": "card_suspended",
    }


@pytest.mark.parametrize("status", [QuestionStatus.DRAFT, QuestionStatus.NEEDS_REVIEW])
def test_rating_a_question_nobody_may_study_is_a_404(status):
    question = factories.QuestionFactory(status=status)

    response = _rate(_signed_in(), question)

    assert response.status_code == 404
    assert response.json()["code"] == "card_not_studyable"
    assert ReviewLog.objects.count() == 0


def test_rating_a_question_that_does_not_exist_is_a_404():
    response = _signed_in().post(
        "/api/v1/study/reviews/", {"question": 987654, "version": 0, "rating": 3, "request_key": "k"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "card_not_studyable"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"rating": 5}, {"rating": ['"5" is not a valid choice.']}),
        ({"rating": "good"}, {"rating": ['"good" is not a valid choice.']}),
        ({"request_key": "k" * 65}, {"request_key": ["Ensure this field has no more than 64 characters."]}),
        ({"request_key": ""}, {"request_key": ["This field may not be blank."]}),
        ({"version": "one"}, {"version": ["A valid integer is required."]}),
        ({"duration_ms": -1}, {"duration_ms": ["Ensure this value is greater than or equal to 0."]}),
        ({"question": None}, {"question": ["This field may not be null."]}),
    ],
)
def test_a_bad_rating_is_a_400_naming_the_field(body, errors):
    question = _single()
    client = _signed_in()
    full = {"question": question.pk, "version": 0, "rating": 3, "request_key": "key", **body}

    response = client.post("/api/v1/study/reviews/", full, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert ReviewLog.objects.count() == 0


def test_a_body_that_is_not_json_is_a_400():
    response = _signed_in().post("/api/v1/study/reviews/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


# -- undo ------------------------------------------------------------------------------------------------


def test_undo_puts_the_card_back_as_it_was_and_deletes_the_review():
    question = _single()
    client = _signed_in()
    _rate(client, question, 3)

    response = client.post("/api/v1/study/undo/")

    assert response.status_code == 200
    assert response.json() == {
        "state": {
            "question": question.pk,
            "version": 2,
            "state": CardState.LEARNING,
            "step": 0,
            "stability": None,
            "difficulty": None,
            "due": "2026-12-02T09:00:00Z",
            "last_review": None,
            "reps": 0,
            "lapses": 0,
            "suspended": False,
            "is_leech": False,
        }
    }
    assert ReviewLog.objects.count() == 0
    # The card as shown before the undo is stale; as shown now, it is rated again.
    assert _rate(client, question, 3, key="key-2", version=1).status_code == 409
    assert _rate(client, question, 3, key="key-3", version=2).status_code == 201


def test_undo_with_nothing_to_undo_is_a_409():
    response = _signed_in().post("/api/v1/study/undo/")

    assert response.status_code == 409
    assert response.json() == {"detail": "There is no rating to undo.", "code": "nothing_to_undo"}


# -- nobody sees another student's study -----------------------------------------------------------------


def test_another_students_cards_reviews_and_settings_are_never_seen_nor_changed():
    question = _single()
    mine, theirs = _signed_in(), _signed_in()
    assert _rate(theirs, question, 3, key="shared-key").status_code == 201
    assert theirs.put("/api/v1/study/settings/", SETTINGS, format="json").status_code == 200

    card = mine.get("/api/v1/study/next/").json()["card"]
    assert (card["question"], card["version"], card["is_new"]) == (question.pk, 0, True)
    assert mine.get("/api/v1/study/next/").json()["counts"]["done_today"] == 0
    assert mine.get("/api/v1/study/settings/").json()["time_zone"] == "UTC"
    assert mine.post("/api/v1/study/undo/").status_code == 409
    assert _check(mine, question, [1], version=1).status_code == 409  # their version is not mine
    # The same request key is another student's own: a new review, not a replay of theirs.
    assert _rate(mine, question, 1, key="shared-key").status_code == 201
    assert ReviewLog.objects.filter(user=_user(theirs)).get().rating == 3
    assert ReviewState.objects.get(user=_user(theirs)).version == 1


# -- settings --------------------------------------------------------------------------------------------


def test_settings_start_with_the_defaults():
    response = _signed_in().get("/api/v1/study/settings/")

    assert response.status_code == 200
    assert response.json() == {
        "desired_retention": "0.90",
        "new_cards_per_day": 20,
        "max_reviews_per_day": 200,
        "learning_steps": [1, 10],
        "relearning_steps": [10],
        "time_zone": "UTC",
        "day_starts_at": 4,
        "spread_due_dates": True,
    }


def test_settings_are_changed_with_their_steps_as_rows():
    client = _signed_in()

    response = client.put("/api/v1/study/settings/", SETTINGS, format="json")

    assert response.status_code == 200
    assert response.json() == SETTINGS
    assert client.get("/api/v1/study/settings/").json() == SETTINGS
    steps = StudyStep.objects.filter(settings__user=_user(client)).order_by("kind", "position")
    assert list(steps.values_list("kind", "position", "minutes")) == [
        (StepKind.LEARNING, 1, 1),
        (StepKind.LEARNING, 2, 10),
        (StepKind.LEARNING, 3, 60),
        (StepKind.RELEARNING, 1, 10),
        (StepKind.RELEARNING, 2, 1440),
    ]


def test_settings_take_a_retention_as_a_number_and_no_steps():
    client = _signed_in()

    body = client.put(
        "/api/v1/study/settings/", {**SETTINGS, "desired_retention": 0.8, "learning_steps": []}, format="json"
    ).json()

    assert (body["desired_retention"], body["learning_steps"]) == ("0.80", [])


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"desired_retention": 0.99}, {"desired_retention": ["Ensure this value is less than or equal to 0.97."]}),
        ({"desired_retention": "0.5"}, {"desired_retention": ["Ensure this value is greater than or equal to 0.70."]}),
        ({"desired_retention": "high"}, {"desired_retention": ["Enter a number."]}),
        ({"time_zone": "Mars/Olympus"}, {"time_zone": ["“Mars/Olympus” is not a time zone."]}),
        ({"day_starts_at": 24}, {"day_starts_at": ["Ensure this value is less than or equal to 23."]}),
        ({"new_cards_per_day": -1}, {"new_cards_per_day": ["Ensure this value is greater than or equal to 0."]}),
        ({"learning_steps": [0]}, {"learning_steps": ["“0” is out of range: each step is from 1 minute to 7d."]}),
        (
            {"learning_steps": "1m 10m"},
            {"learning_steps": ["Give the steps as a list of whole minutes, such as [1, 10]."]},
        ),
        (
            {"relearning_steps": [1.5]},
            {"relearning_steps": ["Give the steps as a list of whole minutes, such as [1, 10]."]},
        ),
        ({"spread_due_dates": "yes"}, {"spread_due_dates": ["Give true or false."]}),
        ({"time_zone": ["UTC"]}, {"time_zone": ["Give one value, not a list."]}),
    ],
)
def test_bad_settings_are_a_400_keyed_by_field_with_the_pages_messages(change, errors):
    client = _signed_in()

    response = client.put("/api/v1/study/settings/", {**SETTINGS, **change}, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert client.get("/api/v1/study/settings/").json()["time_zone"] == "UTC"  # nothing saved


def test_settings_missing_fields_are_each_named():
    response = _signed_in().put("/api/v1/study/settings/", {"desired_retention": "0.9"}, format="json")

    assert response.status_code == 400
    assert response.json() == {name: ["This field is required."] for name in SETTINGS if name != "desired_retention"}


def test_settings_that_are_not_an_object_are_a_400():
    response = _signed_in().put("/api/v1/study/settings/", [1, 2], format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Send the settings as a JSON object."]}


# -- optimizing ------------------------------------------------------------------------------------------


def test_optimizing_with_too_few_reviews_is_a_400_saying_how_many():
    client = _signed_in()
    review_history(_user(client), 12)

    response = client.post("/api/v1/study/optimize/")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Your parameters can be fitted once you have 400 reviews; you have 12 so far.",
        "code": "not_enough_reviews",
    }
    assert ParameterSet.objects.count() == 0


def test_optimizing_fits_and_evaluates_the_students_own_parameters():
    client, other = _signed_in(), _signed_in()
    review_history(_user(client), actions.MIN_REVIEWS_TO_OPTIMIZE)
    review_history(_user(other), 10)

    response = client.post("/api/v1/study/optimize/")

    assert response.status_code == 201
    fitted = ParameterSet.objects.get()
    assert fitted.user == _user(client)
    assert response.json() == {
        "version": 1,
        "fitted_at": "2026-12-02T09:00:00Z",
        "reviews": 400,
        "log_loss": fitted.log_loss,
        "rmse": fitted.rmse,
        "default_log_loss": fitted.default_log_loss,
        "default_rmse": fitted.default_rmse,
        "in_use": fitted.log_loss < fitted.default_log_loss,
        "parameters": list(fitted.parameters()),
    }
    assert len(response.json()["parameters"]) == 21
    assert other.post("/api/v1/study/optimize/").status_code == 400


def test_no_answer_is_a_500_for_junk_bodies():
    question = _single()
    client = _signed_in()
    for url in ("/api/v1/study/check/", "/api/v1/study/reviews/"):
        for junk in ([], "text", 3, None, {"question": "x", "version": [], "answer": {"a": {"b": 1}}}):
            response = client.post(url, json.dumps(junk), content_type="application/json")
            assert response.status_code == 400, (url, junk, response.content)
    assert _check(client, question, {"1": 2}).status_code == 400


def test_next_and_a_rating_take_as_many_queries_with_one_card_as_with_many():
    client = _signed_in()
    questions = [_single()]

    def count(request):
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code in (200, 201)
        return len(queries)

    client.get("/api/v1/study/settings/")  # the settings made once
    one = (count(lambda: client.get("/api/v1/study/next/")), count(lambda: _rate(client, questions[0], key="a")))
    questions += [_single() for _card in range(12)]
    for number, question in enumerate(questions[1:6]):
        _rate(client, question, 1, key=f"seen-{number}")
    many = (count(lambda: client.get("/api/v1/study/next/")), count(lambda: _rate(client, questions[-1], key="b")))
    assert many == one


# -- the hot answers built as plain data are the serializers' ------------------------------------------


def _next_body(user, now):
    """What StudyNextView hands its serializer, and the ratings' previews."""
    queue = StudyQueue.of(user=user, deck=Deck(), now=now)
    body = {
        "deck": "all",
        "card": None,
        "counts": {"new": queue.new_left, "learning": queue.learning, "review": queue.review, "done_today": 0},
        "next_due": queue.next_due,
        "limit_reached": queue.limit_reached,
    }
    previews = None
    if queue.card is not None:
        body["card"] = StudyCard(queue.card)
        previews = rating_previews(
            actions.preview_ratings(state=queue.card, study_settings=queue.study_settings, now=now), now
        )
    return body, previews


def test_the_next_card_as_plain_data_is_what_its_serializer_gives_for_every_question_type():
    user = factories.student()
    questions = factories.question_of_each_type()
    seen = set()
    for number, _question in enumerate(questions.values()):
        body, previews = _next_body(user, NOW)
        assert body["card"] is not None
        seen.add(body["card"].question.qtype)
        assert study_next_data(body, previews) == StudyNextSerializer(body, context={"previews": previews}).data
        rated = actions.record_review(
            user=user, question=body["card"].question, rating=3, now=NOW, version=0, request_key=f"k{number}"
        )
        assert rated_card_data(rated) == RatedCardSerializer(rated).data
    assert seen == set(QuestionType.values)
    later = NOW + datetime.timedelta(minutes=1)  # the learning cards come due again: a card seen before
    body, previews = _next_body(user, later)
    assert body["card"].state.reps == 1
    assert study_next_data(body, previews) == StudyNextSerializer(body, context={"previews": previews}).data
    body, previews = _next_body(factories.student(), NOW)
    body["card"], body["next_due"] = None, later  # no card, a date to come back
    assert study_next_data(body) == StudyNextSerializer(body, context={}).data


def test_a_rating_as_plain_data_is_what_its_serializer_gives_replayed_and_with_a_time_taken():
    user, question = factories.student(), _single()
    rated = actions.record_review(
        user=user, question=question, rating=1, now=NOW, version=0, request_key="k", duration_ms=4200
    )
    again = actions.record_review(
        user=user, question=question, rating=1, now=NOW, version=0, request_key="k", duration_ms=4200
    )
    assert again.replayed
    for one in (rated, again):
        assert rated_card_data(one) == RatedCardSerializer(one).data
