"""Item analysis (quizzes/analysis.py): Moodle's statistics on a fixture worked by hand, the formulas
against a second implementation (Python's ``statistics``), first attempts, random draws, query counts."""

import math
import statistics

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.analysis import Flag, ItemAnalysis, analyse, question_flags, summary_statistics
from quizzes.models import Attempt
from tests import factories
from tests.factories import editor, quiz_with, student, trainer
from tests.quizzes.analysis_helpers import single, take, worked_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture():
    return worked_example()


def test_the_statistics_worked_by_hand(fixture):
    quiz, (q1, q2, q3) = fixture["quiz"], fixture["questions"]
    analysis = ItemAnalysis.of(quiz, Attempt.objects.all())
    summary = analysis.summary
    # Totals T = 3, 4, 1, 1, 1: mean 2, median 1; deviations 1, 2, -1, -1, -1: sum of squares 8,
    # SD = sqrt(8 / 4) = sqrt(2). Sums of cubes 6 and fourth powers 20, n = 5: m2 = 1.6, m3 = 1.2, m4 = 4;
    # k2 = 5 * 1.6 / 4 = 2, k3 = 25 * 1.2 / (4 * 3) = 2.5, skewness = 2.5 / 2^1.5 = 0.8839;
    # k4 = 25 * (6 * 4 - 3 * 4 * 1.6²) / (4 * 3 * 2) = 25 * (24 - 30.72) / 24 = -7, kurtosis = -7 / 2² = -1.75.
    # Var(x): Q1 0.3, Q2 0.3, Q3 (x = 2, 2, 0, 0, 0: mean 0.8, squares 2 * 1.44 + 3 * 0.64 = 4.8) 1.2; sum 1.8.
    # CIC = 100 * 3 / 2 * (1 - 1.8 / 2) = 15; error ratio = 100 sqrt(0.85) = 92.195; SE = 92.195 * sqrt(2) / 100.
    assert summary.n == 5
    assert summary.max_score == 4
    assert summary.mean == pytest.approx(2)
    assert summary.median == pytest.approx(1)
    assert summary.sd == pytest.approx(math.sqrt(2))
    assert summary.skewness == pytest.approx(2.5 / 2**1.5)
    assert summary.kurtosis == pytest.approx(-1.75)
    assert summary.cic == pytest.approx(15)
    assert summary.error_ratio == pytest.approx(100 * math.sqrt(0.85))
    assert summary.standard_error == pytest.approx(100 * math.sqrt(0.85) * math.sqrt(2) / 100)
    assert summary.seconds_per_question == pytest.approx(600 / 3)
    assert summary.same_questions is True

    first, second, third = analysis.questions
    assert [row.question for row in analysis.questions] == [q1, q2, q3]
    # Q1: x = 1, 1, 1, 0, 0; R = T - x = 2, 3, 0, 1, 1. Means 0.6 and 1.4.
    # dx = .4, .4, .4, -.6, -.6 (squares 1.2: Var 0.3); dR = .6, 1.6, -1.4, -.4, -.4 (squares 5.2: Var 1.3);
    # sum dx dR = .24 + .64 - .56 + .24 + .24 = 0.8: Cov 0.2. DI = 100 * 0.2 / sqrt(0.3 * 1.3) = 32.026.
    # Sorted: x 0, 0, 1, 1, 1 and R 0, 1, 1, 2, 3: (-.6)(-1.4) + (-.6)(-.4) + (.4)(-.4) + (.4)(.6) + (.4)(1.6)
    # = 1.8: Cov_max 0.45, DE = 100 * 0.2 / 0.45 = 44.44.
    assert (first.n, first.max_mark) == (5, 1)
    assert first.facility == pytest.approx(0.6)
    assert first.sd == pytest.approx(math.sqrt(0.3))
    assert first.discrimination_index == pytest.approx(20 / math.sqrt(0.39))
    assert first.discriminative_efficiency == pytest.approx(100 * 0.2 / 0.45)
    assert first.random_guess_score == pytest.approx(1 / 3)
    assert first.flags == []
    a, b, c = fixture["options"]
    assert [(row.option, row.is_correct, row.picked, row.share) for row in first.options] == [
        (a, True, 3, 0.6),
        (b, False, 1, 0.2),
        (c, False, 1, 0.2),
    ]
    # Q2: x = 0, 1, 0, 1, 1; R = 3, 3, 1, 0, 0 (mean 1.4). dx = -.6, .4, -.6, .4, .4; dR = 1.6, 1.6, -.4, -1.4, -1.4
    # (squares 9.2: Var 2.3); sum dx dR = -.96 + .64 + .24 - .56 - .56 = -1.2: Cov -0.3;
    # DI = -30 / sqrt(0.3 * 2.3) = -36.116. Sorted: x 0, 0, 1, 1, 1 and R 0, 0, 1, 3, 3: dR -1.4, -1.4, -.4, 1.6, 1.6;
    # .84 + .84 - .16 + .64 + .64 = 2.8: Cov_max 0.7, DE = -30 / 0.7 = -42.86: dubious, and negative.
    assert second.facility == pytest.approx(0.6)
    assert second.discrimination_index == pytest.approx(-30 / math.sqrt(0.69))
    assert second.discriminative_efficiency == pytest.approx(-30 / 0.7)
    assert second.random_guess_score == 0.5
    assert second.flags == [Flag.DUBIOUS, Flag.NEGATIVE]
    # Q3 (2 marks): x = 2, 2, 0, 0, 0: facility 0.8 / 2 = 0.4, SD sqrt(1.2) / 2; s5's blank picked nothing.
    assert third.max_mark == 2
    assert third.facility == pytest.approx(0.4)
    assert third.sd == pytest.approx(math.sqrt(1.2) / 2)
    assert third.random_guess_score == pytest.approx(0.25)
    assert [row.picked for row in third.options] == [2, 2, 0, 0]


