"""Ops in a real browser: fail a node from the admin, see it failed and its MCUs migrating (R-4.3)."""

import pytest

from catalog.choices import DomainKind
from scheduler import services
from scheduler.choices import McuStatus, NodeStatus
from scheduler.models import Node
from tests.factories import PASSWORD, make_org, make_staff
from tests.scheduler.conftest import build_pool

pytestmark = pytest.mark.django_db(transaction=True)


def test_ops_fails_a_node_and_mcus_migrate(page, live_server):
    pool = build_pool()
    org = make_org()
    allocation = services.mcus_allocate(
        organization=org, region=pool.region, domain_kind=DomainKind.NORMAL, quantity=5, reference="line"
    )
    node = Node.objects.get(pk=allocation.mcus.first().node_id)
    ops = make_staff("ops", email="ops@example.com")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", ops.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/scheduler/node/?q={node.name}")
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "fail_now")
    page.click("button[name=index]")
    page.wait_for_load_state("networkidle")
    assert page.locator("ul.messagelist li.success").count() == 1

    node.refresh_from_db()
    assert node.status == NodeStatus.FAILED
    assert set(allocation.mcus.values_list("status", flat=True)) == {McuStatus.MIGRATING}
    page.goto(f"{live_server.url}/admin/scheduler/mcu/?status__exact=migrating")
    assert page.locator("#result_list tbody tr").count() == 5
    page.goto(f"{live_server.url}/admin/scheduler/alert/")
    assert node.name in page.locator("#result_list").inner_text()
