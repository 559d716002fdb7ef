"""Benchmark Sahel Learn's pages and API against a bare Django view, on one server, in one run.

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py [--requests N] [--scenario guessing|quiz|study-stats|analysis|forecast|gradebook] [--only URL ...]``). It migrates and
imports into a scratch SQLite database (or uses DATABASE_URL), collects static files, starts
gunicorn with production settings (DEBUG off) on a free local port, and requests every URL N
times from 4 client threads. It prints, per URL: median and 95th-percentile latency, requests
per second, the ratio of its median to the bare view's median, the number of SQL queries one
request makes (from a separate in-process count), and the gzip size of a first load.
"""

import argparse
import gzip
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URLS = [
    "/bench/bare/",
    "/",
    "/briefing/",
    "/leaders/",
    "/leaders/compare/",
    "/leaders/ibrahim-traore/",
    "/timeline/",
    "/timeline/?country=mali&year_from=2020&year_to=2024",
    "/figures/",
    "/actors/",
    "/glossary/",
    "/faq/?q=wagner",
    "/search/?q=gold",
    "/api/v1/timeline/",
    "/api/v1/sections/",
    "/api/v1/leaders/",
    "/api/v1/search/?q=gold",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local server only
        body = response.read()
        status = response.status
    return time.perf_counter() - started, status, body


def query_counts(env):
    """SQL queries per request, counted in-process with Django's test client."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client; from django.test.utils import CaptureQueriesContext;"
        "from django.db import connection; c = Client(); out = {};\n"
        f"for url in {URLS!r}:\n"
        "    with CaptureQueriesContext(connection) as ctx: r = c.get(url)\n"
        "    out[url] = (r.status_code, len(ctx.captured_queries))\n"
        "print(json.dumps(out))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_server(env, workers):
    """gunicorn on a free local port (127.0.0.1 only), once it answers; returns (process, base URL)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "sahel_learn.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            fetch(base + "/bench/bare/")
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def guess_passwords(base, stop, results):
    """One guessing client: the login page once (CSRF cookie and token), then wrong passwords until ``stop``."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(base + "/accounts/login/", timeout=30) as response:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read()).group(1).decode()
    attempt = 0
    while not stop.is_set():
        attempt += 1
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "student", "password": f"guess-{attempt}"}
        ).encode()
        request = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/"})
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            error.read()
            status = error.code
        results.append((status, time.perf_counter() - started))


def home_median(base, requests, guessers):
    """The home page's median (ms) over ``requests`` sequential requests while ``guessers`` clients guess."""
    stop = threading.Event()
    guesses = []
    threads = [threading.Thread(target=guess_passwords, args=(base, stop, guesses)) for _ in range(guessers)]
    for thread in threads:
        thread.start()
    time.sleep(1 if guessers else 0)  # let the guessers get going
    try:
        latencies = [fetch(base + "/")[0] for _ in range(requests)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    statuses = {}
    for status, _seconds in guesses:
        statuses[status] = statuses.get(status, 0) + 1
    guess_median = statistics.median(seconds for _, seconds in guesses) * 1000 if guesses else 0.0
    return statistics.median(latencies) * 1000, statuses, guess_median


def guessing_scenario(env, args):
    """The home page alone, then while 8 clients guess the demo student's password; lockout off, then on."""
    print(f"home page median over {args.requests} requests; gunicorn -w {args.workers}, production password hasher")
    print(f"{'lockout':8} {'guessers':>8} {'home median':>12} {'guess median':>13}  guess answers")
    for label, enabled in (("off", "false"), ("on", "true")):
        server, base = start_server({**env, "AXES_ENABLED": enabled}, args.workers)
        try:
            for _ in range(10):  # warm up
                fetch(base + "/")
            for guessers in (0, 8):
                median, statuses, guess_median = home_median(base, args.requests, guessers)
                answers = ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items())) or "-"
                print(f"{label:8} {guessers:>8} {median:10.1f}ms {guess_median:11.1f}ms  {answers}")
        finally:
            server.terminate()
            server.wait(timeout=10)


