"""gunicorn's settings for Sahel Learn, read from the directory gunicorn starts in.

``make run`` starts ``gunicorn --bind 127.0.0.1:$(PORT)`` here; a deployment that starts gunicorn from
this directory gets the same settings (its own ``--bind`` and ``--workers`` take precedence).
"""

import os

wsgi_app = "sahel_learn.wsgi:application"
# Only this machine unless told otherwise (gunicorn would otherwise listen on 0.0.0.0 when PORT is set).
bind = ["127.0.0.1:8000"]
# One process per core, one request at a time each (gunicorn's sync workers). The app is CPU-bound
# (SQLite, templates): threads in a worker share one GIL, so four of them doubled the pages' p95 and
# slowed their medians, and with the lockout on (a guess is refused before any password is hashed) they
# did not help the password-guessing scenario either (docs/performance.md, "Issue 6: before and after").
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# gunicorn's default (4094 bytes) answers a longer request line with its own HTML 414 page. Let
# addresses up to gunicorn's largest bounded value (8190 bytes, nginx's default too) reach Django,
# so a query too long for a field gets the site's own 400 and message; longer lines are still refused.
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
# No control socket ($HOME/.gunicorn/gunicorn.ctl): several servers on one machine (make run, the
# benchmark, the tests) would share its path.
control_socket_disable = True
