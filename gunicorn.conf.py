"""Production serving: ``gunicorn -c gunicorn.conf.py "addin_server:create_app()"``.

Settings come from the same ADDIN_* variables as the app (ADDIN_BIND, ADDIN_TLS_CERT,
ADDIN_TLS_KEY); GUNICORN_WORKERS overrides the worker count.
"""

import multiprocessing
import os

bind = os.environ.get("ADDIN_BIND", "127.0.0.1:3000")
# Calls to Cybersource block a worker for up to the read timeout: threads keep others moving.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "gthread"
threads = 4
# Longer than the Cybersource read timeout (30 s by default) plus the identity provider's.
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# Each worker builds its own app and database pool: never share connections across forks.
preload_app = False
forwarded_allow_ips = os.environ.get("ADDIN_FORWARDED_ALLOW_IPS", "127.0.0.1")

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
