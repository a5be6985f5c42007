"""The asset dashboard in a real Chromium: chart drawn from our static Plotly, the health matrix
following a node failure through htmx polling, a task submitted in the console running, and another
tenant seeing none of it (issue 6 "done when")."""

import datetime as dt

import pytest
from django.utils import timezone

from mcu_console.timeutil import local_today, start_of_local_day
from scheduler import health
from scheduler.choices import McuStatus, WorkloadKind
from scheduler.models import Mcu
from tests.assets import builders as b
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def estate(org):
    hz = b.region()
    pool = b.pool(org, hz, 8)
    first, second = b.node(hz, capacity=8), b.node(hz, capacity=16)
    units = b.mcus(org, hz, 4, on=first, reference=pool.allocation_reference)
    units += b.mcus(org, hz, 4, on=second, reference=pool.allocation_reference)
    today = start_of_local_day(local_today())
    for day in range(3):
        for unit in units[:2]:
            b.usage(unit, today - dt.timedelta(days=day, hours=-1), kind=WorkloadKind.TRAINING)
    return {"region": hz, "first": first, "units": units}


def squares(page, status: str) -> int:
    return page.locator(f"#health li.sq-{status}").count()


def test_matrix_follows_a_failure_and_a_task_runs(page, live_server, alice, estate, monkeypatch):
    monkeypatch.setattr("assets.views.HEALTH_POLL_SECONDS", 1)
    login(page, live_server, alice.email, PASSWORD)
    assert page.url.endswith("/assets/")  # customers land on the dashboard
    # the squares arrive by htmx right after the page
    page.wait_for_function("document.querySelectorAll('#health li.sq').length === 8", timeout=10_000)
    page.wait_for_selector("#trend-chart .main-svg")  # Plotly drew the chart from /static/vendor

    # ops: "fail now" on the node holding four of the MCUs
    health.node_fail_now(node=estate["first"])
    assert Mcu.objects.filter(status=McuStatus.MIGRATING).count() == 4
    page.wait_for_function(
        "document.querySelectorAll('#health li.sq-migrating').length === 4", timeout=10_000
    )
    assert squares(page, "normal") == 4

    # the migration completes: the squares turn back to normal without a reload
    health.mcus_promote_ready(region_id=estate["region"].pk, now=timezone.now() + dt.timedelta(hours=1))
    page.wait_for_function("document.querySelectorAll('#health li.sq-normal').length === 8", timeout=10_000)
    page.reload()
    events = page.locator("#events").inner_text()
    assert "4" in events and estate["units"][0].public_id[:4] in events
    assert "node-secret" not in page.content()

    # a task submitted in the console runs on the customer's own MCUs
    page.goto(f"{live_server.url}/assets/workloads/new/")
    page.fill("input[name=name]", "serve-qwen")
    page.select_option("select[name=kind]", "inference")
    page.fill("input[name=mcu_count]", "3")
    page.click("main form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/assets/workloads/" in page.url
    assert page.locator("#workload-status").inner_text() in ("运行中", "Running")
    assert page.locator("#workload-mcus li").count() == 3
    page.goto(f"{live_server.url}/assets/")
    page.wait_for_function("document.querySelectorAll('#health li.sq-busy').length === 3", timeout=10_000)


def test_other_tenant_sees_none_of_it(page, live_server, bob, estate):
    login(page, live_server, bob.email, PASSWORD)
    page.wait_for_selector("#health ul.legend")  # the matrix partial has loaded, empty
    assert page.locator("#health li.sq").count() == 0
    html = page.content()
    assert all(unit.public_id not in html for unit in estate["units"])
    page.goto(f"{live_server.url}/assets/workloads/")
    assert page.locator("#workload-rows tbody tr").count() == 1  # the "no tasks yet" row
