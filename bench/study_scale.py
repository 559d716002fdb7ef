"""Benchmark study at scale: "next due card" and "record a rating" at 30,000 and 3,000,000 review states.

Usage: ``.venv/bin/python bench/study_scale.py [--sizes 30k 3m] [--requests 200]`` (SQLite scratch files), or
with ``DATABASE_URL=postgres://...`` (a scratch database per size, ``bench_study_30k`` and
``bench_study_3m``, dropped and made again on that server; the database named in the URL is not touched).

For each size: migrate, import the article and the reviewed questions, fill the review states with
``bench/study_data.py`` (100 or 10,000 students x 300 cards, a year of logs for 1% of the students, at
least 5), ANALYZE (what autovacuum does on PostgreSQL after a bulk load). Then one gunicorn per size
(production settings, ``-w 2``), and from 4 client threads, each taking turns over 20 of the loaded
students (API tokens; the same students, loaded alike, at both sizes), study: GET the next card,
POST a rating of it with the version it was shown at and a fresh request key, again and again. The
sizes take turns, 5 rounds per client each, and the bare view is timed on each server the same way,
so the load of the shared machine, which drifts, weighs on every row alike. Measured are the real
API (``/api/v1/study/...``, once it exists) and the engine alone (``bench/urls.py``: StudyQueue.of,
StudyCard, preview_ratings; record_review; no serializers). It prints, per request: the median and
95th percentile, throughput (4 clients over the mean latency: what 4 clients doing only this request
get), that as a share of the bare view's, and the SQL queries one request makes (counted in-process
for a 81st student); the plan (EXPLAIN; ANALYZE on PostgreSQL) of the due query, and any full scan of
the review states or logs among every query the requests make; and the 3M/30k ratio of each median.

``--keep DIR`` keeps the SQLite files in DIR (PostgreSQL: keeps the databases) and ``--reuse``
benchmarks an existing one without loading it again (its students start where the last run left them).
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import call, fetch, start_server  # noqa: E402

SIZES = {"30k": 100, "3m": 10_000}  # students; 300 cards each
CARDS = 300
CLIENTS = 4
STUDENTS = 80  # the clients take turns over them (20 each), so nobody runs out of due cards
ENDPOINTS = {
    "api": ("/api/v1/study/next/?deck=all", "/api/v1/study/reviews/"),
    "engine only": ("/bench/study/next/", "/bench/study/reviews/"),
    "floor": ("/bench/study/floor/", None),  # the next card's SQL run raw, py-fsrs and DRF only (bench/urls.py)
}
RATINGS = (1, 2, 3, 3, 3, 3, 3, 3, 4, 4)  # Again 10%, Hard 10%, Good 60%, Easy 20%

SETUP = """
import django, json; django.setup()
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from bench.study_data import USERNAME
tokens = [Token.objects.get_or_create(user=User.objects.get(username=USERNAME.format(n)))[0].key for n in range(%d)]
print(json.dumps(tokens))
"""

# In-process (Django's test client, production settings): SQL per request, the due query's plan,
# and the plan of every query the requests make, to find any full-table scan.
INSPECT = """
import django, json, uuid; django.setup()
import re
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from quizzes.models import ReviewState
token = Token.objects.select_related("user").get(key=%r)
user = token.user
out = {"counts": {}, "scans": [], "plan": ReviewState.objects.due(user, timezone.now()).explain(
    **({"analyze": True} if connection.vendor == "postgresql" else {}))}
client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
seen = set()
for name, (next_url, review_url) in %r.items():
    with CaptureQueriesContext(connection) as shown:
        response = client.get(next_url)
    if response.status_code == 404:
        continue
    card = response.json()["card"]
    out["counts"][name] = [(response.status_code, len(shown))]
    if review_url is None:
        continue
    data = {"question": card["question"], "version": card["version"], "rating": 3, "request_key": uuid.uuid4().hex}
    with CaptureQueriesContext(connection) as rated:
        reviewed = client.post(review_url, data=json.dumps(data), content_type="application/json")
    out["counts"][name].append((reviewed.status_code, len(rated)))
    for query in shown.captured_queries + rated.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or sql in seen:
            continue
        seen.add(sql)
        with connection.cursor() as cursor:
            cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql)
            plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
        big = ("quizzes_reviewstate", "quizzes_reviewlog")
        aliases = [*big, *(alias for table, alias in re.findall(r'"(\\w+)" (U\\d+)', sql) if table in big)]
        if any(f"Seq Scan on {a}" in plan or f"SCAN {a} " in plan + " " for a in aliases):
            out["scans"].append((sql[:400], plan))
