"""Study settings: the steps' text, the form (the page's and the API's one check), the action, the page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import actions
from quizzes.forms import StudySettingsForm
from quizzes.models import ParameterSet, StepKind, StudySettings, StudyStep
from quizzes.steps import StepsError, format_steps, parse_steps
from tests import factories
from tests.quizzes.study_helpers import review_history

pytestmark = pytest.mark.django_db

URL = "/study/settings/"
OPTIMIZE_URL = "/study/settings/optimize/"
NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
WEEK = 60 * 24 * 7
POSTED = {
    "desired_retention": "0.85",
    "new_cards_per_day": "15",
    "max_reviews_per_day": "150",
    "learning_steps": "1m 10m 1h",
    "relearning_steps": "10, 1d",
    "time_zone": "Africa/Bamako",
    "day_starts_at": "5",
    "spread_due_dates": "on",
}


# -- the steps, as text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1m 10m", (1, 10)),
        ("1 10", (1, 10)),
        ("1, 10", (1, 10)),
        ("  10m,1h  1d ", (10, 60, 1440)),
        ("1.5h", (90,)),
        ("2H 1D", (120, 1440)),
        ("", ()),
        ("7d", (WEEK,)),
    ],
)
def test_steps_are_read_as_anki_writes_them(text, minutes):
    assert parse_steps(text, maximum=WEEK) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10x", "“10x” is not a step: write minutes, hours or days, such as “10m”, “1h” or “1d”."),
        ("m", "“m” is not a step: write minutes, hours or days, such as “10m”, “1h” or “1d”."),
        ("-5", "“-5” is not a step: write minutes, hours or days, such as “10m”, “1h” or “1d”."),
        ("0", "“0” is out of range: each step is from 1 minute to 7d."),
        ("8d", "“8d” is out of range: each step is from 1 minute to 7d."),
        ("1.5", "“1.5” is not a whole number of minutes."),
        ("1 " * 11, "At most 10 steps."),
    ],
)
def test_steps_that_are_not_steps_say_why(text, message):
    with pytest.raises(StepsError) as raised:
        parse_steps(text, maximum=WEEK)
    assert raised.value.message == message


def test_steps_are_written_back_in_the_largest_whole_unit_and_read_the_same():
    minutes = (1, 10, 90, 60, 1440, 2880, 1500)
    assert format_steps(minutes) == "1m 10m 90m 1h 1d 2d 25h"
    assert parse_steps(format_steps(minutes), maximum=WEEK) == minutes
    assert format_steps(()) == ""


# -- the form -------------------------------------------------------------------------------------------


def test_the_form_shows_the_students_steps_as_text():
    form = StudySettingsForm(instance=StudySettings.objects.for_user(factories.student()))

    assert (form["learning_steps"].value(), form["relearning_steps"].value()) == ("1m 10m", "10m")
    assert form["desired_retention"].value() == StudySettings._meta.get_field("desired_retention").default
    assert ("Africa/Bamako", "Africa/Bamako") in form.fields["time_zone"].widget.choices
    assert form.fields["time_zone"].widget.choices[0] == ("UTC", "UTC")


def test_the_form_cleans_the_steps_into_minutes():
    form = StudySettingsForm(POSTED, instance=StudySettings.objects.for_user(factories.student()))

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["learning_steps"], form.cleaned_data["relearning_steps"]) == ((1, 10, 60), (10, 1440))
    assert form.cleaned_data["spread_due_dates"] is True


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"desired_retention": "0.69"}, {"desired_retention": ["Ensure this value is greater than or equal to 0.70."]}),
        ({"desired_retention": "0.98"}, {"desired_retention": ["Ensure this value is less than or equal to 0.97."]}),
        (
            {"desired_retention": "0.905"},
            {"desired_retention": ["Ensure that there are no more than 2 decimal places."]},
        ),
        ({"desired_retention": ""}, {"desired_retention": ["This field is required."]}),
        ({"time_zone": "Mali/Bamako"}, {"time_zone": ["“Mali/Bamako” is not a time zone."]}),
        ({"day_starts_at": "24"}, {"day_starts_at": ["Ensure this value is less than or equal to 23."]}),
        (
            {"max_reviews_per_day": "10000"},
            {"max_reviews_per_day": ["Ensure this value is less than or equal to 9999."]},
        ),
        ({"new_cards_per_day": "many"}, {"new_cards_per_day": ["Enter a whole number."]}),
        (
            {"learning_steps": "1m soon"},
            {"learning_steps": ["“soon” is not a step: write minutes, hours or days, such as “10m”, “1h” or “1d”."]},
        ),
        (
            {"relearning_steps": "2w"},
            {"relearning_steps": ["“2w” is not a step: write minutes, hours or days, such as “10m”, “1h” or “1d”."]},
        ),
    ],
)
def test_the_form_refuses_bad_settings_keyed_by_field(change, errors):
    form = StudySettingsForm({**POSTED, **change}, instance=StudySettings.objects.for_user(factories.student()))

    assert not form.is_valid()
    assert form.errors == errors


# -- the action -------------------------------------------------------------------------------------------


def _cleaned(user, **change):
    form = StudySettingsForm({**POSTED, **change}, instance=StudySettings.objects.for_user(user))
    assert form.is_valid(), form.errors
    return form.cleaned_data


def test_update_study_settings_saves_the_fields_and_replaces_the_steps():
    user, other = factories.student(), factories.student()
    StudySettings.objects.for_user(other)

    saved = actions.update_study_settings(user=user, data=_cleaned(user))

    assert saved == StudySettings.objects.get(user=user)
    assert (
        str(saved.desired_retention),
        saved.new_cards_per_day,
        saved.max_reviews_per_day,
        saved.time_zone,
        saved.day_starts_at,
        saved.spread_due_dates,
    ) == ("0.85", 15, 150, "Africa/Bamako", 5, True)
    assert list(
        StudyStep.objects.filter(settings__user=user).order_by("kind", "position").values_list("kind", "minutes")
    ) == [
        (StepKind.LEARNING, 1),
        (StepKind.LEARNING, 10),
        (StepKind.LEARNING, 60),
        (StepKind.RELEARNING, 10),
        (StepKind.RELEARNING, 1440),
    ]
    scheduler = saved.scheduler(seed="s")
    assert scheduler.learning_steps == (
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=10),
        datetime.timedelta(hours=1),
    )
    assert scheduler.desired_retention == 0.85
    # The other student keeps Anki's defaults.
    assert StudySettings.objects.for_user(other).step_minutes(StepKind.LEARNING) == (1, 10)


def test_update_study_settings_with_no_steps_leaves_none():
    user = factories.student()

    saved = actions.update_study_settings(user=user, data=_cleaned(user, learning_steps="", relearning_steps=""))

    assert StudyStep.objects.filter(settings=saved).count() == 0
    assert saved.scheduler(seed="s").learning_steps == ()


# -- the page ---------------------------------------------------------------------------------------------


def test_the_page_needs_a_signed_in_student(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"
    assert client.post(OPTIMIZE_URL).status_code == 302
    assert ParameterSet.objects.count() == 0


def test_the_page_shows_the_settings_and_the_workload_each_retention_implies(client):
    user = factories.student()
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.templates[0].name == "quizzes/studysettings_form.html"
    form = response.context["form"]
    assert isinstance(form, StudySettingsForm)
    assert not form.is_bound
    assert response.context["workload"] == [
        {"retention": Decimal("0.80"), "change": 36, "more": False, "fewer": True, "yours": False},
        {"retention": Decimal("0.85"), "change": 20, "more": False, "fewer": True, "yours": False},
        {"retention": Decimal("0.90"), "change": 0, "more": False, "fewer": False, "yours": True},
        {"retention": Decimal("0.95"), "change": 58, "more": True, "fewer": False, "yours": False},
        {"retention": Decimal("0.97"), "change": 125, "more": True, "fewer": False, "yours": False},
    ]
    html = response.content.decode()
    assert "At 0.90, your setting: about as many reviews as at 0.90." in html
    assert "about 58% more" in html
    assert "How this is estimated: FSRS's own simulator" in html
    assert 'value="1m 10m"' in html
    assert (response.context["reviews"], response.context["can_optimize"], response.context["last_fit"]) == (
        0,
        False,
        None,
    )
    assert "You have 0 reviews; fitting needs at least 400." in html
    assert 'disabled aria-describedby="optimize-needs"' in html
    assert "Not fitted yet: FSRS's defaults are in use." in html


def test_a_retention_off_the_table_gets_its_own_row(client):
    user = factories.student()
    actions.update_study_settings(user=user, data=_cleaned(user, desired_retention="0.88"))
    client.force_login(user)

    response = client.get(URL)

    rows = response.context["workload"]
    assert [row["retention"] for row in rows] == [Decimal(r) for r in ("0.80", "0.85", "0.88", "0.90", "0.95", "0.97")]
    mine = response.context["your_workload"]
    assert (mine["retention"], mine["fewer"], mine["yours"]) == (Decimal("0.88"), True, True)
    assert f"At 0.88, your setting: about {mine['change']}% fewer reviews than at 0.90." in response.content.decode()


def test_saving_redirects_back_with_a_message_and_the_settings_saved(client):
    user = factories.student()
    client.force_login(user)

    response = client.post(URL, POSTED)

    assert response.status_code == 302
    assert response["Location"] == URL
    saved = StudySettings.objects.for_user(user)
    assert (str(saved.desired_retention), saved.step_minutes(StepKind.RELEARNING)) == ("0.85", (10, 1440))
    page = client.get(URL)
    assert [str(message) for message in page.context["messages"]] == ["Your study settings are saved."]
    assert 'value="1m 10m 1h"' in page.content.decode()
    assert 'value="10m 1d"' in page.content.decode()


def test_bad_settings_are_a_400_with_each_error_by_its_field_and_nothing_saved(client):
    user = factories.student()
    client.force_login(user)

    response = client.post(URL, {**POSTED, "desired_retention": "0.99", "learning_steps": "1m soon"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "desired_retention": ["Ensure this value is less than or equal to 0.97."],
        "learning_steps": ["“soon” is not a step: write minutes, hours or days, such as “10m”, “1h” or “1d”."],
    }
    html = response.content.decode()
    assert (
        '<div class="field-error" id="id_desired_retention_error"><p>Ensure this value is less than or equal to 0.97.</p>'
        in html
    )
    assert 'aria-invalid="true"' in html
    assert 'value="1m soon"' in html  # what was typed, to correct
    # The workload is the saved setting's, not the refused value's.
    assert response.context["your_workload"]["retention"] == Decimal("0.90")
    assert StudySettings.objects.for_user(user).desired_retention == Decimal("0.90")


def test_optimizing_with_too_few_reviews_is_a_400_saying_how_many(client):
    user = factories.student()
    review_history(user, 3)
    client.force_login(user)

    response = client.post(OPTIMIZE_URL)

    assert response.status_code == 400
    assert (
        response.context["optimize_error"]
        == "Your parameters can be fitted once you have 400 reviews; you have 3 so far."
    )
    html = response.content.decode()
    assert "You have 3 reviews; fitting needs at least 400." in html
    assert "Your parameters can be fitted once you have 400 reviews; you have 3 so far." in html
    assert ParameterSet.objects.count() == 0


def test_optimizing_fits_then_shows_the_defaults_and_the_fit(client):
    user = factories.student()
    review_history(user, actions.MIN_REVIEWS_TO_OPTIMIZE)
    client.force_login(user)
    page = client.get(URL)
    assert page.context["can_optimize"] is True
    assert 'disabled aria-describedby="optimize-needs"' not in page.content.decode()

    response = client.post(OPTIMIZE_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{URL}#optimize"
    fitted = ParameterSet.objects.get(user=user)
    page = client.get(URL)
    assert page.context["last_fit"] == fitted
    html = page.content.decode()
    assert f"<td>{fitted.default_log_loss:.4f}</td><td>{fitted.default_rmse:.4f}</td>" in html
    assert f"<td>{fitted.log_loss:.4f}</td><td>{fitted.rmse:.4f}</td>" in html
    verdict = (
        "In use: your fitted parameters predict your reviews better than the defaults."
        if fitted.in_use
        else "Not in use: FSRS's defaults predict your reviews better, so they stay in use."
    )
    assert verdict in html
    assert [str(message) for message in page.context["messages"]] == [
        "Your parameters are fitted: they predict your reviews better, and are in use."
        if fitted.in_use
        else "Your parameters are fitted, but FSRS's defaults predict your reviews better: they stay in use."
    ]


def test_the_optimize_address_takes_only_a_post(client):
    client.force_login(factories.student())

    assert client.get(OPTIMIZE_URL).status_code == 405


def test_the_page_takes_as_many_queries_with_one_review_as_with_many(client):
    user = factories.student()
    client.force_login(user)
    review_history(user, 1)
    client.get(URL)  # the settings made once

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    one = count()
    review_history(user, 60, start=1)
    assert count() == one
