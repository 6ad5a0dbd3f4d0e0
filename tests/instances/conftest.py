"""Real gunicorn instances (``gunicorn.conf.py``, each master with its own workers) on the
run's PostgreSQL database, trusting the test OpenID provider, with the simulator as the
Cybersource sandbox. The test's in-process app (same database and instance folder, so the
same encryption keys) signs users in and adds the merchant profile.

    def test_x(start_instances, profile_id, tenant_a_member):
        one, two = start_instances(2, workers=2, redis_url=redis_url)
        requests.get(one.url + "/api/v1/me", headers=tenant_a_member.headers)

Every instance is stopped, workers and all, when the test ends, pass or fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask

from addin_server.dev.gunicorn_process import (
    GunicornInstance,
    InstanceSpec,
    addin_environment,
    gunicorn_instances,
)
from addin_server.dev.loopback import LOOPBACK_HOST, free_port
from addin_server.dev.simulator import DemoMerchant, SimulatorMerchant, demo_merchant
from tests.profile_support import add_sandbox_profile
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

MERCHANT_ID = "instances_shop"
PREFIX = "INV-"
LOG_TAIL_CHARS = 4000


@pytest.fixture(scope="session")
def demo() -> DemoMerchant:
    return demo_merchant(MERCHANT_ID)


@pytest.fixture
def simulator_merchants(demo: DemoMerchant) -> dict[str, SimulatorMerchant]:
    return {MERCHANT_ID: demo.merchant}


@pytest.fixture
def app_config(app_config: dict[str, Any], simulator: RunningSimulator) -> dict[str, Any]:
    return {
        **app_config,
        "cybersource_sandbox_url": simulator.url,
        "cybersource_connect_timeout": 1.0,
        "cybersource_read_timeout": 2.0,
    }


@pytest.fixture
def upstream_numbers(simulator: RunningSimulator) -> Callable[[], list[str]]:
    """The invoice numbers the simulator holds for the merchant, counted in its own book."""
    return lambda: simulator.invoice_numbers(MERCHANT_ID)


@pytest.fixture
def profile_id(app: Flask, tenant_a_admin: SignedInUser, demo: DemoMerchant) -> str:
    profile = add_sandbox_profile(
        app.test_client(), tenant_a_admin.headers, demo, invoice_number_prefix=PREFIX
    )
    return str(profile["id"])


@pytest.fixture
def start_instances(
    app: Flask, app_config: dict[str, Any], tmp_path: Path
) -> Iterator[Callable[..., list[GunicornInstance]]]:
    """``start_instances(count, workers=2, **settings)``: ``count`` gunicorn instances of the
    test's configuration with ``settings`` on top, each with its own metrics folder and log."""
    numbers = itertools.count(1)
    with ExitStack() as stack:

        def start(count: int, *, workers: int = 2, **settings: Any) -> list[GunicornInstance]:
            specs, logs = [], []
            for _ in range(count):
                name = f"instance-{next(numbers)}"
                logs.append(tmp_path / f"{name}.log")
                overrides = {**app_config, "bind": f"{LOOPBACK_HOST}:{free_port()}", **settings}
                specs.append(
                    InstanceSpec(
                        addin_environment(overrides),
                        workers,
                        metrics_dir=tmp_path / f"{name}-metrics",
                        log=stack.enter_context(logs[-1].open("wb")),
                    )
                )
            try:
                return stack.enter_context(gunicorn_instances(specs))
            except RuntimeError as error:
                tails = [log.read_text(errors="replace")[-LOG_TAIL_CHARS:] for log in logs]
                raise RuntimeError("\n".join([str(error), *tails])) from error

        yield start
