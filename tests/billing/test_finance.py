"""Finance staff in the admin, the bill_month command and the beat tasks (issue 7 §3, §6)."""

import csv
import datetime as dt
import importlib
import io
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_celery_beat.models import PeriodicTask

from billing import tasks
from billing.models import Bill
from tests.billing import factories as f
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def finance_client():
    client = Client()
    client.force_login(make_staff("finance"))
    return client


@pytest.fixture
def two_customers(org, other_org):
    f.pool(org, quantity=4, starts_on=dt.date(2026, 1, 1))
    f.pool(other_org, sales_form="monthly", quantity=2, unit_price="1280", starts_on=dt.date(2026, 11, 16),
           amount_due=D("0"))  # fmt: skip
    call_command("bill_month", "2026-11", stdout=io.StringIO())
    return Bill.objects.filter(period=dt.date(2026, 11, 1))


def test_bill_month_command_twice_changes_nothing(two_customers):
    out = io.StringIO()
    call_command("bill_month", "2026-11", stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()
    assert two_customers.count() == 2


def test_bill_month_command_refuses_a_bad_period():
    with pytest.raises(CommandError):
        call_command("bill_month", "2026-13", stdout=io.StringIO())


def test_finance_lists_bills_by_month_and_status(finance_client, two_customers):
    page = finance_client.get("/admin/billing/bill/?month=2026-11&status__exact=draft").content.decode()
    assert "甲方科技有限公司" in page and "乙方智能有限公司" in page
    assert "甲方科技有限公司" not in finance_client.get("/admin/billing/bill/?month=2026-10").content.decode()


def test_finance_issues_and_marks_paid_with_the_bank_reference(finance_client, org, two_customers):
    bill = two_customers.get(organization=org)
    response = finance_client.post(
        "/admin/billing/bill/", {"action": "issue_selected", "_selected_action": [bill.pk]}, follow=True
    )
    assert response.status_code == 200
    bill.refresh_from_db()
    assert bill.status == "issued"
    response = finance_client.post(f"/admin/billing/bill/{bill.pk}/mark-paid/", {"bank_reference": ""})
    assert "errorlist" in response.content.decode()
    finance_client.post(f"/admin/billing/bill/{bill.pk}/mark-paid/", {"bank_reference": "CMB-2026-12-01-77"})
    bill.refresh_from_db()
    assert (bill.status, bill.bank_reference) == ("paid", "CMB-2026-12-01-77")


def test_finance_correction_goes_on_the_next_bill(finance_client, org, two_customers):
    bill = two_customers.get(organization=org)
    finance_client.post("/admin/billing/bill/", {"action": "issue_selected", "_selected_action": [bill.pk]})
    response = finance_client.post(
        f"/admin/billing/bill/{bill.pk}/correct/", {"gross": "-53.00", "reason": "SLA"}
    )
    assert response.status_code == 302
    call_command("bill_month", "2026-12", stdout=io.StringIO())
    december = Bill.objects.get(organization=org, period=dt.date(2026, 12, 1))
    assert december.total == D("4320.00") - D("53.00")


def test_finance_exports_the_month_for_all_customers_xlsx_and_csv(finance_client, two_customers):
    response = finance_client.get("/admin/billing/bill/export/?period=2026-11&format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = list(wb.worksheets[0].iter_rows(values_only=True))
    assert len(summary) == 1 + 2 + 1 and summary[-1][0] == "合计"
    assert D(str(summary[-1][6])) == sum(b.total for b in two_customers) == D("4320.00") + D("1280.00")
    response = finance_client.get("/admin/billing/bill/export/?period=2026-11&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sum(D(r[16]) for r in rows[1:] if r[1] == "合计") == D("5600.00")
    response = finance_client.get("/admin/billing/bill/export/?period=26-11&format=xlsx")
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_customers_and_sales_cannot_use_finance_pages(alice_client, two_customers):
    sales = Client()
    sales.force_login(make_staff("sales"))
    assert sales.get("/admin/billing/bill/export/?period=2026-11&format=csv").status_code == 403
    assert alice_client.get("/admin/billing/bill/export/").status_code == 302  # to the admin login


def test_beat_runs_the_bill_on_the_1st_at_02_00_shanghai():
    # Re-apply the data migration's function (idempotent): a transactional test may have flushed its rows.
    from django.apps import apps

    importlib.import_module("billing.migrations.0002_beat_schedule").schedule(apps, None)
    task = PeriodicTask.objects.get(task=tasks.BILL_RUN_TASK)
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_month, str(cron.timezone)) == ("0", "2", "1", "Asia/Shanghai")
    assert PeriodicTask.objects.filter(task=tasks.HOURLY_TASK).exists()


def test_bill_previous_month_task_bills_last_month(org):
    f.pool(org, quantity=1, starts_on=dt.date(2026, 1, 1))
    with mock.patch("billing.tasks.local_today", return_value=dt.date(2027, 1, 1)):
        tasks.bill_previous_month.delay()
        tasks.bill_previous_month.delay()
    assert list(Bill.objects.values_list("period", flat=True)) == [dt.date(2026, 12, 1)]


def test_hourly_task_refreshes_the_current_draft(org):
    f.pool(org, quantity=1, starts_on=dt.date(2026, 1, 1))
    with mock.patch("billing.tasks.local_today", return_value=dt.date(2026, 12, 4)):
        result = tasks.meter_current_month.delay().get()
    assert result["created"] == 1 and Bill.objects.get().status == "draft"
