"""CPU per study request through gunicorn: in its workers, in the client, and in PostgreSQL's processes.

Usage, on the 3M database ``bench/study_scale.py --keep DIR`` left (students 300 to 379; the 30k one has
100), which it changes by rating cards, as ``--reuse`` does::

    .venv/bin/python bench/study_server_cpu.py sqlite:///DIR/study-3m.sqlite3
    .venv/bin/python bench/study_server_cpu.py postgres://postgres@127.0.0.1:5432/bench_study_3m

One gunicorn (production settings, ``-w 2``) and 4 client threads, as ``bench/study_scale.py`` runs
them; for each kind of request (the bare view, the floor, the next card, a next card and its rating)
200 requests, and the CPU time they took from ``/proc``: the gunicorn workers', this process's (the
clients), and, on PostgreSQL, every ``postgres`` process's on this machine. With the cores busy,
throughput follows the CPU a request costs in all.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import call, fetch, start_server  # noqa: E402
from bench.study_scale import rating_of  # noqa: E402

SETUP = """
import django, json; django.setup()
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from bench.study_data import USERNAME
print(json.dumps([Token.objects.get_or_create(user=User.objects.get(username=USERNAME.format(n)))[0].key
                  for n in range(300, 380)]))
"""
CLIENTS, ROUNDS = 4, 50


def cpu_of(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def children(pid):
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid, *map(int, found)]


def postgres_pids():
    return subprocess.run(["pgrep", "postgres"], capture_output=True, text=True).stdout.split()


def client(base, tokens, kind, number):
    rng = random.Random(number)
    for round_ in range(ROUNDS):
        token = tokens[(number + CLIENTS * round_) % len(tokens)]
        if kind == "bare":
            fetch(base + "/bench/bare/")
        elif kind == "floor":
            call(base, token, "get", "/bench/study/floor/")
        else:
            _seconds, status, content = call(base, token, "get", "/api/v1/study/next/?deck=all")
            card = json.loads(content)["card"] if status == 200 else None
            if kind == "next and rate" and card:
                call(base, token, "post", "/api/v1/study/reviews/", rating_of(card, rng))


def main():
    url = sys.argv[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_ENV_FILE": "", "PYTHONPATH": str(ROOT),
           "DATABASE_URL": url}  # fmt: skip
    made = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    tokens = json.loads(made.stdout.strip().splitlines()[-1])
    server, base = start_server(env, 2)
    try:
        for _ in range(20):
            fetch(base + "/bench/bare/")
        print(f"{url}: {CLIENTS} clients x {ROUNDS} rounds, CPU per round (ms)")
        print(f"{'kind':14} {'wall':>6} {'gunicorn':>9} {'client':>7} {'postgres':>9}")
        for kind in ("bare", "floor", "next", "next and rate") * 2:
            workers = children(server.pid)
            before = (time.perf_counter(), cpu_of(workers), time.process_time(), cpu_of(postgres_pids()))
            threads = [threading.Thread(target=client, args=(base, tokens, kind, n)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            after = (time.perf_counter(), cpu_of(workers), time.process_time(), cpu_of(postgres_pids()))
            wall, gunicorn, clients, postgres = (
                (b - a) * 1000 / (CLIENTS * ROUNDS) for a, b in zip(before, after, strict=True)
            )
            print(f"{kind:14} {wall:6.2f} {gunicorn:9.2f} {clients:7.2f} {postgres:9.2f}")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
