"""Money in: bank transfers recorded by sales, payment confirmation (SPEC R-3.4 steps 3–4).

Transfers may arrive in parts and add up. Confirming is allowed only to staff with
`orders.confirm_payment` (the sales group), only once the signed contract is back (the order is
pending payment) and the money received covers the total. A payer whose name differs from the
organization's legal name needs an explicit override with a reason. Confirming completes the
order and queues delivery on commit.
"""

import datetime as dt
import logging
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit
from mcu_console.exceptions import Conflict, InvalidInput, ServiceError
from mcu_console.money import format_cny, quantize_fen
from mcu_console.timeutil import local_today
from orders import notifications
from orders.choices import OPEN_STATUSES, DeliveryStatus, OrderStatus
from orders.models import BankTransfer, Order
from orders.uploads import validate_document

CONFIRM_PERMISSION = "orders.confirm_payment"
log = logging.getLogger(__name__)


def amount_received(order: Order) -> Decimal:
    total = BankTransfer.objects.filter(order=order).aggregate(s=Sum("amount"))["s"]
    return quantize_fen(total or 0)


def amount_outstanding(order: Order) -> Decimal:
    return max(quantize_fen(order.total) - amount_received(order), Decimal("0.00"))


def normalize_name(name: str) -> str:
    """Compare company names the way a bank statement prints them: no spaces, half-width brackets."""
    name = name.replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", name).casefold()


def foreign_payers(order: Order) -> list[str]:
    """Payer names of the order's transfers that are not the organization's legal name."""
    legal = normalize_name(order.organization.legal_name)
    names = BankTransfer.objects.filter(order=order).values_list("payer_name", flat=True)
    return sorted({n for n in names if normalize_name(n) != legal})


def _parse_amount(amount) -> Decimal:
    if isinstance(amount, float):
        raise InvalidInput(_("Enter the amount as a decimal number."), details={"amount": "float"})
    try:
        value = Decimal(str(amount).replace(",", "").replace("¥", "").strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("Enter the amount as a number, e.g. 8640.00."), details={"amount": "invalid"}
        ) from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput(_("The amount must be more than zero."), details={"amount": "not_positive"})
    if value != quantize_fen(value):
        raise InvalidInput(
            _("The amount cannot have more than two decimal places."), details={"amount": "fen"}
        )
    return quantize_fen(value)


def transfer_record(
    *,
    order: Order,
    amount,
    payer_name: str,
    bank_reference: str,
    received_on: dt.date,
    actor,
    receipt=None,
) -> BankTransfer:
    """Record money received for an open order; several transfers add up (R-3.4 step 3)."""
    value = _parse_amount(amount)
    payer_name = (payer_name or "").strip()
    bank_reference = (bank_reference or "").strip()
    errors = {}
    if not payer_name:
        errors["payer_name"] = _("Enter the payer's name as the bank statement shows it.")
    if not bank_reference:
        errors["bank_reference"] = _("Enter the bank's reference of the transfer.")
    if received_on is None:
        errors["received_on"] = _("Enter the date the money arrived.")
    elif received_on > local_today():
        errors["received_on"] = _("The date received cannot be in the future.")
    if errors:
        raise InvalidInput(" ".join(errors.values()), details=errors)
    receipt_kind = validate_document(receipt, field="receipt") if receipt is not None else None
    try:
        with transaction.atomic():
            locked = Order.objects.select_for_update().select_related("organization").get(pk=order.pk)
            if locked.status not in OPEN_STATUSES:
                raise Conflict(
                    _("Order %(number)s is %(status)s: no transfer can be recorded for it.")
                    % {"number": locked.number, "status": locked.get_status_display()},
                    code="wrong_state",
                )
            transfer = BankTransfer(
                order=locked,
                amount=value,
                payer_name=payer_name,
                bank_reference=bank_reference,
                received_on=received_on,
                recorded_by=actor,
                recorded_at=timezone.now(),
            )
            if receipt is not None:
                # A random name: the client's file name is not trusted and the file is served to staff only.
                transfer.receipt.save(f"{uuid.uuid4().hex}.{receipt_kind}", receipt, save=False)
            transfer.save()
            received = amount_received(locked)
            audit(
                verb="order.transfer_recorded",
                actor=actor,
                organization=locked.organization,
                obj=transfer,
                data={
                    "order": locked.number,
                    "amount": str(value),
                    "payer_name": payer_name,
                    "bank_reference": bank_reference,
                    "received_on": received_on.isoformat(),
                    "received_total": str(received),
                },
            )
    except IntegrityError:
        raise Conflict(
            _("A transfer with the bank reference %(ref)s is already recorded.") % {"ref": bank_reference},
            code="duplicate_reference",
            details={"bank_reference": "duplicate"},
        ) from None
    return transfer