def _second_implementation(values_by_attempt):
    """Moodle's formulas again, from Python's statistics module: {question index: (facility, DI, DE)}."""
    totals = [sum(row) for row in values_by_attempt]
    out = {}
    for index in range(len(values_by_attempt[0])):
        x = [row[index] for row in values_by_attempt]
        rest = [t - v for t, v in zip(totals, x, strict=True)]
        cov = statistics.covariance(x, rest)
        index_value = 100 * statistics.correlation(x, rest)
        efficiency = 100 * cov / statistics.covariance(sorted(x), sorted(rest))
        out[index] = (statistics.mean(x), index_value, efficiency)
    return out


def test_the_per_question_formulas_against_the_statistics_module(fixture):
    analysis = ItemAnalysis.of(fixture["quiz"], Attempt.objects.all())
    values = [(1, 0, 2), (1, 1, 2), (1, 0, 0), (0, 1, 0), (0, 1, 0)]
    expected = _second_implementation(values)
    for index, row in enumerate(analysis.questions):
        facility, index_value, efficiency = expected[index]
        assert row.facility == pytest.approx(facility / row.max_mark)
        assert row.discrimination_index == pytest.approx(index_value)
        assert row.discriminative_efficiency == pytest.approx(efficiency)
        assert row.sd == pytest.approx(statistics.stdev([v[index] for v in values]) / row.max_mark)


@pytest.mark.parametrize(
    "totals",
    [[3, 4, 1, 1, 1], [0.5, 2.25, 7, 3, 3, 9.5, 1], [10, 12, 11, 15, 9, 8, 20, 14]],
)
def test_the_k_statistics_and_alpha_against_the_formulas(totals):
    """Skewness and kurtosis are the k-statistic estimators (G1 and G2, as spreadsheets' SKEW and KURT)."""
    n = len(totals)
    mean, sd = statistics.mean(totals), statistics.stdev(totals)
    g1 = n / ((n - 1) * (n - 2)) * sum(((t - mean) / sd) ** 3 for t in totals)
    g2 = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum(((t - mean) / sd) ** 4 for t in totals) - 3 * (
        n - 1
    ) ** 2 / ((n - 2) * (n - 3))
    variances = [0.2, 0.5, 0.25]
    alpha = 3 / 2 * (1 - sum(variances) / statistics.variance(totals))
    result = summary_statistics(totals, variances)
    assert result["mean"] == pytest.approx(mean)
    assert result["median"] == pytest.approx(statistics.median(totals))
    assert result["sd"] == pytest.approx(sd)
    assert result["skewness"] == pytest.approx(g1)
    assert result["kurtosis"] == pytest.approx(g2)
    assert result["cic"] == pytest.approx(100 * alpha)


