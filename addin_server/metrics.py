"""``/metrics`` in Prometheus's text format (prometheus-client).

- ``addin_http_requests_total{method,route,status}`` and
  ``addin_http_request_duration_seconds{method,route}``: ``route`` is the URL rule
  (``/api/v1/merchants/<uuid:profile_id>``), never the raw path, so ids do not explode the
  series; requests no rule matched count as ``(unmatched)``.
- ``addin_http_request_cpu_seconds_total{method,route}``: CPU time of the thread that served
  the request, from its first hook to its answer (where each route's cost is, under load).
- ``addin_upstream_requests_total{service,host,method,status}`` and
  ``addin_upstream_request_duration_seconds{service,host}``: every attempt of every call to
  Cybersource; ``status`` is the HTTP status, or ``timeout``/``connection`` when no answer came.

Reachable from the networks in ``ADDIN_METRICS_ALLOW`` (default loopback only), or from
anywhere with ``Authorization: Bearer <ADDIN_METRICS_TOKEN>``; others get 403.

Under gunicorn each worker counts on its own; set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
folder writable by the workers, one per instance (``gunicorn.conf.py`` empties it at start
and drops the gauges of workers that exit), and ``/metrics`` adds up the counts of every
worker of that instance, exited ones included. Scrape each instance at its own address
(DEPLOYMENT.md, *Monitoring*).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Blueprint, Flask, Response, abort, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from addin_server.config import Settings
from addin_server.context import current_settings
from addin_server.cybersource import UpstreamCall, observe_calls

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "(unmatched)"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUESTS = Counter(
    "addin_http_requests", "Requests answered, by route template", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "addin_http_request_duration_seconds",
    "Time from the request's start to its answer, by route template",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_CPU = Counter(
    "addin_http_request_cpu_seconds",
    "CPU time of the serving thread from the request's start to its answer, by route template",
    ["method", "route"],
)
UPSTREAM_REQUESTS = Counter(
    "addin_upstream_requests",
    "Calls (each attempt) to upstream services, by answer status",
    ["service", "host", "method", "status"],
)
UPSTREAM_LATENCY = Histogram(
    "addin_upstream_request_duration_seconds",
    "Time of each upstream call attempt",
    ["service", "host"],
    buckets=_LATENCY_BUCKETS,
)

bp = Blueprint("metrics", __name__)


def record_upstream(call: UpstreamCall) -> None:
    status = str(call.status) if call.status is not None else (call.error or "error")
    UPSTREAM_REQUESTS.labels("cybersource", call.host, call.method, status).inc()
    UPSTREAM_LATENCY.labels("cybersource", call.host).observe(call.seconds)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()
    g.metrics_cpu_started = time.thread_time()


def _record_request(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is None or request.endpoint == "metrics.metrics":
        return response
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    HTTP_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    HTTP_CPU.labels(request.method, route).inc(time.thread_time() - g.pop("metrics_cpu_started"))
    return response


def may_read_metrics(settings: Settings, remote_addr: str | None, authorization: str) -> bool:
    """From an allowed network, or with the configured bearer token."""
    if settings.metrics_token:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), settings.metrics_token.encode()
        ):
            return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in settings.metrics_allow)


def exposition() -> bytes:
    """Every worker's counts under gunicorn with a multiprocess folder, else this process's."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@bp.get("/metrics")
def metrics() -> Response:
    if not may_read_metrics(
        current_settings(), request.remote_addr, request.headers.get("Authorization", "")
    ):
        abort(403)
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Time every request (register first, so the time covers the other hooks) and serve
    ``/metrics``; count every Cybersource call attempt."""
    app.before_request(_start_timer)
    app.after_request(_record_request)
    observe_calls(record_upstream)
    app.register_blueprint(bp)