print(json.dumps(out))
"""


def scratch_database(env, size, keep):
    """The scratch database's URL for ``size``: a SQLite file, or a PostgreSQL database of its own."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{keep / f'study-{size}.sqlite3'}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/bench_study_{size}"))


def recreate_postgres(url):
    """Drop and create the scratch database (the server's ``postgres`` database is used to do it)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert name.startswith("bench_study_"), name  # never another database
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def prepare(env, size, students):
    """Migrate, import, load and ANALYZE a fresh scratch database."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    if env["DATABASE_URL"].startswith("postgres"):
        recreate_postgres(env["DATABASE_URL"])
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(urlsplit(env["DATABASE_URL"]).path + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["import_briefing", "briefings/content/sahel-sovereignty-mirage.txt", "--pack", "briefings/content/pack"],
        ["import_questions", "quizzes/content/questions.yaml"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"[{size}] migrated and imported ({time.perf_counter() - started:.0f} s); loading {students} x {CARDS}")
    subprocess.run(
        [sys.executable, "-m", "bench.study_data", "--students", str(students), "--cards", str(CARDS), "--analyze"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    print(f"[{size}] ready ({time.perf_counter() - started:.0f} s)")


def rating_of(card, rng):
    """A rating of ``card`` as the API's next card gave it: drawn from RATINGS, with a fresh request key."""
    return {
        "question": card["question"],
        "version": card["version"],
        "rating": rng.choice(RATINGS),
        "request_key": uuid.uuid4().hex,
    }


def study(base, tokens, endpoints, rounds, seed, results, first=0):
    """One client: ``rounds`` times, the next card of one of its students (in turn), then a rating of it."""
    next_url, review_url = endpoints
    rng = random.Random(seed)
    for number in range(first, first + rounds):
        token = tokens[number % len(tokens)]
        seconds, status, content = call(base, token, "get", next_url)
        results.append(("next", seconds, status))
        card = json.loads(content).get("card") if status == 200 else None
        if card is None or review_url is None:
            continue
        seconds, status, _content = call(base, token, "post", review_url, rating_of(card, rng))
        results.append(("rate", seconds, status))


def row(name, latencies, statuses, queries=""):
    latencies = sorted(latencies)
    mean = statistics.fmean(latencies)
    return {
        "name": name,
        "status": ",".join(map(str, sorted(statuses))),
        "n": len(latencies),
        "median": statistics.median(latencies) * 1000,
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
        "rps": CLIENTS / mean,
        "queries": queries,
    }


CHUNK = 5  # study rounds per client before switching to the other size's server


def get_ready(env):
    """Tokens for the students, the in-process inspection, and a started server: a dict for ``measure``."""
    made = subprocess.run(
        [sys.executable, "-c", SETUP % (STUDENTS + 1)], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    tokens = json.loads(made.stdout.strip().splitlines()[-1])
    inspected = subprocess.run(
        [sys.executable, "-c", INSPECT % (tokens.pop(), ENDPOINTS)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if inspected.returncode:
        sys.exit(inspected.stderr)
    server, base = start_server(env, 2)
    return {"tokens": tokens, "inspection": json.loads(inspected.stdout.strip().splitlines()[-1]), "server": server,
            "base": base, "results": {}}  # fmt: skip


def measure(ready, requests):
    """Time every request at every size, the sizes taking turns (CHUNK rounds each) so that the shared
    machine's load, which drifts, weighs on them alike. Fills each size's ``results``."""
    for item in ready.values():
        for _ in range(20):  # warm up
            fetch(item["base"] + "/bench/bare/")
    rounds = max(1, requests // CLIENTS)
    for _start in range(0, rounds, CHUNK):
        for item in ready.values():
            with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                bare = list(pool.map(fetch, [item["base"] + "/bench/bare/"] * (CHUNK * CLIENTS)))
            item["results"].setdefault("bare", []).extend(("bare", seconds, status) for seconds, status, _ in bare)
    for name, endpoints in ENDPOINTS.items():
        present = {size: item for size, item in ready.items() if name in item["inspection"]["counts"]}
        for item in present.values():
            for token in item["tokens"][:CLIENTS]:  # warm up each worker on this code
                call(item["base"], token, "get", endpoints[0])
                call(item["base"], token, "get", endpoints[0])
        for start in range(0, rounds, CHUNK):
            for item in present.values():
                results = item["results"].setdefault(name, [])
                threads = [
                    threading.Thread(
                        target=study,
                        args=(
                            item["base"],
                            item["tokens"][number::CLIENTS],
                            endpoints,
                            min(CHUNK, rounds - start),
                            f"{name}:{number}:{start}",
                            results,
                            start,
                        ),
                    )  # fmt: skip
                    for number in range(CLIENTS)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()


def rows_of(item):
    results, counts = item["results"], item["inspection"]["counts"]
    rows = [row("/bench/bare/ (baseline)", [s for _, s, _ in results["bare"]], {st for _, _, st in results["bare"]}, 0)]
    for name in ENDPOINTS:
        if name not in results:
            continue
        for index, (step, label) in enumerate((("next", "next card"), ("rate", "rate it"))):
            picked = [(seconds, status) for kind, seconds, status in results[name] if kind == step]
            if picked and index < len(counts[name]):
                rows.append(
                    row(f"{name}: {label}", [s for s, _ in picked], {st for _, st in picked}, counts[name][index][1])
                )
    return rows


def report(size, vendor, rows, inspection):
    bare = rows[0]
    print(f"\n{size} ({vendor}), {CLIENTS} clients at once over {STUDENTS} students, gunicorn -w 2")
    print(f"{'request':28} {'status':>7} {'n':>4} {'median':>9} {'p95':>9} {'req/s':>7} {'of bare':>8} {'SQL':>4}")
    for r in rows:
        print(
            f"{r['name']:28} {r['status']:>7} {r['n']:>4} {r['median']:7.2f}ms {r['p95']:7.2f}ms "
            f"{r['rps']:7.0f} {r['rps'] / bare['rps']:7.0%} {r['queries']:>4}"
        )
    print(f"plan of ReviewState.objects.due(user, now):\n{inspection['plan']}")
    if inspection["scans"]:
        print("FULL SCANS of review states or logs:")
        for sql, plan in inspection["scans"]:
            print(f"  {sql}\n    -> {plan}")
    else:
        print("no request query scans quizzes_reviewstate or quizzes_reviewlog")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--requests", type=int, default=200, help="study rounds (next + rate) in all (default 200)")
    parser.add_argument("--keep", type=Path, help="keep the SQLite files in this directory (PostgreSQL: the databases)")
    parser.add_argument("--reuse", action="store_true", help="benchmark the kept databases without loading them again")
    args = parser.parse_args()
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep")

    scratch = Path(tempfile.mkdtemp(prefix="sahel-study-"))
    keep = args.keep or scratch
    keep.mkdir(parents=True, exist_ok=True)
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV_FILE": "",
        "PYTHONPATH": str(ROOT),
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
    }
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
        env={**base_env, "DATABASE_URL": "sqlite:///:memory:"},
        cwd=ROOT,
        check=True,
    )
    envs = {size: {**base_env, "DATABASE_URL": scratch_database(base_env, size, keep)} for size in args.sizes}
    if not args.reuse:
        for size, env in envs.items():
            prepare(env, size, SIZES[size])
    ready = {}
    try:
        for size, env in envs.items():
            ready[size] = get_ready(env)
            for name, (next_url, _review) in ENDPOINTS.items():
                if name not in ready[size]["inspection"]["counts"]:
                    print(f"[{size}] {name}: {next_url} answers 404, not measured")
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        measure(ready, args.requests)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        for item in ready.values():
            item["server"].terminate()
            item["server"].wait(timeout=10)
    medians = {}
    for size, item in ready.items():
        rows = rows_of(item)
        report(size, envs[size]["DATABASE_URL"].split(":")[0], rows, item["inspection"])
        medians[size] = {r["name"]: r for r in rows}
    if not args.keep:
        for env in envs.values():
            if env["DATABASE_URL"].startswith("postgres"):
                recreate_postgres(env["DATABASE_URL"])  # leave it empty
    shutil.rmtree(scratch)  # the static files, and without --keep the SQLite files (500 MB at 3M)
    if len(medians) == 2:
        small, large = medians["30k"], medians["3m"]
        print("\n3M / 30k: median time, and at 3M the throughput as a share of the bare view's")
        for name in large:
            if name in small:
                share = large[name]["rps"] / large["/bench/bare/ (baseline)"]["rps"]
                print(f"  {name:28} {large[name]['median'] / small[name]['median']:5.2f}  {share:6.1%}")


if __name__ == "__main__":
    main()