def test_few_attempts_give_what_moodle_gives():
    """SD needs 2 attempts, skewness and alpha 3, kurtosis 4; all equal totals give no skewness."""
    assert summary_statistics([2], [0.1, 0.1])["sd"] is None
    two = summary_statistics([2, 4], [0.1, 0.1])
    assert (two["sd"], two["skewness"], two["cic"]) == (pytest.approx(math.sqrt(2)), None, None)
    three = summary_statistics([2, 4, 9], [0.1, 0.1])
    assert three["skewness"] is not None and three["kurtosis"] is None and three["cic"] is not None
    assert summary_statistics([3, 3, 3, 3], [0, 0])["skewness"] is None


def test_all_attempts_on_request(fixture):
    analysis = ItemAnalysis.of(fixture["quiz"], Attempt.objects.all(), all_attempts=True)
    assert analysis.summary.n == 6
    assert analysis.summary.mean == pytest.approx((3 + 4 + 1 + 1 + 1 + 4) / 6)
    assert analysis.questions[0].n == 6


def test_first_attempts_of_the_attempts_given(fixture):
    """Scoped to some attempts (a class): the first among them; unsubmitted attempts never count."""
    s4 = fixture["users"][3]
    analysis = ItemAnalysis.of(fixture["quiz"], Attempt.objects.filter(user=s4, number=2))
    assert analysis.summary.n == 1
    assert analysis.summary.mean == 4
    Attempt.objects.filter(user=fixture["users"][0]).update(state="in_progress", submitted_at=None)
    assert ItemAnalysis.of(fixture["quiz"], Attempt.objects.all()).summary.n == 4


def test_no_attempts():
    quiz = quiz_with([single("Q", 2)[0]])
    analysis = ItemAnalysis.of(quiz, Attempt.objects.all())
    assert analysis.summary.n == 0
    assert analysis.summary.mean is None
    assert analysis.questions == []


def test_random_draws_are_analysed_over_the_attempts_that_had_the_question():
    """Q2 is in two attempts of three: its n is 2; the attempts differ, so no alpha."""
    (q1, (a1, b1)), (q2, (a2, _b2)) = single("Q1", 2), single("Q2", 2)
    quiz = quiz_with([q1])
    take(quiz, student(), [(q1, a1), (q2, a2)])
    take(quiz, student(), [(q1, b1), (q2, a2)])
    take(quiz, student(), [(q1, a1)])
    analysis = ItemAnalysis.of(quiz, Attempt.objects.all())
    assert {row.question: row.n for row in analysis.questions} == {q1: 3, q2: 2}
    assert analysis.summary.same_questions is False
    assert analysis.summary.cic is None
    assert analysis.summary.mean == pytest.approx(4 / 3)


def test_random_guess_scores_by_type():
    from quizzes.analysis import random_guess_score
    from tests.factories import question_of_each_type

    made = question_of_each_type()
    scores = {qtype: random_guess_score(question) for qtype, question in made.items()}
    assert scores == {
        "single": 0.5,
        "statement_kind": pytest.approx(1 / 3),
        "ordering": pytest.approx(1 - 4 / 9),  # 3 items: 1 - (3 + 1) / (3 * 3)
        "matching": pytest.approx(1 / 3),  # Mali, Burkina Faso, Chad
        "numeric": 0.0,
        "short_answer": 0.0,
        "multiple": None,
        "true_false": 0.5,
    }


def _class_of(count):
    questions = [single(f"Q{i}", 3) for i in range(3)]
    quiz = quiz_with([question for question, _options in questions])
    for number in range(count):
        picks = [(question, options[(number + i) % 3]) for i, (question, options) in enumerate(questions)]
        take(quiz, student(), picks)
    return quiz


@pytest.mark.parametrize("count", [5, 50])
def test_the_query_count_does_not_depend_on_the_attempts(count, django_assert_num_queries):
    quiz = _class_of(count)
    with django_assert_num_queries(6):
        analysis = ItemAnalysis.of(quiz, Attempt.objects.all(), citations=False)
    assert analysis.summary.n == count
    with django_assert_num_queries(7):
        ItemAnalysis.of(quiz, Attempt.objects.all(), citations=True)


def test_every_quiz_at_once_and_the_flags_by_question(fixture, django_assert_num_queries):
    other = _class_of(5)
    with django_assert_num_queries(6):
        flags = question_flags(Attempt.objects.all())
    q2 = fixture["questions"][1]
    assert flags[q2.pk] == {Flag.DUBIOUS: [fixture["quiz"].title], Flag.NEGATIVE: [fixture["quiz"].title]}
    assert set(analyse(Attempt.objects.all())) == {fixture["quiz"].pk, other.pk}


