"""Tasks from the console and the API, placed by the real scheduler service (issue 6 §2)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.choices import SalesForm
from mcu_console.timeutil import local_today
from scheduler.choices import WorkloadStatus
from scheduler.models import Mcu, Workload
from tests.assets import builders as b


@pytest.fixture
def owned(org):
    hz = b.region()
    p = b.pool(org, hz, 8)
    node = b.node(hz, capacity=32)
    units = b.mcus(org, hz, 8, on=node, reference=p.allocation_reference)
    return {"region": hz, "units": units, "node": node}


def _submit(client, **data):
    form = {"name": "serve-llm", "kind": "inference", "mcu_count": "4", "region": "cn-hangzhou"} | data
    return client.post(reverse("assets:workload_new"), form)


def test_submitted_task_runs_and_shows_on_the_dashboard(org, alice_client, bob_client, owned):
    response = _submit(alice_client)
    workload = Workload.objects.get(organization=org)
    assert response.status_code == 302 and response.url == reverse(
        "assets:workload_detail", args=[workload.pk]
    )
    assert workload.status == WorkloadStatus.RUNNING and workload.mcus.count() == 4
    detail = alice_client.get(response.url).content.decode()
    assert 'id="workload-status">' in detail and workload.get_status_display() in detail
    board = alice_client.get(reverse("assets:dashboard")).content.decode()
    assert 'id="stat-active">4 / 4<' in board
    assert bob_client.get(response.url).status_code == 404
    assert "serve-llm" not in bob_client.get(reverse("assets:workloads")).content.decode()


def test_more_mcus_than_owned_is_refused_in_words(org, alice_client, owned):
    response = _submit(alice_client, mcu_count="20")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "8" in errors and "20" in errors
    assert not Workload.objects.filter(organization=org).exists()


def test_training_needs_one_tightly_coupled_domain(org, alice_client, owned):
    response = _submit(alice_client, kind="training", mcu_count="4")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Workload.objects.filter(organization=org).exists()


def test_stop_from_the_console(org, alice_client, owned):
    _submit(alice_client)
    workload = Workload.objects.get(organization=org)
    response = alice_client.post(reverse("assets:workload_stop", args=[workload.pk]), follow=True)
    workload.refresh_from_db()
    assert workload.status == WorkloadStatus.STOPPED
    assert response.status_code == 200
    again = alice_client.post(reverse("assets:workload_stop", args=[workload.pk]), follow=True)
    assert any(m.level_tag == "error" for m in again.context["messages"])


def test_api_submit_get_stop(org, alice_api, bob_api, owned):
    response = alice_api.post(
        "/api/v1/workloads",
        {"name": "embed", "kind": "data_processing", "mcu_count": 3, "region": "cn-hangzhou"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "running" and len(body["mcus"]) == 3
    assert set(body["mcus"]) <= {u.public_id for u in owned["units"]}
    assert "secret" not in response.content.decode()
    assert bob_api.post(f"/api/v1/workloads/{body['id']}/stop").status_code == 404
    stopped = alice_api.post(f"/api/v1/workloads/{body['id']}/stop")
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    again = alice_api.post(f"/api/v1/workloads/{body['id']}/stop")
    assert again.status_code == 409 and again.json()["code"]


def test_api_refusal_is_409_with_a_message(alice_api, owned):
    response = alice_api.post(
        "/api/v1/workloads",
        {"name": "big", "kind": "inference", "mcu_count": 99, "region": "cn-hangzhou"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["message"]


def test_payg_task_allocates_fresh_mcus_up_to_the_ceiling(org, alice_api, owned):
    b.pool(
        org,
        owned["region"],
        4,
        sales_form=SalesForm.PAYG,
        unit_price=Decimal("2.20"),
        deposit=Decimal("1000.00"),
        starts_on=local_today(),
    )
    before = set(Mcu.objects.filter(organization=org).values_list("public_id", flat=True))
    first = alice_api.post(
        "/api/v1/workloads",
        {"name": "burst", "kind": "inference", "mcu_count": 3, "region": "cn-hangzhou", "payg": True},
        content_type="application/json",
    )
    assert first.status_code == 201, first.content
    assert first.json()["payg"] is True
    assert not set(first.json()["mcus"]) & before  # new MCUs from the region's free capacity
    over = alice_api.post(
        "/api/v1/workloads",
        {"name": "burst2", "kind": "inference", "mcu_count": 2, "region": "cn-hangzhou", "payg": True},
        content_type="application/json",
    )
    assert over.status_code == 409  # 3 + 2 > the ceiling of 4
    summary = alice_api.get("/api/v1/assets/summary").json()
    assert summary["allocated_mcus"] == 8 + 3
