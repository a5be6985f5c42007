"""Demo orders (used by `seed_demo`): the demo customer has orders in several states (issue 4 §5).

Idempotent: every order is placed with an idempotency key, so a second run finds the first one.
contracts.demo moves some pending-payment orders on to completed and delivered.
"""

from accounts.models import User
from catalog.services import price_book_ensure_defaults
from demo.logins import CUSTOMER_ADMIN, OTHER_CUSTOMER
from orders.choices import OrderStatus
from orders.services import order_place, order_transition

HZ, BJ, SZ = "cn-east-hz", "cn-north-bj", "cn-south-sz"


def _line(region, quantity, domain_kind="normal", sales_form="annual", term_months=12, **extra):
    line = {"region": region, "quantity": quantity, "domain_kind": domain_kind, "sales_form": sales_form}
    if sales_form != "payg":
        line["term_months"] = term_months
    return line | extra


# key, lines, the status the demo leaves it in, reason
CUSTOMER_ORDERS = [
    (
        "demo-training",
        [_line(HZ, 32, "tightly_coupled"), _line(BJ, 16)],
        OrderStatus.PENDING_PAYMENT,
        "signed",
    ),
    (
        "demo-inference",
        [_line(SZ, 8, sales_form="monthly", term_months=6)],
        OrderStatus.PENDING_PAYMENT,
        "signed",
    ),
    (
        "demo-payg",
        [_line(HZ, 16, sales_form="payg", deposit="20000.00")],
        OrderStatus.PENDING_PAYMENT,
        "signed",
    ),
    ("demo-finetune", [_line(HZ, 8, "tightly_coupled"), _line(BJ, 4)], OrderStatus.PENDING_SIGNATURE, ""),
    (
        "demo-cancelled",
        [_line(BJ, 4, sales_form="monthly", term_months=3)],
        OrderStatus.CANCELLED,
        "changed plans",
    ),
    ("demo-expired", [_line(SZ, 4)], OrderStatus.EXPIRED, "capacity hold expired"),
]
OTHER_ORDERS = [("other-1", [_line(BJ, 8, "tightly_coupled")], OrderStatus.PENDING_SIGNATURE, "")]


def _place(org, user, key, lines, status, reason):
    order = order_place(organization=org, lines=lines, actor=user, idempotency_key=key, request_hash=key)
    if status == OrderStatus.PENDING_SIGNATURE or order.status != OrderStatus.PENDING_SIGNATURE:
        return order
    if status == OrderStatus.PENDING_PAYMENT:
        return order_transition(order=order, to_status=status, actor=None, reason=reason)
    return order_transition(order=order, to_status=status, actor=user, reason=reason)


def seed(context=None) -> dict:
    context = context or {}
    price_book_ensure_defaults()
    orders = {}
    for org_key, email, plan in (
        ("customer", CUSTOMER_ADMIN, CUSTOMER_ORDERS),
        ("other", OTHER_CUSTOMER, OTHER_ORDERS),
    ):
        org = context.get(org_key)
        if org is None:
            continue
        user = User.objects.get(email=email)
        for key, lines, status, reason in plan:
            orders[key] = _place(org, user, key, lines, status, reason)
    return {"demo_orders": orders}
