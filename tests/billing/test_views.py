"""Customer pages: anonymous → login, other tenant → 404, owner → 200; drill-down; no hardware (R-2.2)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.billing import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
HARDWARE_WORDS = ["H100", "H800", "A100", "node-", "GPU model", "gpus_per_node", "domain.code"]


def _urls(bill):
    line = bill.lines.first()
    return [
        "/billing/",
        "/billing/usage/",
        "/billing/2026-11/",
        "/billing/2026-11/bill.csv",
        "/billing/2026-11/bill.xlsx",
        f"/billing/2026-11/lines/{line.pk}/",
        f"/billing/2026-11/lines/{line.pk}/?day=2026-11-03",
    ]


def test_anonymous_is_sent_to_login(client, november_bill):
    for url in _urls(november_bill):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_other_tenant_gets_404_for_the_bill_its_exports_and_lines(bob_client, november_bill):
    for url in _urls(november_bill)[2:]:
        assert bob_client.get(url).status_code == 404, url
    assert "2026-11" not in bob_client.get("/billing/").content.decode()


def test_owner_sees_bill_list_and_detail_with_totals(alice_client, november_bill):
    page = alice_client.get("/billing/").content.decode()
    assert "2026-11-01 ~ 2026-11-30" in page and "¥8,739.00" in page
    detail = alice_client.get("/billing/2026-11/").content.decode()
    for text in ["¥8,739.00", "¥8,244.34", "¥494.66", "¥4,320.00", "¥99.00", "华东-杭州", "华北-北京",
                 "信息技术服务费", "MemoryLake Compute 智能计算平台服务", november_bill.tax_id]:  # fmt: skip
        assert text in detail, text
    for word in HARDWARE_WORDS:
        assert word not in detail


def test_drill_down_line_to_days_kinds_and_workloads_with_coefficients(alice_client, november_bill):
    line = november_bill.lines.get(region__code="cn-east-hz", kind="pool")
    page = alice_client.get(f"/billing/2026-11/lines/{line.pk}/").content.decode()
    assert "2026-11-03" in page
    page = alice_client.get(f"/billing/2026-11/lines/{line.pk}/?day=2026-11-03").content.decode()
    assert "chat-serving" in page and "notebook" in page and "× 0.80" in page and "× 1.00" in page
    page = alice_client.get(
        f"/billing/2026-11/lines/{line.pk}/?day=2026-11-03&kind=development"
    ).content.decode()
    assert "notebook" in page and "chat-serving" not in page
    payg = november_bill.lines.get(kind="payg")
    page = alice_client.get(f"/billing/2026-11/lines/{payg.pk}/?day=2026-11-05").content.decode()
    assert "sft-run" in page and "× 1.50" in page and "45.00" in page


def test_drill_down_htmx_returns_the_partial_only(alice_client, november_bill):
    line = november_bill.lines.get(kind="payg")
    response = alice_client.get(f"/billing/2026-11/lines/{line.pk}/?day=2026-11-05", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="drill"') and "<html" not in body


def test_drill_down_day_outside_the_bill_or_malformed_is_404(alice_client, november_bill):
    line = november_bill.lines.first()
    assert alice_client.get(f"/billing/2026-11/lines/{line.pk}/?day=2026-12-01").status_code == 404
    assert alice_client.get(f"/billing/2026-11/lines/{line.pk}/?day=soon").status_code == 404
    assert alice_client.get("/billing/2026-13/").status_code == 404
    assert alice_client.get("/billing/2026-11/bill.doc").status_code == 404


def test_usage_detail_filters_and_bad_filter_is_a_field_error(alice_client, november_bill):
    page = alice_client.get("/billing/usage/?month=2026-11&kind=training").content.decode()
    assert page.count("<code>mcu-") == 10 and "× 1.50" in page
    page = alice_client.get("/billing/usage/?month=2026-11&kind=development").content.decode()
    assert page.count("<code>mcu-") == 2
    response = alice_client.get("/billing/usage/?month=november")
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_usage_detail_exports_csv_and_xlsx_with_the_same_rows(alice_client, november_bill):
    response = alice_client.get("/billing/usage/?month=2026-11&format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = text.strip().splitlines()
    assert rows[0].startswith("日期,MCU") and len(rows) == 1 + 4 + 10
    response = alice_client.get("/billing/usage/?month=2026-11&format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    weighted = [row[7] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert sum(D(str(w)) for w in weighted) == D("45") + D("4") * D("1.0") + D("4") * D("0.8")


def test_usage_of_another_tenant_is_not_shown(bob_client, november_bill):
    page = bob_client.get("/billing/usage/?month=2026-11").content.decode()
    assert "<code>mcu-" not in page


def test_payg_balance_panel(alice_client, november_bill, settings):
    page = alice_client.get("/billing/").content.decode()
    assert "¥401.00" in page  # deposit ¥500 − ¥99.00


def test_month_with_no_usage_shows_empty_state(alice_client, org):
    f.pool(org, starts_on=dt.date(2026, 1, 1))
    assert "errorlist" not in alice_client.get("/billing/usage/?month=2026-01").content.decode()


def test_bill_pages_read_in_a_fixed_number_of_queries(
    alice_client, november_bill, django_assert_max_num_queries
):
    # Session, user, membership + the page's own reads: the count does not grow with lines or days.
    with django_assert_max_num_queries(12):
        alice_client.get("/billing/")
    with django_assert_max_num_queries(12):
        alice_client.get("/billing/2026-11/")


def test_usage_detail_filters_idle_region_and_mcu(alice_client, november_bill):
    from scheduler.models import Mcu

    page = alice_client.get("/billing/usage/?month=2026-11&kind=idle").content.decode()
    assert "<code>mcu-" not in page  # the fixture meters no idle time
    page = alice_client.get("/billing/usage/?month=2026-11&region=999999").content.decode()
    assert "errorlist" in page  # not a region: a field error, not a 500
    one = Mcu.objects.filter(organization=november_bill.organization).order_by("public_id").first().public_id
    page = alice_client.get(f"/billing/usage/?month=2026-11&mcu={one[-6:]}").content.decode()
    assert page.count("<code>mcu-") == 1 and one in page
    partial = alice_client.get("/billing/usage/?month=2026-11", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section class="panel" id="results"') and "<html" not in partial
