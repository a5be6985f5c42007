"""Celery tasks, thin over billing.services. Schedules are django-celery-beat rows (migration 0002)."""

import datetime as dt

from celery import shared_task

from billing import services
from mcu_console.timeutil import local_today

BILL_RUN_TASK = "billing.bill_previous_month"
HOURLY_TASK = "billing.meter_current_month"


def previous_month(today: dt.date) -> tuple[int, int]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.year, last.month


@shared_task(name=BILL_RUN_TASK)
def bill_previous_month() -> dict:
    """On the 1st at 02:00 Asia/Shanghai: bill the month that just ended (idempotent, issue 7 §3)."""
    year, month = previous_month(local_today())
    return services.bill_month(year=year, month=month)


@shared_task(name=HOURLY_TASK)
def meter_current_month() -> dict:
    """Hourly: roll up this month's usage into the draft bills and send pay-as-you-go balance notices."""
    today = local_today()
    counts = services.bill_month(year=today.year, month=today.month)
    counts["payg_notices"] = services.payg_notify_balances(today=today)
    return counts
