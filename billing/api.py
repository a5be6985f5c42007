"""/api/v1/bills and /api/v1/bills/{period} (`?format=csv|xlsx|pdf` for the file), over the same selectors."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Router, Schema

from accounts.tenancy import get_for_org
from billing import selectors
from billing.models import Bill

router = Router(tags=["bills"])


class BillSummaryOut(Schema):
    period: str
    period_start: dt.date
    period_end: dt.date
    status: str
    net: Decimal
    vat: Decimal
    total: Decimal
    prepaid: Decimal
    amount_due: Decimal


class BillLineOut(Schema):
    position: int
    kind: str
    region: str | None
    sales_form: str
    description: str
    quantity: int
    unit_price: Decimal
    days: int
    days_in_period: int
    weighted_mcu_hours: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    prepaid: Decimal
    amount_due: Decimal
    corrects_period: str | None


class BillOut(BillSummaryOut):
    service_item: str
    invoice_item: str
    invoice_title: str
    tax_id: str
    issued_at: dt.datetime | None
    paid_at: dt.datetime | None
    lines: list[BillLineOut]


def _summary(bill: Bill) -> dict:
    return {
        "period": bill.period_label, "period_start": bill.period, "period_end": bill.period_end,
        "status": bill.status, "net": bill.net, "vat": bill.vat, "total": bill.total,
        "prepaid": bill.prepaid, "amount_due": bill.amount_due,
    }  # fmt: skip


def _line(line) -> dict:
    from billing.exports import line_description_zh

    return {
        "position": line.position, "kind": line.kind, "region": line.region.code if line.region_id else None,
        "sales_form": line.sales_form, "description": line_description_zh(line), "quantity": line.quantity,
        "unit_price": line.unit_price, "days": line.days, "days_in_period": line.days_in_period,
        "weighted_mcu_hours": line.weighted_mcu_hours, "net": line.net, "vat": line.vat, "gross": line.gross,
        "prepaid": line.prepaid, "amount_due": line.amount_due,
        "corrects_period": line.corrects.period_label if line.corrects_id else None,
    }  # fmt: skip


@router.get("/bills", response=list[BillSummaryOut], summary="Your monthly bills, newest first")
def bills_list(request):
    return [_summary(bill) for bill in selectors.bills_for_org(request.org)]


@router.get(
    "/bills/{period}",
    response=BillOut,
    summary="One bill (period YYYY-MM) with its lines; ?format=csv|xlsx|pdf returns the file",
)
def bill_get(request, period: str, format: Literal["json", "csv", "xlsx", "pdf"] = "json"):  # noqa: A002
    day = selectors.parse_period(period)
    bill = get_for_org(
        Bill.objects.prefetch_related("lines__region", "lines__corrects"), request.org, period=day
    )
    if format != "json":
        from billing.views import bill_file_response

        return bill_file_response(bill, format)
    from billing.choices import INVOICE_ITEM, SERVICE_ITEM

    return {
        **_summary(bill), "service_item": SERVICE_ITEM, "invoice_item": INVOICE_ITEM,
        "invoice_title": bill.invoice_title, "tax_id": bill.tax_id, "issued_at": bill.issued_at,
        "paid_at": bill.paid_at, "lines": [_line(line) for line in bill.lines.all()],
    }  # fmt: skip
