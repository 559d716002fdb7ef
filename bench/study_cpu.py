"""In-process CPU time of a study request: the next card and a rating, against the bare view.

Usage, on the 3M database ``bench/study_scale.py --keep DIR`` left (students 200 to 219; the 30k one has
100), which it changes by rating cards, as ``--reuse`` does::

    DATABASE_URL=sqlite:///DIR/study-3m.sqlite3 .venv/bin/python bench/study_cpu.py [--rounds 110] [--profile next|rate]

Django's test client with the benchmark's production settings and an API token, for 20 loaded
students in turn: ``/bench/bare/``, ``GET /api/v1/study/next/?deck=all``, then ``POST
/api/v1/study/reviews/`` of that card. Each request's process CPU time (``time.process_time``: the
machine's other work weighs less than on a wall clock) and wall time (with PostgreSQL, the server's
work is in the wall time only); the first five rounds are left out (they import and compile). With ``--profile``, cProfile of that request after the first ten rounds.
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from bench.study_scale import rating_of  # noqa: E402 - rated as that benchmark rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=110)
    parser.add_argument("--profile", choices=("next", "rate"))
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key (default cumulative)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench.study_data import USERNAME

    students = [User.objects.get(username=USERNAME.format(n)) for n in range(200, 220)]
    clients = [Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=s)[0].key}") for s in students]
    rng = random.Random(1)
    times = {"bare": [], "next": [], "rate": []}
    walls = {"bare": [], "next": [], "rate": []}
    profile = cProfile.Profile() if args.profile else None

    def timed(kind, request):
        profiled = profile is not None and kind == args.profile and len(times[kind]) >= 10
        started, wall = time.process_time(), time.perf_counter()
        if profiled:
            profile.enable()
        response = request()
        if profiled:
            profile.disable()
        times[kind].append(time.process_time() - started)
        walls[kind].append(time.perf_counter() - wall)
        return response

    for number in range(args.rounds):
        client = clients[number % len(clients)]
        timed("bare", lambda client=client: client.get("/bench/bare/"))
        shown = timed("next", lambda client=client: client.get("/api/v1/study/next/?deck=all"))
        card = shown.json()["card"]
        if card is None:
            continue
        data = rating_of(card, rng)
        rated = timed(
            "rate",
            lambda client=client, data=data: client.post(
                "/api/v1/study/reviews/", data=json.dumps(data), content_type="application/json"
            ),
        )
        assert rated.status_code == 201, rated.content
    for kind, seconds in times.items():
        kept, wall = seconds[5:], walls[kind][5:]
        print(
            f"{kind:5} CPU median {statistics.median(kept) * 1000:6.2f} ms, mean {statistics.fmean(kept) * 1000:6.2f} ms; "
            f"wall median {statistics.median(wall) * 1000:6.2f} ms ({len(kept)} requests)"
        )
    if profile is not None:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(60)


if __name__ == "__main__":
    main()
