"""Every write of ordering: place, move through the state machine, cancel, expire, extend holds.

SPEC R-3.3 (an order holds its inventory; holds expire; never sold twice), R-3.4 (states, audit),
R-5.4 (prices copied from the price book). Capacity is the scheduler's: `holds_place` takes it inside
our transaction, so an order and its holds are written together or not at all.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.services import audit
from mcu_console.exceptions import Conflict, InvalidInput
from mcu_console.timeutil import local_today
from orders.choices import OPEN_STATUSES, TRANSITIONS, OrderStatus
from orders.exceptions import IdempotencyKeyReused, InvalidTransition
from orders.models import IdempotencyKey, Order, OrderLine, OrderStatusChange
from orders.quotes import quote_build
from scheduler import services as scheduler_services
from scheduler.exceptions import InsufficientCapacity

MAX_HOLD_EXTENSION_DAYS = 30


def _number(order: Order) -> str:
    return f"MC{local_today():%Y%m%d}{order.pk:06d}"


def _existing_for_key(*, organization: Organization, key: str, request_hash: str) -> Order | None:
    found = IdempotencyKey.objects.filter(organization=organization, key=key).select_related("order").first()
    if found is None:
        return None
    if found.request_hash != request_hash or found.order is None:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was already used with a different request."),
            details={"idempotency_key": key},
        )
    return found.order


def order_place(
    *,
    organization: Organization,
    lines: list[dict],
    actor=None,
    idempotency_key: str | None = None,
    request_hash: str | None = None,
) -> Order:
    """Price `lines` from the price book, hold their capacity and record the order — all or nothing.

    With an idempotency key, the same key and body return the first order; another body is a 422.
    Raises InvalidInput (bad lines), InsufficientCapacity (409: not enough left, nothing held).
    """
    if idempotency_key:
        request_hash = request_hash or ""
        existing = _existing_for_key(
            organization=organization, key=idempotency_key, request_hash=request_hash
        )
        if existing is not None:
            return existing
    quote = quote_build(lines=lines, check_capacity=False)
    try:
        return _order_create(
            organization=organization,
            quote=quote,
            actor=actor,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
        )
    except IntegrityError:
        # Another request with the same key committed first (the unique key made us wait for it).
        if idempotency_key:
            existing = _existing_for_key(
                organization=organization, key=idempotency_key, request_hash=request_hash or ""
            )
            if existing is not None:
                return existing
        raise


@transaction.atomic
def _order_create(*, organization, quote, actor, idempotency_key, request_hash) -> Order:
    key_row = None
    if idempotency_key:
        # First write of the transaction: a concurrent request with this key waits here, then fails.
        key_row = IdempotencyKey.objects.create(
            organization=organization, key=idempotency_key, request_hash=request_hash or ""
        )
    now = timezone.now()
    order = Order.objects.create(
        organization=organization,
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        status=OrderStatus.PENDING_SIGNATURE,
        total=quote.amount_due,
        monthly_fee=quote.monthly_fee,
        hold_expires_at=now + dt.timedelta(days=settings.ORDER_HOLD_DAYS),
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    order.number = _number(order)
    order.save(update_fields=["number"])
    lines = []
    for ql in quote.lines:
        lines.append(
            OrderLine.objects.create(
                order=order,
                region=ql.region,
                quantity=ql.quantity,
                domain_kind=ql.domain_kind,
                sales_form=ql.sales_form,
                term_months=ql.term_months,
                unit_price=ql.unit_price,
                monthly_fee=ql.monthly_fee,
                term_value=ql.term_value,
                deposit=ql.deposit,
                amount_due=ql.amount_due,
            )
        )
    # Holds lock their region's domains: take them in region order so two multi-region orders never
    # wait on each other crosswise (no deadlock).
    for ql, line in sorted(zip(quote.lines, lines, strict=True), key=lambda pair: pair[0].region.pk):
        if not ql.holds_capacity:
            continue
        try:
            scheduler_services.holds_place(
                organization=organization,
                region=ql.region,
                domain_kind=ql.domain_kind,
                quantity=ql.quantity,
                reference=line.hold_reference,
                expires_at=order.hold_expires_at,
            )
        except InsufficientCapacity as exc:
            raise InsufficientCapacity(
                _("Line %(n)d (%(q)d MCU %(kind)s in %(region)s): %(reason)s")
                % {
                    "n": ql.index + 1,
                    "q": ql.quantity,
                    "kind": ql.domain_kind_label,
                    "region": ql.region.display_name,
                    "reason": _("not enough capacity left; nothing was ordered."),
                },
                details={"line": ql.index, **(exc.details or {})},
            ) from exc
    OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.PENDING_SIGNATURE,
        actor=order.created_by,
        reason="placed",
        at=now,
    )
    audit(
        verb="order.place",
        actor=actor,
        organization=organization,
        obj=order,
        data={"number": order.number, "total": str(order.total), "lines": len(quote.lines)},
    )
    if key_row is not None:
        key_row.order = order
        key_row.save(update_fields=["order"])
    return order


def _release_holds(order: Order) -> int:
    released = 0
    for line in order.lines.all():
        released += scheduler_services.holds_release(reference=line.hold_reference)
    return released


@transaction.atomic
def order_transition(*, order: Order, to_status: str, actor=None, reason: str = "") -> Order:
    """Move an order along R-3.4's state machine: lock, check, record, audit. Ending states free the holds."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    to_status = OrderStatus(to_status)
    if to_status not in TRANSITIONS[OrderStatus(locked.status)]:
        raise InvalidTransition(
            _("An order that is %(from)s cannot become %(to)s.")
            % {"from": locked.get_status_display(), "to": to_status.label},
            details={"from": locked.status, "to": to_status},
        )
    old = locked.status
    locked.status = to_status
    locked.save(update_fields=["status"])
    OrderStatusChange.objects.create(
        order=locked,
        from_status=old,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:300],
    )
    if to_status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        _release_holds(locked)
    audit(
        verb=f"order.{to_status}",
        actor=actor,
        organization=locked.organization,
        obj=locked,
        data={"number": locked.number, "from": old, "to": to_status, "reason": reason},
    )
    order.status = locked.status
    return locked


