"""Demo bills (seed_demo's last step): last month billed and issued, this month's draft.

Runs after the orders, contracts and assets steps, so it bills whatever pools and usage they created.
Idempotent: the bill run changes nothing the second time, and only a draft is issued.
"""

import datetime as dt

from billing import services
from billing.choices import BillStatus
from billing.models import Bill
from mcu_console.timeutil import local_today


def seed(context=None) -> dict:
    context = context or {}
    today = local_today()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    services.bill_month(year=last_month.year, month=last_month.month)
    for bill in Bill.objects.filter(period=last_month, status=BillStatus.DRAFT):
        services.bill_issue(bill=bill, actor=None)
    services.bill_month(year=this_month.year, month=this_month.month)
    customer = context.get("customer")
    bills = Bill.objects.filter(organization=customer) if customer is not None else Bill.objects.none()
    return {"demo_bills": list(bills.values_list("period", "status"))}
