"""The class forecast and a student's page in a browser: axe-core at 1280 and 390 px, light and dark.

A class of three students who studied some of the article's sections' cards (review states made
directly, due before and after the exam), two of them struggling with one card (a class leech). With
``SCREENSHOTS_DIR`` set, the pages are also saved there as class-reports-*.png.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from briefings.models import Briefing, Section
from quizzes.models import CardState, StudyRating, Topic
from tests import factories

DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def a_class(site, django_db_blocker):
    with django_db_blocker.unblock():
        trainer = factories.trainer(username="coach", first_name="Fatou Sow")
        students = [
            factories.student(username=name.split()[0].lower(), first_name=name)
            for name in ("Awa Keita", "Issa Maïga", "Mariam Traoré")
        ]
        cohort = factories.cohort_of(trainer, name="Form 3B", students=students)
        # Citing the article's own paragraphs: a factory's paragraph would make a new, current, briefing.
        sections = list(
            Section.objects.filter(briefing=Briefing.objects.current(), paragraphs__isnull=False)
            .distinct()
            .order_by("number")[:3]
        )
        now = timezone.now()
        questions = [
            factories.QuestionFactory(
                topic=topic,
                sections=[section],
                citations=[section.paragraphs.order_by("number").first()],
                prompt=f"Question {n} on {section.title}?",
            )
            for n, (section, topic) in enumerate(
                zip(sections * 2, [Topic.LEADERS, Topic.TIMELINE, Topic.FIGURES] * 2, strict=True), start=1
            )
        ]
        for number, student in enumerate(students):
            for index, question in enumerate(questions[: 2 + 2 * number]):
                state = factories.ReviewStateFactory(
                    user=student,
                    question=question,
                    state=CardState.REVIEW,
                    step=None,
                    stability=2.0 + 5 * index,
                    difficulty=5.0,
                    last_review=now - (3 + index) * DAY,
                    due=now + (index - 1) * DAY,
                    reps=4,
                    lapses=3 if index == 0 and number < 2 else 0,
                )
                factories.ReviewLogFactory(
                    review_state=state, rating=StudyRating.AGAIN if index == 0 else StudyRating.GOOD
                )
        return {"cohort": cohort, "students": students}


def test_a_trainer_reads_the_forecast_picks_a_date_and_opens_a_student(browse, a_class):
    cohort = a_class["cohort"]
    page = browse.signed_in_page("coach", next_path=f"/classes/{cohort.pk}/")
    page.get_by_role("link", name="Forecast").click()

    expect(page.locator("h1")).to_have_text("Forecast: Form 3B")
    expect(page.locator("svg[role=img]")).to_have_count(2)
    expect(page.get_by_role("img", name=re.compile("^Predicted recall by section"))).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Students most at risk")).locator("tbody tr")).to_have_count(3)
    expect(page.get_by_role("region", name="Cards many students keep failing").locator("tbody tr")).to_have_count(1)
    page.get_by_text("The numbers: Predicted recall by section").click()
    expect(page.get_by_role("region", name="Predicted recall by section").locator("tbody tr")).to_have_count(3)
    browse.assert_accessible_at_sizes(page, "forecast")
    browse.save_screenshots(page, "class-reports-forecast", dark=True)

    later = (timezone.localdate() + 30 * DAY).isoformat()
    page.get_by_label("Exam date").fill(later)
    page.get_by_role("button", name="Show the forecast").click()
    expect(page).to_have_url(re.compile(rf"\?date={later}$"))
    expect(page.get_by_label("Exam date")).to_have_value(later)

    page.get_by_role("link", name="Awa Keita").click()
    expect(page.locator("h1")).to_have_text("Awa Keita")
    expect(page.get_by_role("img", name=re.compile("^Reviews per study day"))).to_be_visible()
    browse.assert_accessible_at_sizes(page, "student")
    browse.save_screenshots(page, "class-reports-student", dark=True)


def test_a_past_date_is_refused_with_a_message(browse, a_class):
    cohort = a_class["cohort"]
    page = browse.signed_in_page("coach", next_path=f"/classes/{cohort.pk}/")
    path = f"/classes/{cohort.pk}/forecast/?date=2020-01-01"
    browse.expect_error(path, 400)
    response = page.goto(path)
    assert response.status == 400
    expect(page.get_by_role("alert")).to_have_text("The exam date is in the past: choose today or a later day.")
    browse.assert_accessible_at_sizes(page, "forecast-refused")
    browse.save_screenshots(page, "class-reports-forecast-refused", dark=True)
