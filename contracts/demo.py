"""Demo contract-to-cash states (used by `seed_demo`, after orders.demo): one order waiting for each staff
step and a delivered customer, so the admin queue and the asset dashboard have something to show.

- demo-finetune: waits for the signed contract (sales: "record signed contract");
- demo-inference: signed, waits for the bank transfer (sales: "record bank transfer");
- demo-payg: signed and paid in two parts, waits for confirmation (sales: "confirm payment");
- demo-training: signed, paid, confirmed and delivered (MCUs and resource pools exist).

Idempotent: each step looks at the order's state first; transfers have fixed bank references.
"""

import contextlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contracts.models import Contract
from contracts.services import contract_current
from demo.logins import SALES
from mcu_console.timeutil import local_today
from orders import notifications
from orders.choices import DeliveryStatus, OrderStatus
from orders.delivery import DeliveryIncomplete, order_deliver
from orders.models import BankTransfer
from orders.payments import payment_confirm, transfer_record


def _signed(order, sales) -> Contract:
    """Orders the ordering demo moved to pending payment were signed on paper: record that on the contract."""
    contract = contract_current(order=order, actor=sales)
    if not contract.is_signed:
        Contract.objects.filter(pk=contract.pk).update(signed_at=timezone.now(), signed_recorded_by=sales)
        contract.refresh_from_db()
    return contract


def _transfer(order, sales, reference: str, amount: Decimal) -> None:
    if not BankTransfer.objects.filter(bank_reference=reference).exists():
        transfer_record(
            order=order,
            amount=amount,
            payer_name=order.organization.legal_name,
            bank_reference=reference,
            received_on=local_today(),
            actor=sales,
        )


def seed(context=None) -> dict | None:
    context = context or {}
    orders = context.get("demo_orders") or {}
    sales = User.objects.filter(email=SALES).first()
    if not orders or sales is None:
        return None
    for order in orders.values():
        order.refresh_from_db()
        if order.status in (
            OrderStatus.PENDING_SIGNATURE,
            OrderStatus.PENDING_PAYMENT,
            OrderStatus.COMPLETED,
        ):
            contract_current(order=order, actor=None)
            notifications.contract_ready(order)

    for key in ("demo-inference", "demo-payg", "demo-training"):
        if key in orders and orders[key].status != OrderStatus.PENDING_SIGNATURE:
            _signed(orders[key], sales)

    payg = orders.get("demo-payg")
    if payg is not None and payg.status == OrderStatus.PENDING_PAYMENT:
        half = (payg.total / 2).quantize(Decimal("0.01"))
        _transfer(payg, sales, f"DEMO-{payg.number}-1", half)
        _transfer(payg, sales, f"DEMO-{payg.number}-2", payg.total - half)

    training = orders.get("demo-training")
    if training is not None:
        if training.status == OrderStatus.PENDING_PAYMENT:
            _transfer(training, sales, f"DEMO-{training.number}", training.total)
            with transaction.atomic():
                payment_confirm(order=training, actor=sales)
        training.refresh_from_db()
        if training.status == OrderStatus.COMPLETED and training.delivery_status != DeliveryStatus.DELIVERED:
            # At once, so the dashboard has pools after seeding; if capacity is short, the sweeper finishes.
            with contextlib.suppress(DeliveryIncomplete):
                order_deliver(order_id=training.pk)
    return {"delivered_orders": [training] if training is not None else []}
