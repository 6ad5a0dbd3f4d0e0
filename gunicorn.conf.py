"""Production serving: ``gunicorn -c gunicorn.conf.py "addin_server:create_app()"``.

Settings come from the same ADDIN_* variables as the app (ADDIN_BIND, ADDIN_TLS_CERT,
ADDIN_TLS_KEY); GUNICORN_WORKERS and GUNICORN_THREADS override the worker and thread counts.
"""

import multiprocessing
import os
from pathlib import Path

from prometheus_client import multiprocess

bind = os.environ.get("ADDIN_BIND", "127.0.0.1:3000")
# Requests mostly wait (PostgreSQL, Cybersource): one worker per core, each with threads that
# keep moving while others wait. Measured with scripts/loadtest.py (50 users, 2 cores): 2
# workers x 8 threads used 6-9 ms of server CPU per request and served the most; 5 x 4 (the
# old 2 x cores + 1) used 13 ms, most of the difference spent switching between processes.
# Each thread may hold two database connections (storage.Database sizes its pool for 8).
workers = int(os.environ.get("GUNICORN_WORKERS", min(max(multiprocessing.cpu_count(), 2), 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Longer than the Cybersource read timeout (30 s by default) plus the identity provider's.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycles a worker now and then (bounds any slow leak); at a few hundred requests a second a
# lower count would reboot a worker every few seconds under load.
max_requests = 20000
max_requests_jitter = 2000
# Each worker builds its own app and database pool: never share connections across forks.
preload_app = False
forwarded_allow_ips = os.environ.get("ADDIN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for gunicornc) is one path per user ($HOME/.gunicorn/gunicorn.ctl):
# a second instance on the host would take over the first's. Reload and stop use signals.
control_socket_disable = True

# gunicorn answers these itself, in plain text, before the app sees the request: a request
# line over 8190 bytes is a 414, more than 100 header fields or one over 20000 bytes a 431.
# A session or Entra token is at most 16 KB (the app refuses larger ones with a 401 problem),
# so the field size leaves room for it; a reverse proxy in front usually has lower limits.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 20000

certfile = os.environ.get("ADDIN_TLS_CERT") or None
keyfile = os.environ.get("ADDIN_TLS_KEY") or None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("ADDIN_LOG_LEVEL", "info").lower()
# JSON, and %(U)s is the path without the query string (which may carry OAuth codes).
access_log_format = (
    '{"logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s"}'
)


# /metrics adds up every worker's counts when PROMETHEUS_MULTIPROC_DIR names a folder the
# workers can write (emptied here at start; the files of a worker that exits are dropped).
def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for leftover in Path(folder).glob("*.db"):
            leftover.unlink()


def post_worker_init(worker):
    # The pre-fill lexicon and its patterns take about a second to load: the worker, not the
    # first user to open the taskpane after a start or a recycle, pays it.
    from addin_server.prefill import warm_up

    warm_up()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
