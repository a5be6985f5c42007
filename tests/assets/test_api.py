"""/api/v1/assets/*, /api/v1/usage, /api/v1/workloads: tenants, hardware, error shape."""

import datetime as dt

import pytest

from mcu_console.timeutil import local_today, start_of_local_day
from scheduler.choices import McuStatus, WorkloadKind
from tests.assets import builders as b


@pytest.fixture
def estate(org):
    hz = b.region()
    bj = b.region("cn-beijing", "华北-北京", sort_order=2)
    p = b.pool(org, hz, 6)
    units = b.mcus(org, hz, 6, on=b.node(hz), reference=p.allocation_reference)
    units += b.mcus(org, bj, 2, on=b.node(bj), status=McuStatus.WARNING)
    task = b.workload(org, hz, units[:2], kind=WorkloadKind.TRAINING)
    today = start_of_local_day(local_today())
    for h in range(4):
        b.usage(units[0], today + dt.timedelta(hours=h), kind=WorkloadKind.TRAINING, workload=task)
    b.usage(units[6], today, kind="", busy=0)
    return {"units": units, "task": task}


@pytest.mark.parametrize(
    "url", ["/api/v1/assets/summary", "/api/v1/assets/mcus", "/api/v1/usage", "/api/v1/workloads"]
)
def test_anonymous_gets_401_json(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_summary(alice_api, estate):
    data = alice_api.get("/api/v1/assets/summary").json()
    assert data["purchased_mcus"] == 6 and data["allocated_mcus"] == 8
    assert (data["active_mcus"], data["idle_mcus"], data["running_workloads"]) == (2, 6, 1)
    assert data["health"] == {"normal": 6, "warning": 2, "migrating": 0, "provisioning": 0}
    assert data["monthly_service_fee"] == "6480.00"
    assert {r["region"] for r in data["regions"]} == {"cn-hangzhou", "cn-beijing"}
    text = str(data)
    assert "secret" not in text


def test_summary_of_another_tenant_is_empty(bob_api, estate):
    data = bob_api.get("/api/v1/assets/summary").json()
    assert data["allocated_mcus"] == 0 and data["regions"] == [] and data["pools"] == []


def test_mcus_filters(alice_api, bob_api, estate):
    everything = alice_api.get("/api/v1/assets/mcus").json()
    assert len(everything) == 8
    assert set(everything[0]) == {"id", "region", "domain_kind", "status", "status_since", "busy"}
    warn = alice_api.get("/api/v1/assets/mcus?status=warning").json()
    assert {m["region"] for m in warn} == {"cn-beijing"} and len(warn) == 2
    assert len(alice_api.get("/api/v1/assets/mcus?region=cn-hangzhou").json()) == 6
    assert bob_api.get("/api/v1/assets/mcus").json() == []


@pytest.mark.parametrize(("query", "field"), [("status=broken", "status"), ("region=atlantis", "region")])
def test_mcus_bad_filter_is_422(alice_api, query, field):
    response = alice_api.get(f"/api/v1/assets/mcus?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and field in body["details"]


def test_usage_by_day_and_hour(alice_api, estate):
    today = local_today().isoformat()
    rows = alice_api.get("/api/v1/usage?group_by=workload_kind,region").json()
    training = [r for r in rows if r["workload_kind"] == "training"]
    assert training == [
        {
            "period": today,
            "mcu_hours": "4.00",
            "weighted_mcu_hours": "6.0000",
            "workload_kind": "training",
            "region": "cn-hangzhou",
        }
    ]
    idle = [r for r in rows if r["workload_kind"] == "idle"]
    assert idle[0]["region"] == "cn-beijing" and idle[0]["mcu_hours"] == "1.00"
    hourly = alice_api.get(f"/api/v1/usage?granularity=hour&from={today}&group_by=").json()
    assert [r["mcu_hours"] for r in hourly] == ["2.00", "1.00", "1.00", "1.00"]  # hour 0 has both MCUs
    assert "workload_kind" not in hourly[0] or hourly[0]["workload_kind"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("granularity=week", "granularity"),
        ("group_by=node", "group_by"),
        ("from=2026-12-05&to=2026-12-01", "to"),
        ("granularity=hour&from=2026-01-01&to=2026-06-01", "to"),
    ],
)
def test_usage_bad_input_is_422(alice_api, query, field):
    response = alice_api.get(f"/api/v1/usage?{query}")
    assert response.status_code == 422
    assert field in response.json()["details"]


def test_usage_unparsable_date_is_422(alice_api):
    response = alice_api.get("/api/v1/usage?from=yesterday")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_usage_is_tenant_scoped(bob_api, estate):
    assert bob_api.get("/api/v1/usage").json() == []


def test_workloads_list_and_get(alice_api, bob_api, estate):
    task = estate["task"]
    listing = alice_api.get("/api/v1/workloads").json()
    assert [w["id"] for w in listing] == [task.pk]
    one = alice_api.get(f"/api/v1/workloads/{task.pk}").json()
    assert one["mcus"] == sorted(u.public_id for u in estate["units"][:2])
    assert "secret" not in str(one)
    assert bob_api.get("/api/v1/workloads").json() == []
    assert bob_api.get(f"/api/v1/workloads/{task.pk}").status_code == 404
    assert bob_api.post(f"/api/v1/workloads/{task.pk}/stop").status_code == 404
    assert alice_api.get("/api/v1/workloads?status=bogus").status_code == 422


def test_workload_create_validation_is_422(alice_api, estate):
    response = alice_api.post(
        "/api/v1/workloads",
        {"name": "", "kind": "training", "mcu_count": 0, "region": "atlantis"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"name", "mcu_count", "region"}
    bad_kind = alice_api.post(
        "/api/v1/workloads",
        {"name": "x", "kind": "mining", "mcu_count": 1, "region": "cn-hangzhou"},
        content_type="application/json",
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["code"] == "invalid_input"


def test_payg_workload_without_account_is_409(alice_api, estate):
    response = alice_api.post(
        "/api/v1/workloads",
        {"name": "burst", "kind": "inference", "mcu_count": 2, "region": "cn-hangzhou", "payg": True},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "payg_no_account"


def test_workload_create_with_idempotency_key(alice_api, org, estate):
    from scheduler.models import Workload

    body = {"name": "serve", "kind": "inference", "mcu_count": 2, "region": "cn-hangzhou"}

    def post(payload, key):
        return alice_api.post(
            "/api/v1/workloads", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )

    first = post(body, "wl-1")
    assert first.status_code == 201
    again = post(body, "wl-1")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Workload.objects.filter(organization=org, name="serve").count() == 1
    other = post({**body, "mcu_count": 1}, "wl-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"

    # A refusal keeps nothing: the same key can then carry a request that fits.
    refused = post({**body, "name": "big", "mcu_count": 50}, "wl-2")
    assert refused.status_code in (409, 422)
    assert post({**body, "name": "small", "mcu_count": 1}, "wl-2").status_code == 201