def payment_confirm(*, order: Order, actor, payer_override_reason: str = "") -> Order:
    """Sales confirms the money: the order is completed and its delivery queued on commit (R-3.4 step 4).

    Confirming twice (a double click, two staff at once) confirms once: the second call finds the order
    completed and is refused with a Conflict; delivery is queued once.
    """
    from orders.services import order_transition

    if actor is None or not actor.has_perm(CONFIRM_PERMISSION):
        raise ServiceError(_("Only sales staff may confirm payments."), code="forbidden", status=403)
    payer_override_reason = (payer_override_reason or "").strip()
    with transaction.atomic():
        locked = Order.objects.select_for_update().select_related("organization").get(pk=order.pk)
        if locked.status == OrderStatus.PENDING_SIGNATURE:
            raise Conflict(
                _("The signed contract of order %(number)s has not been recorded yet.")
                % {"number": locked.number},
                code="not_signed",
            )
        if locked.status != OrderStatus.PENDING_PAYMENT:
            raise Conflict(
                _("Order %(number)s is %(status)s: its payment cannot be confirmed.")
                % {"number": locked.number, "status": locked.get_status_display()},
                code="wrong_state",
            )
        received = amount_received(locked)
        total = quantize_fen(locked.total)
        if received < total:
            raise Conflict(
                _("Received %(received)s of %(total)s: %(missing)s is still missing.")
                % {
                    "received": format_cny(received),
                    "total": format_cny(total),
                    "missing": format_cny(total - received),
                },
                code="not_covered",
                details={"received": str(received), "total": str(total)},
            )
        others = foreign_payers(locked)
        if others and not payer_override_reason:
            raise InvalidInput(
                _("The payer %(payers)s is not %(legal)s. Confirm only with an override and its reason.")
                % {"payers": "、".join(others), "legal": locked.organization.legal_name},
                code="payer_mismatch",
                details={"payer_override_reason": "required", "payers": others},
            )
        if others:
            locked.payer_override_reason = payer_override_reason[:300]
        locked.paid_at = timezone.now()
        locked.delivery_status = DeliveryStatus.DELIVERING
        locked.delivery_error = ""
        locked.save(update_fields=["payer_override_reason", "paid_at", "delivery_status", "delivery_error"])
        locked = order_transition(
            order=locked,
            to_status=OrderStatus.COMPLETED,
            actor=actor,
            reason=_("payment of %(amount)s confirmed") % {"amount": format_cny(received)},
        )
        audit(
            verb="order.payment_confirmed",
            actor=actor,
            organization=locked.organization,
            obj=locked,
            data={
                "order": locked.number,
                "received": str(received),
                "total": str(total),
                "payers": others,
                "payer_override_reason": locked.payer_override_reason,
            },
        )
        notifications.payment_confirmed(locked)
        order_id = locked.pk
        transaction.on_commit(lambda: _queue_delivery(order_id))
    return locked


def _queue_delivery(order_id: int) -> None:
    """After commit: queue the delivery. A broker outage must not turn a recorded payment into an error
    page — the order stays *delivering* and the `orders.deliver_pending` sweeper queues it again."""
    from orders.tasks import deliver_order

    try:
        deliver_order.delay(order_id)
    except Exception:
        log.exception("could not queue delivery of order %s; the sweeper will retry", order_id)
