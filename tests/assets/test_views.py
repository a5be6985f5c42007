"""Console pages of the assets app: every URL as anonymous, other tenant and owner (R-4.5);
no hardware in any page (R-2.2); the dashboard's query count is pinned."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.choices import Role
from catalog.choices import SalesForm
from mcu_console.timeutil import local_today, start_of_local_day
from scheduler.choices import McuStatus, WorkloadKind
from tests.assets import builders as b
from tests.factories import make_user

HARDWARE = (b.SECRET_GPU, "node-secret", "dom-secret", "profile-secret")


@pytest.fixture
def estate(org):
    hz = b.region()
    p = b.pool(org, hz, 8)
    units = b.mcus(org, hz, 8, on=b.node(hz), reference=p.allocation_reference)
    units[7].status = McuStatus.WARNING
    units[7].save()
    task = b.workload(org, hz, units[:4], kind=WorkloadKind.INFERENCE)
    today = start_of_local_day(local_today())
    for h in range(3):
        b.usage(units[0], today + dt.timedelta(hours=h), kind=WorkloadKind.INFERENCE, workload=task)
    return {"region": hz, "pool": p, "units": units, "task": task}


def _no_hardware(html: str):
    for word in HARDWARE:
        assert word not in html, word


def test_customer_home_lands_on_the_dashboard(alice_client):
    response = alice_client.get("/")
    assert response.status_code == 302 and response.url == reverse("assets:dashboard")


@pytest.mark.parametrize(
    "name", ["assets:dashboard", "assets:health", "assets:workloads", "assets:workload_new"]
)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_dashboard_shows_the_panels(alice_client, estate):
    response = alice_client.get(reverse("assets:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    _no_hardware(html)
    assert "¥8,640.00" in html  # 8 × 1,080 monthly fee
    assert 'id="stat-purchased">8<' in html
    assert 'id="stat-active">4 / 4<' in html
    assert 'id="trend-figure"' in html and "plotly-basic.min.js" in html
    # the squares come with htmx right after the page (and then every 10 s); the counts are on the page
    assert 'hx-get="/assets/health/" hx-trigger="load"' in html
    assert "7</span>" in html and "1</span>" in html  # 7 normal, 1 warning


def test_health_matrix_has_a_square_per_mcu_with_a_tooltip(alice_client, estate):
    html = alice_client.get(reverse("assets:health"), headers={"HX-Request": "true"}).content.decode()
    for unit in estate["units"]:
        assert unit.public_id in html
    assert html.count('<li class="sq sq-') == 8
    assert html.count('<li class="sq sq-warning') == 1
    warned = estate["units"][7]
    assert f'title="{warned.public_id} · 华东-杭州 · ' in html  # tooltip: id, region, domain, status, since
    assert 'hx-trigger="every 10s"' in html


def test_health_matrix_without_javascript_is_a_page(alice_client, estate):
    html = alice_client.get(reverse("assets:health")).content.decode()
    assert "<html" in html and html.count('<li class="sq sq-') == 8


def test_dashboard_of_another_tenant_shows_none_of_it(bob_client, estate):
    html = bob_client.get(reverse("assets:dashboard")).content.decode()
    assert all(unit.public_id not in html for unit in estate["units"])
    assert "¥8,640.00" not in html
    assert 'id="empty"' in html


def test_health_partial_is_only_the_matrix(alice_client, estate):
    response = alice_client.get(reverse("assets:health"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section class="panel" id="health"')
    assert html.count('<li class="sq sq-') == 8
    _no_hardware(html)


def test_health_partial_follows_a_migration(alice_client, estate):
    unit = estate["units"][2]
    unit.status, unit.node = McuStatus.MIGRATING, None
    unit.save()
    html = alice_client.get(reverse("assets:health"), headers={"HX-Request": "true"}).content.decode()
    assert f'class="sq sq-migrating sq-busy" title="{unit.public_id}' in html


def test_dashboard_query_count_is_pinned(alice_client, estate, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # session, user, membership + the dashboard's ≤ 9
        alice_client.get(reverse("assets:dashboard"))


def test_payg_panel(org, alice_client):
    hz = b.region()
    b.pool(
        org,
        hz,
        8,
        sales_form=SalesForm.PAYG,
        unit_price=Decimal("2.20"),
        deposit=Decimal("5000.00"),
        starts_on=local_today() - dt.timedelta(days=3),
    )
    html = alice_client.get(reverse("assets:dashboard")).content.decode()
    assert 'id="payg"' in html and "¥5,000.00" in html


def test_workload_list_and_detail_are_tenant_scoped(alice_client, bob_client, estate):
    task = estate["task"]
    listing = alice_client.get(reverse("assets:workloads")).content.decode()
    assert task.name in listing
    assert task.name not in bob_client.get(reverse("assets:workloads")).content.decode()
    detail = alice_client.get(reverse("assets:workload_detail", args=[task.pk]))
    assert detail.status_code == 200
    _no_hardware(detail.content.decode())
    assert estate["units"][0].public_id in detail.content.decode()
    assert bob_client.get(reverse("assets:workload_detail", args=[task.pk])).status_code == 404
    assert bob_client.post(reverse("assets:workload_stop", args=[task.pk])).status_code == 404


def test_workload_list_filter_partial(alice_client, estate):
    response = alice_client.get(
        reverse("assets:workloads") + "?status=completed", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and estate["task"].name not in html


def test_viewer_may_look_but_not_submit_or_stop(org, estate):
    from django.test import Client

    viewer = make_user(org, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    assert client.get(reverse("assets:dashboard")).status_code == 200
    assert client.get(reverse("assets:workload_new")).status_code == 403
    assert client.post(reverse("assets:workload_stop", args=[estate["task"].pk])).status_code == 403


def test_submit_form_field_errors(alice_client, estate):
    response = alice_client.post(
        reverse("assets:workload_new"),
        {"name": "  ", "kind": "mining", "mcu_count": "0", "region": "nowhere"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "kind", "mcu_count", "region"}


def test_bills_panel_shows_own_latest_bills(org, other_org, alice_client, bob_client):
    from billing.models import Bill

    money = {"net": Decimal("8150.94"), "vat": Decimal("489.06"), "total": Decimal("8640.00")}
    for month in (9, 10, 11):
        Bill.objects.create(
            organization=org,
            period=dt.date(2026, month, 1),
            status="issued",
            prepaid=0,
            amount_due=money["total"],
            **money,
        )
    Bill.objects.create(
        organization=other_org,
        period=dt.date(2026, 8, 1),
        status="issued",
        prepaid=0,
        amount_due=Decimal("1.00"),
        net=Decimal("0.94"),
        vat=Decimal("0.06"),
        total=Decimal("1.00"),
    )
    html = alice_client.get(reverse("assets:dashboard")).content.decode()
    assert "2026-11" in html and "2026-10" in html and "2026-09" in html
    assert "2026-08" not in html
    assert html.count("¥8,640.00") >= 3
    assert reverse("billing:bill", args=["2026-11"]) in html
    bob_html = bob_client.get(reverse("assets:dashboard")).content.decode()
    assert reverse("billing:bill", args=["2026-08"]) in bob_html
    assert reverse("billing:bill", args=["2026-11"]) not in bob_html


def test_payg_task_without_a_deposit_account_is_refused_in_words(org, alice_client):
    hz = b.region()
    # A pay-as-you-go account in another region only: the form offers pay-as-you-go, Hangzhou refuses it.
    bj = b.region("cn-beijing", "华北-北京", sort_order=2)
    b.pool(
        org,
        bj,
        8,
        sales_form=SalesForm.PAYG,
        unit_price=Decimal("2.20"),
        deposit=Decimal("100.00"),
        starts_on=local_today(),
    )
    response = alice_client.post(
        reverse("assets:workload_new"),
        {"name": "burst", "kind": "inference", "mcu_count": "2", "region": hz.code, "payg": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'id="form-errors"' in response.content.decode()