# The quiz scenario: quizzes of 1 and 40 questions made for it, and a shipped section quiz (10 questions).
QUIZ_SLUGS = ["bench-one", "the-sovereignty-mirage", "bench-forty"]
QUIZ_STEPS = ("start", "answer", "submit")
QUIZ_METHODS = {"start": "POST", "answer": "PUT", "submit": "POST"}
QUIZ_CLIENTS = 4

QUIZ_SETUP = """
import django, json; django.setup()
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from quizzes.models import Quiz, QuizRule
for slug, count in (("bench-one", 1), ("bench-forty", 40)):
    quiz = Quiz.objects.create(title=slug, slug=slug, status="published", shuffle_questions=True)
    QuizRule.objects.create(quiz=quiz, position=1, count=count)
students, tokens = Group.objects.get(name="Students"), []
for number in range(%d):
    user = User.objects.create_user(f"bench-{number}")
    user.groups.add(students)
    tokens.append(Token.objects.create(user=user).key)
print(json.dumps(tokens))
"""

# The same three requests in-process (Django's test client), counting the SQL queries of each.
QUIZ_QUERY_COUNTS = """
import django, json; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
import bench.run as bench
client, out = Client(HTTP_AUTHORIZATION="Token %s"), {}
for slug in bench.QUIZ_SLUGS:
    counts, body = [], None
    for step in bench.QUIZ_STEPS:
        method, url, data = bench.quiz_request(step, slug, body)
        with CaptureQueriesContext(connection) as ctx:
            response = getattr(client, method)(url, data=json.dumps(data) if data is not None else None,
                                               content_type="application/json")
        counts.append((response.status_code, len(ctx.captured_queries), len(response.content)))
        body = response.json() if step == "start" else body
    out[slug] = counts
print(json.dumps(out))
"""


def any_answer(question):
    """An answer of the right shape for one question of an attempt (right or wrong does not matter here)."""
    qtype, options = question["qtype"], [option["id"] for option in question["options"]]
    if qtype == "ordering":
        return options
    if qtype == "matching":
        return {str(item): question["matches"][0]["id"] for item in options}
    if qtype in ("numeric", "short_answer"):
        return "1"
    return options[:1]


def quiz_request(step, slug, attempt):
    """(method, path, JSON body) of one step: start an attempt, answer its first question, submit it."""
    if step == "start":
        return "post", f"/api/v1/quizzes/{slug}/attempts/", None
    question = attempt["questions"][0]
    if step == "answer":
        return (
            "put",
            f"/api/v1/attempts/{attempt['id']}/responses/{question['question']}/",
            {"answer": any_answer(question)},
        )
    return "post", f"/api/v1/attempts/{attempt['id']}/submit/", None


