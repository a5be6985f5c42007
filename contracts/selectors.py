"""Reads of the contracts app: the contract's data from an order, the current version, notifications."""

from decimal import Decimal

from django.conf import settings

from catalog.choices import SalesForm
from contracts.models import Contract, Notification
from contracts.pdf import INVOICE_ITEM, SERVICE_ITEM
from mcu_console.money import quantize_fen, split_vat
from mcu_console.timeutil import display_tz
from orders.models import Order

TFLOPS_PER_MCU = 125  # SPEC: each MCU ≥ 125 TFLOPS FP16/BF16


def contract_number(order: Order) -> str:
    return f"HT-{order.number}"


def contract_data(order: Order) -> dict:
    """Everything the contract states, as plain values (SPEC §6, R-3.4, R-5.4, R-5.6).

    This dict is both the template context and the fingerprint source: if it changes before
    signing, a new contract version is rendered.
    """
    org = order.organization
    lines = []
    for line in order.lines.select_related("region").order_by("id"):
        lines.append(
            {
                "region": line.region.name,
                "quantity": line.quantity,
                "tflops": line.quantity * TFLOPS_PER_MCU,
                "domain_kind": line.domain_kind,
                "sales_form": line.sales_form,
                "payg": line.sales_form == SalesForm.PAYG,
                "term_months": line.term_months,
                "unit_price": quantize_fen(line.unit_price),
                "monthly_fee": quantize_fen(line.monthly_fee),
                "term_value": quantize_fen(line.term_value),
                "deposit": quantize_fen(line.deposit),
                "amount_due": quantize_fen(line.amount_due),
            }
        )
    total = quantize_fen(order.total)
    net, vat, _gross = split_vat(total)
    term_months = sorted({line["term_months"] for line in lines if line["term_months"]})
    return {
        "number": contract_number(order),
        "order_number": order.number,
        "order_date": order.created_at.astimezone(display_tz()).date().isoformat(),
        "pay_by": order.hold_expires_at.astimezone(display_tz()).date().isoformat(),
        "customer": {
            "legal_name": org.legal_name,
            "credit_code": org.credit_code,
            "address": org.address,
            "invoice_title": org.invoice_title or org.legal_name,
            "tax_id": org.tax_id or org.credit_code,
            "contact_name": org.contact_name,
            "contact_email": org.contact_email,
            "contact_phone": org.contact_phone,
        },
        "provider": {
            "legal_name": settings.PROVIDER_LEGAL_NAME,
            "tax_id": settings.PROVIDER_TAX_ID,
            "address": settings.PROVIDER_ADDRESS,
            "bank_name": settings.PROVIDER_BANK_NAME,
            "bank_account": settings.PROVIDER_BANK_ACCOUNT,
        },
        "service_item": SERVICE_ITEM,
        "invoice_item": INVOICE_ITEM,
        "lines": lines,
        "total_mcus": sum(line["quantity"] for line in lines if not line["payg"]),
        "monthly_fee": quantize_fen(sum((line["monthly_fee"] for line in lines), Decimal(0))),
        "term_value": quantize_fen(sum((line["term_value"] for line in lines), Decimal(0))),
        "term_months": term_months,
        "total": total,
        "total_net": net,
        "total_vat": vat,
        "vat_percent": 6,
    }


def contract_latest(order: Order) -> Contract | None:
    return Contract.objects.filter(order=order).order_by("-version").first()


def contract_signed(order: Order) -> Contract | None:
    return Contract.objects.filter(order=order, signed_at__isnull=False).first()


def notifications_for_org(org, *, limit: int = 20):
    return Notification.objects.filter(organization=org).select_related("order")[:limit]