# -- the API and the page: who sees them ------------------------------------------------------------------

ROLES = {"student": student, "trainer": trainer, "editor": editor}


def _api_client(who):
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(ROLES[who]())
    return client


def _page_client(who):
    client = Client()
    if who != "anonymous":
        client.force_login(ROLES[who]())
    return client


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("student", 403), ("trainer", 200), ("editor", 200)])
def test_the_api_is_for_trainers_and_editors(fixture, who, status):
    response = _api_client(who).get(f"/api/v1/quizzes/{fixture['quiz'].slug}/item-analysis/")
    assert response.status_code == status
    if status == 403:
        assert response.json() == {"detail": "Only trainers and editors see item analyses."}


def test_the_api_answers_the_analysis(fixture):
    q1, q2, _q3 = fixture["questions"]
    a, b, c = fixture["options"]
    body = _api_client("editor").get(f"/api/v1/quizzes/{fixture['quiz'].slug}/item-analysis/").json()
    assert body["quiz"] == fixture["quiz"].slug
    assert body["attempts"] == "first"
    assert body["summary"]["n"] == 5
    assert body["summary"]["cic"] == pytest.approx(15)
    assert body["summary"]["kurtosis"] == pytest.approx(-1.75)
    first, second = body["questions"][:2]
    assert first["question"] == q1.pk
    assert first["facility"] == pytest.approx(0.6)
    assert first["flags"] == []
    assert [(row["id"], row["is_correct"], row["picked"]) for row in first["options"]] == [
        (a.pk, True, 3),
        (b.pk, False, 1),
        (c.pk, False, 1),
    ]
    assert second["question"] == q2.pk
    assert second["flags"] == ["dubious", "negative"]
    every = _api_client("editor").get(f"/api/v1/quizzes/{fixture['quiz'].slug}/item-analysis/", {"attempts": "all"})
    assert (every.json()["attempts"], every.json()["summary"]["n"]) == ("all", 6)


def test_the_api_refuses_bad_input(fixture):
    client = _api_client("editor")
    response = client.get(f"/api/v1/quizzes/{fixture['quiz'].slug}/item-analysis/", {"attempts": "last"})
    assert response.status_code == 400
    assert list(response.json()) == ["attempts"]
    missing = client.get("/api/v1/quizzes/no-such-quiz/item-analysis/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no quiz with the slug “no-such-quiz”."}


def test_a_draft_quiz_s_analysis_is_a_404_to_trainers(fixture):
    fixture["quiz"].status = "draft"
    fixture["quiz"].save()
    url = f"/api/v1/quizzes/{fixture['quiz'].slug}/item-analysis/"
    assert _api_client("trainer").get(url).status_code == 404
    assert _api_client("editor").get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_the_api_and_the_page_take_a_fixed_number_of_queries(count, django_assert_num_queries):
    quiz = _class_of(count)
    user = editor()
    api, page = APIClient(), Client()
    api.force_authenticate(user)
    page.force_login(user)
    # The API: the quiz, the analysis's six queries (an editor is staff: no query for the role).
    with django_assert_num_queries(7):
        assert api.get(f"/api/v1/quizzes/{quiz.slug}/item-analysis/").status_code == 200
    # The page: the session and user, the quiz, the analysis with citations (seven).
    with django_assert_num_queries(10):
        assert page.get(reverse("quizzes:quiz-analysis", args=[quiz.slug])).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("student", 403), ("trainer", 200), ("editor", 200)])
def test_the_page_is_for_trainers_and_editors(fixture, who, status):
    url = reverse("quizzes:quiz-analysis", args=[fixture["quiz"].slug])
    response = _page_client(who).get(url)
    assert response.status_code == status
    if who == "anonymous":
        assert response.url == f"{reverse('login')}?next={url}"


