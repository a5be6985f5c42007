"""Ops admin: staff only; actions go through the health services (SPEC §7, R-2.2)."""

import pytest
from django.test import Client

from catalog.choices import DomainKind
from scheduler import services
from scheduler.choices import McuStatus, NodeStatus
from scheduler.models import Mcu, Node, Transition
from tests.factories import make_staff

URL = "/admin/scheduler/node/"


@pytest.fixture
def ops_client(db):
    client = Client()
    client.force_login(make_staff("ops"))
    return client


def test_anonymous_and_customers_are_kept_out(pool, alice_client):
    assert Client().get(URL).status_code == 302
    response = alice_client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_sales_staff_cannot_see_nodes(pool):
    client = Client()
    client.force_login(make_staff("sales"))
    assert client.get(URL).status_code == 403


def test_ops_lists_and_filters_nodes(pool, ops_client):
    response = ops_client.get(URL, {"domain__kind": DomainKind.TIGHTLY_COUPLED})
    assert response.status_code == 200
    body = response.content.decode()
    assert "cn-test-tc-a-n0" in body and "cn-test-normal-n0" not in body
    Node.objects.filter(name="cn-test-tc-b-n1").update(status=NodeStatus.MAINTENANCE)
    body = ops_client.get(URL, {"status": NodeStatus.MAINTENANCE}).content.decode()
    assert "cn-test-tc-b-n1" in body and "cn-test-tc-b-n0" not in body


def test_ops_fail_now_and_return_to_service(org, pool, ops_client):
    a = services.mcus_allocate(
        organization=org, region=pool.region, domain_kind="normal", quantity=4, reference="x"
    )
    node = Node.objects.get(pk=a.mcus.first().node_id)
    response = ops_client.post(URL, {"action": "fail_now", "_selected_action": [node.pk]}, follow=True)
    assert response.status_code == 200
    node.refresh_from_db()
    assert node.status == NodeStatus.FAILED
    assert set(a.mcus.values_list("status", flat=True)) == {McuStatus.MIGRATING}
    assert not Mcu.objects.filter(node=node).exists()
    # failing it again is refused with a message, not a 500
    response = ops_client.post(URL, {"action": "fail_now", "_selected_action": [node.pk]}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    ops_client.post(URL, {"action": "return_to_service", "_selected_action": [node.pk]})
    node.refresh_from_db()
    assert node.status == NodeStatus.HEALTHY
    assert Transition.objects.filter(node=node, actor__isnull=False).count() == 2


def test_ops_drains_a_node(org, pool, ops_client):
    a = services.mcus_allocate(
        organization=org, region=pool.region, domain_kind="normal", quantity=3, reference="x"
    )
    node = Node.objects.get(pk=a.mcus.first().node_id)
    ops_client.post(URL, {"action": "drain", "_selected_action": [node.pk]})
    node.refresh_from_db()
    assert node.status == NodeStatus.MAINTENANCE


def test_capacity_overview_page(pool, ops_client):
    response = ops_client.get("/admin/scheduler/computedomain/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cn-test-tc-c" in body and ">96<" in body  # tightly-coupled capacity 16 + 32 + 48


def test_alerts_page(pool, ops_client):
    services.alert_raise(kind="no_capacity", key="k", message="12 MCUs wait for capacity")
    assert "12 MCUs wait for capacity" in ops_client.get("/admin/scheduler/alert/").content.decode()