def order_cancel(*, order: Order, actor, reason: str = "") -> Order:
    """The customer cancels before paying (R-3.4): the order ends and its capacity is released."""
    if order.transfers.exists():
        raise Conflict(
            _("A payment has already been recorded for this order; please contact sales to cancel it."),
            code="payment_recorded",
        )
    return order_transition(
        order=order, to_status=OrderStatus.CANCELLED, actor=actor, reason=reason or "cancelled by customer"
    )


def orders_expire_overdue(*, now: dt.datetime | None = None) -> int:
    """Cancel (as expired) every unpaid order whose hold has run out, releasing its capacity (R-3.3).

    Orders with a recorded but not yet confirmed payment are left to sales. Safe to run twice.
    """
    now = now or timezone.now()
    overdue = Order.objects.filter(
        status__in=OPEN_STATUSES, hold_expires_at__lte=now, transfers__isnull=True
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(overdue):
        try:
            order_transition(
                order=Order(pk=pk), to_status=OrderStatus.EXPIRED, reason="capacity hold expired"
            )
        except InvalidTransition:
            continue  # paid, cancelled or expired meanwhile
        expired += 1
    return expired


@transaction.atomic
def order_extend_hold(*, order: Order, days: int, actor) -> Order:
    """Sales give an unpaid order more time (R-3.3): the order's and its holds' expiry move together."""
    if not 1 <= int(days) <= MAX_HOLD_EXTENSION_DAYS:
        raise InvalidInput(_("Extend a hold by 1 to 30 days."), code="invalid_extension")
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status not in OPEN_STATUSES:
        raise InvalidTransition(_("Only an unpaid, open order holds capacity."))
    base = max(locked.hold_expires_at, timezone.now())
    locked.hold_expires_at = base + dt.timedelta(days=int(days))
    locked.save(update_fields=["hold_expires_at"])
    for line in locked.lines.all():
        scheduler_services.holds_extend(reference=line.hold_reference, expires_at=locked.hold_expires_at)
    audit(
        verb="order.extend_hold",
        actor=actor,
        organization=locked.organization,
        obj=locked,
        data={"number": locked.number, "until": locked.hold_expires_at.isoformat(), "days": int(days)},
    )
    return locked