def call(base, token, method, path, data=None):
    """One API request with the student's token: (seconds, status, body)."""
    body = json.dumps(data).encode() if data is not None else None
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(base + path, data=body, method=method.upper(), headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - local server only
            content, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        content, status = error.read(), error.code
    return time.perf_counter() - started, status, content


def take_quiz(base, token, slug, rounds, results):
    """One student's ``rounds`` attempts, one after the other: start, answer one question, submit."""
    for _ in range(rounds):
        attempt = None
        for step in QUIZ_STEPS:
            method, path, data = quiz_request(step, slug, attempt)
            seconds, status, content = call(base, token, method, path, data)
            results.append((step, seconds, status))
            if step == "start":
                attempt = json.loads(content)


def quiz_scenario(env, args, manage):
    """Start, answer and submit attempts through the API, against the bare view, on one server."""
    for command in (
        ["import_questions", "quizzes/content/questions.yaml"],
        ["import_quizzes", "quizzes/content/quizzes.yaml"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    made = subprocess.run(
        [sys.executable, "-c", QUIZ_SETUP % (QUIZ_CLIENTS + 1)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    made.check_returncode()
    tokens = json.loads(made.stdout.strip().splitlines()[-1])
    counted = subprocess.run(
        [sys.executable, "-c", QUIZ_QUERY_COUNTS % tokens.pop()], env=env, cwd=ROOT, capture_output=True, text=True
    )
    counted.check_returncode()
    counts = json.loads(counted.stdout.strip().splitlines()[-1])
    server, base = start_server(env, args.workers)
    rows = []
    try:
        for _ in range(10):  # warm up
            fetch(base + "/bench/bare/")
        with ThreadPoolExecutor(max_workers=QUIZ_CLIENTS) as pool:
            bare = sorted(seconds for seconds, _, _ in pool.map(fetch, [base + "/bench/bare/"] * args.requests))
        bare_median = statistics.median(bare) * 1000
        rows.append(("/bench/bare/", "GET", "200", bare_median, bare[int(len(bare) * 0.95) - 1] * 1000, 0, 0))
        rounds = max(1, args.requests // QUIZ_CLIENTS)
        for slug in QUIZ_SLUGS:
            results = []
            threads = [
                threading.Thread(target=take_quiz, args=(base, token, slug, rounds, results)) for token in tokens
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for index, step in enumerate(QUIZ_STEPS):
                latencies = sorted(seconds for name, seconds, _ in results if name == step)
                statuses = ",".join(map(str, sorted({status for name, _, status in results if name == step})))
                _status, queries, size = counts[slug][index]
                rows.append(
                    (
                        f"{slug}: {step}",
                        quiz_request(
                            step,
                            slug,
                            {"id": "{id}", "questions": [{"question": "{q}", "qtype": "single", "options": []}]},
                        )[0].upper(),
                        statuses,
                        statistics.median(latencies) * 1000,
                        latencies[int(len(latencies) * 0.95) - 1] * 1000,
                        queries,
                        size / 1024,
                    )
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"{rounds * QUIZ_CLIENTS} attempts per quiz by {QUIZ_CLIENTS} students at once (one thread each), "
        f"gunicorn -w {args.workers}, {env['DATABASE_URL'].split(':')[0]}"
    )
    print(f"{'request':34} {'method':>6} {'status':>6} {'median':>8} {'p95':>8} {'x bare':>7} {'SQL':>4} {'KB':>6}")
    for name, method, statuses, median, p95, queries, size in rows:
        print(
            f"{name:34} {method:>6} {statuses:>6} {median:7.2f}m {p95:7.2f}m {median / bare_median:7.1f} "
            f"{queries:>4} {size:6.1f}"
        )


# The item analysis scenario (issue 10): one quiz of 40 questions taken in full by 50 students, another by 500.
ANALYSIS_CLASSES = (50, 500)
ANALYSIS_QUESTIONS = 40

# What the scenarios' setup scripts share (run after django.setup(); no "%" in here: the scripts are %-formatted
# after it is prepended).
SETUP_HELPERS = """
import json, random
from datetime import timedelta
from decimal import Decimal
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.authtoken.models import Token
from quizzes.models import (AnswerOption, Attempt, AttemptOption, AttemptQuestion, Question, Quiz, QuizQuestion,
    Response, ResponseChoice, ReviewState)


def bench_questions(count, prefix):
    questions = Question.objects.bulk_create(
        Question(qtype="single", prompt=f"{prefix} question {i}", explanation="-", topic=("leaders", "timeline")[i & 1],
                 status="published")
        for i in range(count)
    )
    options = {q.pk: AnswerOption.objects.bulk_create(
        AnswerOption(question=q, text=f"Option {j}", is_correct=j == 0, position=j + 1) for j in range(4)
    ) for q in questions}
    return questions, options


def bench_quiz(slug, questions):
    quiz = Quiz.objects.create(title=slug, slug=slug, status="published")
    QuizQuestion.objects.bulk_create(QuizQuestion(quiz=quiz, question=q, position=i + 1) for i, q in enumerate(questions))
    return quiz


def full_attempts(quiz, users, questions, options, rng, now):
    \"\"\"Each user's submitted first attempt at quiz, every question answered (right with the user's ability):
    the attempts, their questions, the options shown, the responses and the options picked.\"\"\"
    attempts = Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=u, number=1, started_at=now - timedelta(hours=1), submitted_at=now,
                state="submitted", max_score=len(questions)) for u in users
    )
    slots = AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=a, question=q, position=i + 1) for a in attempts for i, q in enumerate(questions)
    )
    shown = AttemptOption.objects.bulk_create(
        AttemptOption(slot=slot, option=o, position=j + 1) for slot in slots for j, o in enumerate(options[slot.question_id])
    )
    ability = {a.pk: rng.random() for a in attempts}
    picks = [shown[4 * k + (0 if rng.random() < ability[slot.attempt_id] else rng.randrange(1, 4))]
             for k, slot in enumerate(slots)]
    responses = Response.objects.bulk_create(
        Response(slot=slot, fraction=Decimal(1) if pick.option.is_correct else Decimal(0), answered_at=now)
        for slot, pick in zip(slots, picks)
    )
    ResponseChoice.objects.bulk_create(ResponseChoice(response=r, item=pick) for r, pick in zip(responses, picks))
    scores = {}
    for slot, pick in zip(slots, picks):
        scores[slot.attempt_id] = scores.get(slot.attempt_id, 0) + pick.option.is_correct
    for attempt in attempts:
        attempt.score = Decimal(scores.get(attempt.pk, 0))
    Attempt.objects.bulk_update(attempts, ["score"], batch_size=1000)
    return attempts


def bench_trainer(username):
    from sahel_learn.accounts.roles import TRAINERS

    trainer = User.objects.create_user(username)
    trainer.groups.add(Group.objects.get(name=TRAINERS))
    return trainer


def bench_class(size, prefix, trainer):
    \"\"\"A class of size students (named in number order), owned by trainer: (the class, its students).\"\"\"
    from quizzes.models import Cohort, CohortMembership, CohortTrainer

    cohort = Cohort.objects.create(name=f"Bench {size}")
    CohortTrainer.objects.create(cohort=cohort, trainer=trainer, is_owner=True)
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{size}-{n}", first_name=f"Student {n:04d}") for n in range(size)
    )
    CohortMembership.objects.bulk_create(CohortMembership(cohort=cohort, student=u) for u in users)
    return cohort, users


def credentials_of(user):
    \"\"\"A signed-in session cookie (for the pages) and an API token for user.\"\"\"
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return {"cookie": cookie, "token": Token.objects.create(user=user).key}


def study_states(users, questions, rng, now):
    \"\"\"A review state of each question for each user: studied some weeks ago, stabilities of half a day to two months.\"\"\"
    states = []
    for u in users:
        for q in questions:
            stability = rng.uniform(0.5, 60)
            last = now - timedelta(days=rng.uniform(0, 40))
            states.append(ReviewState(user=u, question=q, state=2, step=None, stability=stability,
                difficulty=rng.uniform(2, 9), last_review=last, due=last + timedelta(days=stability), reps=3,
                lapses=rng.choice((0, 0, 0, 1, 3))))
    ReviewState.objects.bulk_create(states, batch_size=5000)
"""

SETUP_PRELUDE = "import django; django.setup()\n" + SETUP_HELPERS

ANALYSIS_SETUP = """
rng, now = random.Random(10), timezone.now()
questions, options = bench_questions(%(questions)d, "Bench")
for size in %(classes)r:
    quiz = bench_quiz(f"bench-analysis-{size}", questions)
    users = User.objects.bulk_create(User(username=f"analysis-{size}-{n}") for n in range(size))
    full_attempts(quiz, users, questions, options, rng, now)
editor = User.objects.create_user("analysis-editor", is_staff=True, is_superuser=True)
print(json.dumps(Token.objects.create(user=editor).key))
"""

ANALYSIS_QUERY_COUNTS = """
import django, json; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, out = Client(HTTP_AUTHORIZATION="Token %s"), {}
for size in %r:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/quizzes/bench-analysis-{size}/item-analysis/")
    out[size] = (response.status_code, len(ctx.captured_queries), len(response.content))
print(json.dumps(out))
"""


def analysis_scenario(env, args):
    """The item analysis endpoint over 50 and over 500 students' full attempts (40 questions), one server, one run."""
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            SETUP_PRELUDE + ANALYSIS_SETUP % {"questions": ANALYSIS_QUESTIONS, "classes": ANALYSIS_CLASSES},
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    made.check_returncode()
    token = json.loads(made.stdout.strip().splitlines()[-1])
    counted = subprocess.run(
        [sys.executable, "-c", ANALYSIS_QUERY_COUNTS % (token, ANALYSIS_CLASSES)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    counted.check_returncode()
    counts = json.loads(counted.stdout.strip().splitlines()[-1])
    server, base = start_server(env, args.workers)
    medians = {}
    try:
        headers = {"Authorization": f"Token {token}"}
        for _ in range(10):  # warm up
            fetch(base + "/bench/bare/")
        bare = sorted(fetch(base + "/bench/bare/")[0] for _ in range(args.requests))
        medians["bare"] = statistics.median(bare) * 1000
        # Interleaved, so that the machine's load falls on both sizes alike.
        latencies = {size: [] for size in ANALYSIS_CLASSES}
        for size in ANALYSIS_CLASSES:
            for _ in range(3):
                fetch(f"{base}/api/v1/quizzes/bench-analysis-{size}/item-analysis/", headers)
        for _ in range(args.requests):
            for size in ANALYSIS_CLASSES:
                seconds, status, _body = fetch(f"{base}/api/v1/quizzes/bench-analysis-{size}/item-analysis/", headers)
                assert status == 200, status
                latencies[size].append(seconds)
        for size in ANALYSIS_CLASSES:
            medians[size] = statistics.median(latencies[size]) * 1000
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"item analysis of {ANALYSIS_QUESTIONS} questions, full first attempts, {args.requests} sequential requests "
        f"per size, gunicorn -w {args.workers}, {env['DATABASE_URL'].split(':')[0]}"
    )
    print(f"{'request':48} {'median':>9} {'x bare':>7} {'SQL':>4} {'KB':>6}")
    print(f"{'/bench/bare/':48} {medians['bare']:8.2f}m {1.0:7.1f} {0:>4} {0:6.1f}")
    for size in ANALYSIS_CLASSES:
        _status, queries, length = counts[str(size)]
        print(
            f"{f'item analysis, {size} students':48} {medians[size]:8.2f}m {medians[size] / medians['bare']:7.1f} "
            f"{queries:>4} {length / 1024:6.1f}"
        )
    small, large = ANALYSIS_CLASSES
    print(f"{large // small}x the students: {medians[large] / medians[small]:.2f}x the time")


# The forecast scenario (issue 10): a class of 50 and one of 500 students, each with ~100 review states.
FORECAST_CLASSES = (50, 500)
FORECAST_CARDS = 100

FORECAST_SETUP = """
rng, now = random.Random(11), timezone.now()
questions, _options = bench_questions(%(cards)d, "Forecast")
trainer = bench_trainer("forecast-trainer")
for size in %(classes)r:
    cohort, users = bench_class(size, "forecast", trainer)
    study_states(users, questions, rng, now)
    print(json.dumps(["class", size, cohort.pk]))
print(json.dumps(Token.objects.create(user=trainer).key))
"""


def forecast_scenario(env, args):
    """The class forecast endpoint over a class of 50 and one of 500 students (100 cards each), one server, one run."""
    made = subprocess.run(
        [sys.executable, "-c", SETUP_PRELUDE + FORECAST_SETUP % {"cards": FORECAST_CARDS, "classes": FORECAST_CLASSES}],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    made.check_returncode()
    lines = [json.loads(line) for line in made.stdout.strip().splitlines()]
    token = lines[-1]
    urls = {size: f"/api/v1/cohorts/{pk}/forecast/" for _kind, size, pk in lines[:-1]}
    counted = subprocess.run(
        [sys.executable, "-c", QUERY_COUNTS_BY_URL % (token, urls)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    counted.check_returncode()
    counts = json.loads(counted.stdout.strip().splitlines()[-1])
    server, base = start_server(env, args.workers)
    medians = {}
    try:
        headers = {"Authorization": f"Token {token}"}
        for _ in range(10):  # warm up
            fetch(base + "/bench/bare/")
        medians["bare"] = statistics.median(fetch(base + "/bench/bare/")[0] for _ in range(args.requests)) * 1000
        latencies = {size: [] for size in FORECAST_CLASSES}
        for size in FORECAST_CLASSES:
            fetch(base + urls[size], headers)
        for _ in range(args.requests):  # interleaved, so that the machine's load falls on both sizes alike
            for size in FORECAST_CLASSES:
                seconds, status, _body = fetch(base + urls[size], headers)
                assert status == 200, status
                latencies[size].append(seconds)
        for size in FORECAST_CLASSES:
            medians[size] = statistics.median(latencies[size]) * 1000
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"class forecast, {FORECAST_CARDS} review states per student, {args.requests} sequential requests per size, "
        f"gunicorn -w {args.workers}, {env['DATABASE_URL'].split(':')[0]}"
    )
    print(f"{'request':48} {'median':>9} {'x bare':>7} {'SQL':>4} {'KB':>6}")
    print(f"{'/bench/bare/':48} {medians['bare']:8.2f}m {1.0:7.1f} {0:>4} {0:6.1f}")
    for size in FORECAST_CLASSES:
        _status, queries, length = counts[str(size)]
        print(
            f"{f'forecast, {size} students':48} {medians[size]:8.2f}m {medians[size] / medians['bare']:7.1f} "
            f"{queries:>4} {length / 1024:6.1f}"
        )
    small, large = FORECAST_CLASSES
    print(f"{large // small}x the students: {medians[large] / medians[small]:.2f}x the time")


# The gradebook scenario (issue 10): a class of 50 and one of 500 students, 20 quiz assignments of 40 questions,
# every student with a submitted attempt at each; each class's first quiz taken in full (every question's row,
# for its item analysis), the 19 others as the gradebook reads them (the attempts' scores); 40 cards studied
# each (for the forecast).
GRADEBOOK_CLASSES = (50, 500)
GRADEBOOK_QUIZZES = 20
GRADEBOOK_QUESTIONS = 40

GRADEBOOK_SETUP = """
from quizzes.models import Assignment
rng, now = random.Random(12), timezone.now()
questions, options = bench_questions(%(questions)d, "Gradebook")
trainer = bench_trainer("gradebook-trainer")
for size in %(classes)r:
    cohort, users = bench_class(size, "gradebook", trainer)
    quizzes = [bench_quiz(f"bench-gradebook-{size}-{i}", questions) for i in range(%(quizzes)d)]
    Assignment.objects.bulk_create(
        Assignment(cohort=cohort, kind="quiz", title=f"Quiz {i + 1}", quiz=quiz, due_at=now + timedelta(days=i - 10))
        for i, quiz in enumerate(quizzes)
    )
    full_attempts(quizzes[0], users, questions, options, rng, now)
    Attempt.objects.bulk_create(
        (Attempt(quiz=quiz, user=u, number=1, started_at=now - timedelta(days=12 - i, hours=1),
                 submitted_at=now - timedelta(days=12 - i), state="submitted", score=Decimal(rng.randint(0, 40)),
                 max_score=len(questions)) for i, quiz in enumerate(quizzes[1:], start=1) for u in users),
        batch_size=5000,
    )
    study_states(users, questions, rng, now)
    print(json.dumps(["class", size, cohort.pk, quizzes[0].slug]))
print(json.dumps(credentials_of(trainer)))
"""


def gradebook_scenario(env, args):
    """The gradebook page (first page), its CSV export, one quiz's item analysis and the forecast, for a class of
    50 and one of 500, on one server, the sizes interleaved."""
    started = time.perf_counter()
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            SETUP_PRELUDE
            + GRADEBOOK_SETUP
            % {"questions": GRADEBOOK_QUESTIONS, "quizzes": GRADEBOOK_QUIZZES, "classes": GRADEBOOK_CLASSES},
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    made.check_returncode()
    loaded = time.perf_counter() - started
    lines = [json.loads(line) for line in made.stdout.strip().splitlines()]
    credentials = lines[-1]
    reports = {
        "gradebook page": "/classes/{pk}/gradebook/",
        "gradebook CSV": "/classes/{pk}/gradebook.csv",
        "item analysis": "/api/v1/quizzes/{slug}/item-analysis/",
        "forecast": "/api/v1/cohorts/{pk}/forecast/",
    }
    urls = {
        (report, size): path.format(pk=pk, slug=slug)
        for _kind, size, pk, slug in lines[:-1]
        for report, path in reports.items()
    }
    counted = subprocess.run(
        [sys.executable, "-c", STUDY_QUERY_COUNTS % (json.dumps(credentials), list(urls.values()))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    counted.check_returncode()
    counts = json.loads(counted.stdout.strip().splitlines()[-1])
    headers = {"Cookie": credentials["cookie"], "Authorization": f"Token {credentials['token']}"}
    server, base = start_server(env, args.workers)
    medians = {}
    load_before = os.getloadavg()
    try:
        for _ in range(10):  # warm up
            fetch(base + "/bench/bare/")
        medians["bare"] = statistics.median(fetch(base + "/bench/bare/")[0] for _ in range(args.requests)) * 1000
        latencies = {key: [] for key in urls}
        for url in urls.values():
            fetch(base + url, headers)
        for _ in range(args.requests):  # interleaved, so that the machine's load falls on both sizes alike
            for key, url in urls.items():
                seconds, status, _body = fetch(base + url, headers)
                assert status == 200, (url, status)
                latencies[key].append(seconds)
        for key in urls:
            medians[key] = statistics.median(latencies[key]) * 1000
    finally:
        server.terminate()
        server.wait(timeout=10)
    load_after = os.getloadavg()
    print(
        f"gradebook: {GRADEBOOK_QUIZZES} quiz assignments of {GRADEBOOK_QUESTIONS} questions, an attempt at each by "
        f"every student (loaded in {loaded:.0f} s); {args.requests} sequential requests per URL and size, interleaved, "
        f"gunicorn -w {args.workers}, {env['DATABASE_URL'].split(':')[0]}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    small, large = GRADEBOOK_CLASSES
    print(f"{'request':32} {'students':>8} {'median':>9} {'x bare':>7} {'SQL':>4} {'KB':>7} {f'{large}/{small}':>7}")
    print(f"{'/bench/bare/':32} {'':>8} {medians['bare']:8.2f}m {1.0:7.1f} {0:>4} {0:7.1f}")
    for report in reports:
        for size in GRADEBOOK_CLASSES:
            status, queries, length = counts[urls[(report, size)]]
            ratio = f"{medians[(report, large)] / medians[(report, small)]:.2f}x" if size == large else ""
            print(
                f"{report:32} {size:>8} {medians[(report, size)]:8.2f}m {medians[(report, size)] / medians['bare']:7.1f} "
                f"{queries:>4} {length / 1024:7.1f} {ratio:>7}"
            )


QUERY_COUNTS_BY_URL = """
import django, json; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, out = Client(HTTP_AUTHORIZATION="Token %s"), {}
for size, url in %r.items():
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    out[size] = (response.status_code, len(ctx.captured_queries), len(response.content))
print(json.dumps(out))
"""


# The study-stats scenario: the stats page and API for one student with 20,000 reviews (bench/study.py).
STUDY_URLS = ["/bench/bare/", "/study/stats/", "/api/v1/study/stats/"]
STUDY_QUERY_COUNTS = """
import django, json; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
credentials, out = json.loads(%r), {}
for url in %r:
    client = Client(HTTP_COOKIE=credentials["cookie"], HTTP_AUTHORIZATION="Token " + credentials["token"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    out[url] = (response.status_code, len(ctx.captured_queries), len(response.content))
print(json.dumps(out))
"""


def study_stats_scenario(env, args, manage):
    """The stats page and API, one client at a time, for a student with 20,000 reviews of every card."""
    subprocess.run(
        manage + ["import_questions", "quizzes/content/questions.yaml"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    started = time.perf_counter()
    made = subprocess.run(
        [sys.executable, "-m", "bench.study"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    credentials = json.loads(made.stdout.strip().splitlines()[-1])
    loaded = time.perf_counter() - started
    counted = subprocess.run(
        [sys.executable, "-c", STUDY_QUERY_COUNTS % (json.dumps(credentials), STUDY_URLS)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    counts = json.loads(counted.stdout.strip().splitlines()[-1])
    headers = {"Cookie": credentials["cookie"], "Authorization": f"Token {credentials['token']}"}
    server, base = start_server(env, args.workers)
    rows = []
    try:
        for url in STUDY_URLS:
            for _ in range(3):  # warm up
                fetch(base + url, headers)
            latencies = sorted(fetch(base + url, headers)[0] for _ in range(args.requests))
            rows.append((url, statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.95) - 1] * 1000))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"one student, {credentials['cards']} cards, {credentials['reviews']} reviews (loaded in {loaded:.1f} s); "
        f"{args.requests} sequential requests per URL, gunicorn -w {args.workers}, {env['DATABASE_URL'].split(':')[0]}"
    )
    print(f"{'URL':24} {'status':>6} {'median':>9} {'p95':>9} {'x bare':>7} {'SQL':>4} {'KB':>6}")
    bare = rows[0][1]
    for url, median, p95 in rows:
        status, queries, size = counts[url]
        print(f"{url:24} {status:>6} {median:8.1f}m {p95:8.1f}m {median / bare:7.1f} {queries:>4} {size / 1024:6.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per URL (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--scenario",
        choices=["pages", "guessing", "quiz", "study-stats", "analysis", "forecast", "gradebook"],
        default="pages",
        help=(
            "pages: every URL against the bare view (default); guessing: the home page while 8 clients guess "
            "passwords; quiz: start, answer and submit attempts through the API; study-stats: the study "
            "statistics page and API for one student with 20,000 reviews; analysis: the item analysis endpoint over "
            "50 and 500 students; forecast: the class forecast endpoint over 50 and 500 students; gradebook: the "
            "gradebook page and CSV, item analysis and forecast for a class of 50 and one of 500"
        ),
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="URL",
        help="pages scenario: measure only this URL (repeatable; the bare view is always measured first)",
    )
    args = parser.parse_args()
    urls = [URLS[0], *(url for url in URLS[1:] if not args.only or url in args.only)]

    scratch = Path(tempfile.mkdtemp(prefix="sahel-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV_FILE": "",
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    env["DJANGO_STATIC_ROOT"] = str(scratch / "static")
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        [
            "import_briefing",
            "briefings/content/sahel-sovereignty-mirage.txt",
            "--pack",
            "briefings/content/pack",
            "--publish",
        ],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

    if args.scenario == "quiz":
        quiz_scenario(env, args, manage)
        return

    if args.scenario == "study-stats":
        study_stats_scenario(env, args, manage)
        return

    if args.scenario == "analysis":
        analysis_scenario(env, args)
        return

    if args.scenario == "forecast":
        forecast_scenario(env, args)
        return

    if args.scenario == "gradebook":
        gradebook_scenario(env, args)
        return

    if args.scenario == "guessing":
        subprocess.run(manage + ["create_demo_accounts"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        guessing_scenario(env, args)
        return

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "sahel_learn.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/bench/bare/")
                break
            except OSError:
                time.sleep(0.1)
        counts = query_counts(env)
        rows = []
        for url in urls:
            for _ in range(10):  # warm up
                fetch(base + url)
            with ThreadPoolExecutor(max_workers=4) as pool:
                started = time.perf_counter()
                results = list(pool.map(fetch, [base + url] * args.requests))
                elapsed = time.perf_counter() - started
            statuses = {status for _, status, _ in results}
            latencies = sorted(seconds for seconds, _, _ in results)
            body = results[0][2]
            rows.append(
                {
                    "url": url,
                    "status": ",".join(map(str, sorted(statuses))),
                    "median_ms": statistics.median(latencies) * 1000,
                    "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
                    "rps": args.requests / elapsed,
                    "queries": counts[url][1],
                    "gzip_kb": len(gzip.compress(body)) / 1024,
                }
            )
    finally:
        server.terminate()
        server.wait(timeout=10)

    bare = rows[0]["median_ms"]
    print(
        f"{args.requests} requests per URL, 4 client threads, gunicorn -w {args.workers}, {env['DATABASE_URL'].split(':')[0]}"
    )
    print(f"{'URL':55} {'status':>6} {'median':>8} {'p95':>8} {'req/s':>7} {'x bare':>7} {'SQL':>4} {'gzip KB':>8}")
    for row in rows:
        print(
            f"{row['url']:55} {row['status']:>6} {row['median_ms']:7.2f}m {row['p95_ms']:7.2f}m {row['rps']:7.0f} "
            f"{row['median_ms'] / bare:7.1f} {row['queries']:>4} {row['gzip_kb']:8.1f}"
        )


if __name__ == "__main__":
    main()
