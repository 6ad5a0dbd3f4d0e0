"""The app under real gunicorn, with the production ``gunicorn.conf.py``, on loopback.

For the load test and the tests of several instances: each instance is one master with its
own workers, configured only through ``ADDIN_*`` variables (built from settings overrides by
``addin_environment``), and is stopped with all its workers when the ``with`` block ends,
however it ends. ``gunicorn_instances`` starts several at once (their workers boot in
parallel) and yields once each answers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import requests

from addin_server.config import ENV_PREFIX

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
STOP_SECONDS = 10.0


def addin_environment(overrides: Mapping[str, Any]) -> dict[str, str]:
    """This process's environment without its ``ADDIN_*`` variables, plus ``overrides``
    (settings field names, typed values as ``create_app`` takes them) as ``ADDIN_*``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    for name, value in overrides.items():
        text = ",".join(map(str, value)) if isinstance(value, tuple | list) else str(value)
        env[ENV_PREFIX + name.upper()] = text
    return env


@dataclass(frozen=True)
class InstanceSpec:
    """One instance to start: its ``ADDIN_*`` environment (``ADDIN_BIND`` set), its worker
    count (None: ``gunicorn.conf.py``'s), its metrics folder (multiprocess mode, one per
    instance) and where its output goes."""

    env: Mapping[str, str]
    workers: int | None
    metrics_dir: Path | None = None
    log: BinaryIO | int | None = subprocess.DEVNULL  # None: this process's stdout and stderr


@dataclass(frozen=True)
class GunicornInstance:
    url: str
    master_pid: int
    metrics_dir: Path | None  # PROMETHEUS_MULTIPROC_DIR: every worker's counts for /metrics

    def worker_pids(self) -> list[int]:
        """The master's live children (Linux ``/proc``)."""
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        try:
            return sorted(int(pid) for pid in children.read_text().split())
        except OSError:
            return []


def _spawn(spec: InstanceSpec) -> subprocess.Popen[bytes]:
    env = dict(spec.env)
    if spec.workers is not None:
        env["GUNICORN_WORKERS"] = str(spec.workers)
    if spec.metrics_dir is not None:
        env["PROMETHEUS_MULTIPROC_DIR"] = str(spec.metrics_dir)
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
    return subprocess.Popen(  # noqa: S603 (gunicorn from our own venv)
        [*command, "--access-logfile", "/dev/null", "addin_server:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=spec.log,
        stderr=spec.log,
        start_new_session=True,  # its own process group: stopped as a whole
    )


def _wait_until_up(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or no worker booted yet
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn at {url} did not start (exit code {process.poll()})")


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (graceful, as systemd stops it) to each whole process group at once, SIGKILL
    to what lingers. Not SIGQUIT: gunicorn 27's gthread worker can deadlock on it (its signal
    handler shuts the thread pool down while the interrupted code holds the pool's lock)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
        if all(process.returncode is not None for process in processes):
            return


@contextlib.contextmanager
def gunicorn_instances(
    specs: Sequence[InstanceSpec], start_timeout: float = 60.0
) -> Iterator[list[GunicornInstance]]:
    """``gunicorn -c gunicorn.conf.py`` for each spec, all started at once; yields once a
    worker of each answers ``/healthz``."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for spec in specs:
            processes.append(_spawn(spec))
        instances = [
            GunicornInstance(f"http://{spec.env[ENV_PREFIX + 'BIND']}", p.pid, spec.metrics_dir)
            for spec, p in zip(specs, processes, strict=True)
        ]
        deadline = time.monotonic() + start_timeout
        for instance, process in zip(instances, processes, strict=True):
            _wait_until_up(instance.url, process, deadline)
        yield instances
    finally:
        _stop(processes)