def test_the_page_shows_the_analysis_sorted_by_a_column(fixture):
    q1, q2, q3 = fixture["questions"]
    url = reverse("quizzes:quiz-analysis", args=[fixture["quiz"].slug])
    response = _page_client("editor").get(url)
    assert response.context["summary"].n == 5
    assert [row.question for row in response.context["rows"]] == [q1, q2, q3]
    assert response.context["columns"][2] == {
        "key": "facility",
        "label": "Facility",
        "url": "?sort=facility",
        "aria_sort": None,
    }
    html = response.content.decode()
    assert "Dubious: discriminative efficiency below 15%" in html
    assert 'width="60"' in html  # Q1's right option: 3 of 5
    assert "style=" not in html

    by_facility = _page_client("editor").get(url, {"sort": "-facility"})
    assert [row.question for row in by_facility.context["rows"]] == [q1, q2, q3]  # 0.6, 0.6 (in order), 0.4
    assert by_facility.context["columns"][2]["aria_sort"] == "descending"
    assert by_facility.context["columns"][2]["url"] == "?sort=facility"
    by_index = _page_client("editor").get(url, {"sort": "discrimination_index", "attempts": "all"})
    assert by_index.context["rows"][0].question == q2
    assert by_index.context["summary"].n == 6
    assert by_index.context["columns"][5]["url"] == "?sort=-discrimination_index&attempts=all"


def test_the_page_refuses_a_bad_sort_with_a_message(fixture):
    url = reverse("quizzes:quiz-analysis", args=[fixture["quiz"].slug])
    response = _page_client("editor").get(url, {"sort": "prompt"})
    assert response.status_code == 400
    assert response.context["error"] == (
        "Sort by one of the table's columns, and analyse first attempts or all attempts."
    )
    assert _page_client("editor").get(url, {"attempts": "best"}).status_code == 400
    assert _page_client("editor").get(reverse("quizzes:quiz-analysis", args=["nope"])).status_code == 404


# -- the question bank's admin ----------------------------------------------------------------------------


def _admin_client():
    client = Client()
    client.force_login(editor())
    return client


def test_the_admin_list_shows_and_filters_by_the_analysis_flags(fixture):
    q1, q2, q3 = fixture["questions"]
    client, url = _admin_client(), reverse("admin:quizzes_question_changelist")
    response = client.get(url)
    shown = {question: question.item_flags for question in response.context["cl"].result_list}
    title = fixture["quiz"].title
    assert shown == {q1: {}, q2: {Flag.DUBIOUS: [title], Flag.NEGATIVE: [title]}, q3: {}}
    assert f"Dubious: discriminative efficiency below 15% ({title})" in response.content.decode()
    assert list(client.get(url, {"item_flag": "negative"}).context["cl"].result_list) == [q2]
    assert list(client.get(url, {"item_flag": "any"}).context["cl"].result_list) == [q2]
    assert set(client.get(url, {"item_flag": "none"}).context["cl"].result_list) == {q1, q3}
    assert list(client.get(url, {"item_flag": "hard"}).context["cl"].result_list) == []


def _admin_list_queries(count):
    _class_of(count)
    client = _admin_client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:quizzes_question_changelist"), {"item_flag": "any"})
    assert response.status_code == 200
    return len(queries)


def test_the_admin_list_takes_a_fixed_number_of_queries_however_many_attempts():
    assert _admin_list_queries(3) == _admin_list_queries(30)


def test_the_admin_change_page_shows_the_question_s_statistics_per_quiz(fixture):
    q2 = fixture["questions"][1]
    response = _admin_client().get(reverse("admin:quizzes_question_change", args=[q2.pk]))
    html = response.content.decode()
    assert reverse("quizzes:quiz-analysis", args=[fixture["quiz"].slug]) in html
    assert "Students who did worse on the rest of the quiz did better on this question" in html
    assert "-42.86 %" in html  # its discriminative efficiency, worked by hand above
    lonely = single("Never asked", 2)[0]
    response = _admin_client().get(reverse("admin:quizzes_question_change", args=[lonely.pk]))
    assert "No submitted attempt has had this question yet." in response.content.decode()


def test_a_trainer_s_analysis_is_over_the_students_of_their_own_classes(fixture):
    users = fixture["users"]
    trainer, other, co_trainer = factories.trainer(), factories.trainer(), factories.trainer()
    cohort = factories.cohort_of(trainer, students=users[:3])
    factories.CohortTrainerFactory(cohort=cohort, trainer=co_trainer, is_owner=False)
    factories.cohort_of(other, students=users[3:4])
    url = f"/api/v1/quizzes/{fixture['quiz'].slug}/item-analysis/"
    counts = {}
    for who in (trainer, co_trainer, other, factories.trainer()):
        client = APIClient()
        client.force_authenticate(who)
        counts[who.username] = client.get(url).json()["summary"]["n"]
    assert list(counts.values()) == [3, 3, 1, 0]
    page = Client()
    page.force_login(trainer)
    assert page.get(reverse("quizzes:quiz-analysis", args=[fixture["quiz"].slug])).context["summary"].n == 3
