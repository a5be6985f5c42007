"""POST /quotes, /orders (Idempotency-Key), GET /orders, /orders/{id}, POST /orders/{id}/cancel.

Thin: the console's services and selectors do the work (SPEC R-3.6: every face drives the same operations).
"""

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from accounts.choices import Role
from accounts.tenancy import require_role
from orders import selectors, services
from orders.quotes import quote_build

router = Router(tags=["orders"])


class LineIn(Schema):
    region: str = Field(..., description="region code, e.g. from GET /regions")
    quantity: int = Field(..., description="MCUs (pay-as-you-go: the MCU ceiling)")
    domain_kind: str = Field("normal", description="normal | tightly_coupled")
    sales_form: str = Field(..., description="annual | monthly | payg")
    term_months: int | None = Field(None, description="annual: 12, 24 or 36; monthly: 1–36")
    deposit: Decimal | None = Field(None, description="pay-as-you-go: prepaid deposit in yuan")
    unit_price: Decimal | None = Field(
        None, description="optional check: refused unless it equals the price book's price"
    )


class OrderIn(Schema):
    lines: list[LineIn]
    organization: int | None = Field(None, description="if given, must be your own organization's id")


class QuoteLineOut(Schema):
    region: str
    quantity: int
    domain_kind: str
    sales_form: str
    term_months: int | None
    unit_price: Decimal
    unit: str
    monthly_fee: Decimal
    term_value: Decimal
    deposit: Decimal
    amount_due: Decimal
    hint: str
    availability_problem: str


class RegionSubtotalOut(Schema):
    region: str
    pool_mcus: int
    payg_ceiling: int
    monthly_fee: Decimal
    amount_due: Decimal


class QuoteOut(Schema):
    lines: list[QuoteLineOut]
    regions: list[RegionSubtotalOut]
    monthly_fee: Decimal
    term_value: Decimal
    amount_due: Decimal
    amount_before_tax: Decimal
    vat: Decimal
    pool_mcus: int
    promised_tflops: int
    payg_ceiling: int
    priced_on: dt.date
    orderable: bool
    problems: list[str]


class OrderLineOut(Schema):
    region: str
    quantity: int
    domain_kind: str
    sales_form: str
    term_months: int | None
    unit_price: Decimal
    monthly_fee: Decimal
    term_value: Decimal
    deposit: Decimal
    amount_due: Decimal


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime


class OrderOut(Schema):
    id: int
    number: str
    status: str
    total: Decimal
    monthly_fee: Decimal
    hold_expires_at: dt.datetime
    created_at: dt.datetime
    lines: list[OrderLineOut]
    history: list[StatusChangeOut]


def _lines(payload) -> list[dict]:
    return [line.dict() for line in payload.lines]


def _quote_out(quote) -> dict:
    return {
        "lines": [
            {
                "region": ln.region.code,
                "quantity": ln.quantity,
                "domain_kind": ln.domain_kind,
                "sales_form": ln.sales_form,
                "term_months": ln.term_months,
                "unit_price": ln.unit_price,
                "unit": ln.price.unit,
                "monthly_fee": ln.monthly_fee,
                "term_value": ln.term_value,
                "deposit": ln.deposit,
                "amount_due": ln.amount_due,
                "hint": str(ln.hint),
                "availability_problem": str(ln.availability_problem),
            }
            for ln in quote.lines
        ],
        "regions": [
            {
                "region": sub.region.code,
                "pool_mcus": sub.pool_mcus,
                "payg_ceiling": sub.payg_ceiling,
                "monthly_fee": sub.monthly_fee,
                "amount_due": sub.amount_due,
            }
            for sub in quote.regions
        ],
        "monthly_fee": quote.monthly_fee,
        "term_value": quote.term_value,
        "amount_due": quote.amount_due,
        "amount_before_tax": quote.vat.net,
        "vat": quote.vat.vat,
        "pool_mcus": quote.pool_mcus,
        "promised_tflops": quote.promised_tflops,
        "payg_ceiling": quote.payg_ceiling,
        "priced_on": quote.priced_on,
        "orderable": quote.orderable,
        "problems": [str(p) for p in quote.problems],
    }


def _order_out(order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "total": order.total,
        "monthly_fee": order.monthly_fee,
        "hold_expires_at": order.hold_expires_at,
        "created_at": order.created_at,
        "lines": [
            {
                "region": line.region.code,
                "quantity": line.quantity,
                "domain_kind": line.domain_kind,
                "sales_form": line.sales_form,
                "term_months": line.term_months,
                "unit_price": line.unit_price,
                "monthly_fee": line.monthly_fee,
                "term_value": line.term_value,
                "deposit": line.deposit,
                "amount_due": line.amount_due,
            }
            for line in order.lines.all()
        ],
        "history": [
            {"from_status": c.from_status, "to_status": c.to_status, "at": c.at}
            for c in order.status_changes.all()
        ],
    }


@router.post("/quotes", response=QuoteOut, summary="Price order lines from the current price book")
def quote(request, payload: OrderIn):
    return _quote_out(quote_build(lines=_lines(payload)))


def _request_hash(payload: OrderIn) -> str:
    canonical = json.dumps(_lines(payload), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@router.post(
    "/orders",
    response={201: OrderOut},
    summary="Place an order: holds its capacity; status pending signature",
)
def order_create(request, payload: OrderIn):
    """Send `Idempotency-Key: <unique string>` to retry safely: the same key and body return the same
    order; the same key with another body is a 422. Not enough capacity is a 409 and nothing is held."""
    require_role(request, Role.MEMBER)
    if payload.organization is not None and payload.organization != request.org.pk:
        raise PermissionDenied(_("You can only order for your own organization."))
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100] or None
    order = services.order_place(
        organization=request.org,
        lines=_lines(payload),
        actor=request.user,
        idempotency_key=key,
        request_hash=_request_hash(payload),
    )
    return Status(201, _order_out(selectors.order_for_org(request.org, order.pk)))


@router.get("/orders", response=list[OrderOut], summary="Your organization's orders, newest first")
def order_list(request):
    return [_order_out(o) for o in selectors.orders_for_org(request.org).prefetch_related("status_changes")]


@router.get("/orders/{order_id}", response=OrderOut, summary="One order with its lines and history")
def order_detail(request, order_id: int):
    return _order_out(selectors.order_for_org(request.org, order_id))


@router.post("/orders/{order_id}/cancel", response=OrderOut, summary="Cancel an unpaid order")
def order_cancel(request, order_id: int):
    require_role(request, Role.MEMBER)
    order = selectors.order_for_org(request.org, order_id)
    services.order_cancel(order=order, actor=request.user, reason="cancelled through the API")
    return _order_out(selectors.order_for_org(request.org, order_id))
