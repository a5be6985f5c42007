"""A customer reads last month's bill, drills from a line to the workloads behind it, and downloads
CSV, XLSX and PDF (issue 7 "Done when"), in a real Chromium."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from billing import services
from catalog.choices import SalesForm
from tests.billing import factories as f
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def billed(org):
    hz = f.region("cn-east-hz", "华东-杭州", 1)
    pool = f.pool(org, region_obj=hz, quantity=4, starts_on=dt.date(2026, 1, 1))
    f.pool(
        org,
        region_obj=hz,
        sales_form=SalesForm.PAYG,
        unit_price="2.20",
        deposit="500",
        starts_on=dt.date(2026, 10, 1),
    )
    own = f.mcus(f.allocation(org, region_obj=hz, reference=pool.allocation_reference, quantity=4), 4)
    f.usage(own, day=dt.date(2026, 11, 3), hours=range(2), kind="development",
            wl=f.workload(org, kind="development", name="notebook-dev"))  # fmt: skip
    payg = f.mcus(f.allocation(org, region_obj=hz, quantity=10), 10)
    f.usage(payg, day=dt.date(2026, 11, 5), hours=range(3), kind="training",
            wl=f.workload(org, kind="training", mcu_count=10, payg=True, name="sft-run"))  # fmt: skip
    services.bill_month(year=2026, month=11)
    return services.bill_issue(bill=org.bills.get(), actor=None)


def test_customer_drills_down_and_downloads_the_bill(page, live_server, alice, billed):
    login(page, live_server, alice.email, PASSWORD)
    page.get_by_role("link", name="账单").first.click()
    page.get_by_text("2026-11-01 ~ 2026-11-30").click()
    assert page.locator("tfoot td").nth(5).inner_text() == "¥4,419.00"  # total: 4,320.00 + 99.00
    assert page.locator("tfoot td").nth(7).inner_text() == "¥0.00"  # annual prepaid, payg from deposit
    assert page.get_by_text("信息技术服务费").is_visible()

    page.locator("tr", has_text="按量付费").get_by_role("link", name="本行用量明细").click()
    page.get_by_role("link", name="2026-11-05").click()  # htmx swaps the drill-down in place
    kinds = page.locator("#drill table").nth(1)
    kinds.get_by_text("训练").wait_for()
    assert "× 1.50" in kinds.inner_text() and "45.00" in kinds.inner_text()
    workloads = page.locator("#drill table").nth(2)
    assert "sft-run" in workloads.inner_text()
    assert "day=2026-11-05" in page.url  # pushed, so the drill-down is a real link

    page.goto(f"{live_server.url}/billing/2026-11/")
    files = {}
    for label in ("CSV", "XLSX", "PDF"):
        with page.expect_download() as download:
            page.get_by_role("link", name=label, exact=True).click()
        files[label] = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert files["PDF"].startswith(b"%PDF")
    assert "4419.00" in files["CSV"].decode("utf-8-sig")
    ws = openpyxl.load_workbook(io.BytesIO(files["XLSX"])).active
    total_row = list(ws.iter_rows(values_only=True))[-1]
    assert total_row[1] == "合计" and Decimal(str(total_row[16])) == Decimal("4419.00")


def test_other_tenant_cannot_open_the_bill(page, live_server, bob, billed):
    login(page, live_server, bob.email, PASSWORD)
    response = page.goto(f"{live_server.url}/billing/2026-11/")
    assert response.status == 404
    page.goto(f"{live_server.url}/billing/")
    assert "2026-11-01" not in page.content()
