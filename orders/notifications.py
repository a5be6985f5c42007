"""Tell the customer what happened to their order: a console notification and an e-mail (issue 5, item 4).

Moments: contract ready (order placed), payment confirmed, MCUs delivered. One notification per order and
moment — a retried task never notifies twice. The e-mail goes out after the transaction commits.

The console notification is stored in `contracts.Notification` (the contracts app owns that table's
migrations); it is looked up through the app registry so that `orders` does not import `contracts`.
"""

import logging

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mcu_console.money import format_cny

log = logging.getLogger(__name__)

CONTRACT_READY = "contract_ready"
PAYMENT_CONFIRMED = "payment_confirmed"
MCUS_DELIVERED = "mcus_delivered"


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def order_url(order) -> str:
    return _url("orders:detail", order.pk) or _url("contracts:notifications")


def _recipients(order) -> list[str]:
    org = order.organization
    emails = {m.user.email for m in org.memberships.select_related("user") if m.user.is_active}
    if org.contact_email:
        emails.add(org.contact_email)
    return sorted(emails)


def _notify(*, order, kind: str, title: str, body: str, link: str):
    """Store the console notification (once per order and kind) and e-mail it on commit."""
    Notification = apps.get_model("contracts", "Notification")
    try:
        with transaction.atomic():
            note, created = Notification.objects.get_or_create(
                order=order,
                kind=kind,
                defaults={"organization": order.organization, "title": title, "body": body, "link": link},
            )
    except IntegrityError:  # a concurrent worker stored it first
        return None
    if created:
        recipients = _recipients(order)
        base = settings.CONSOLE_BASE_URL.rstrip("/")
        message = f"{body}\n\n{base}{link}" if link else body

        def send():
            try:
                send_mail(title, message, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
            except Exception:  # the console notification stands; a mail outage must not undo a payment
                log.exception("notification e-mail for order %s failed", order.number)

        if recipients:
            transaction.on_commit(send)
    return note


def contract_ready(order):
    """The order is placed: its contract can be downloaded, signed and sent back."""
    with translation.override(settings.LANGUAGE_CODE):
        return _notify(
            order=order,
            kind=CONTRACT_READY,
            title=_("Order %(number)s: your contract is ready") % {"number": order.number},
            body=_(
                "Download the service contract of order %(number)s, sign and seal it, and send it back "
                "to us. Then transfer %(amount)s with the reference %(number)s."
            )
            % {"number": order.number, "amount": format_cny(order.total)},
            link=_url("contracts:download", order.pk) or order_url(order),
        )


def payment_confirmed(order):
    with translation.override(settings.LANGUAGE_CODE):
        return _notify(
            order=order,
            kind=PAYMENT_CONFIRMED,
            title=_("Order %(number)s: payment confirmed") % {"number": order.number},
            body=_("We received %(amount)s for order %(number)s. Your MCUs are being delivered.")
            % {"number": order.number, "amount": format_cny(order.total)},
            link=order_url(order),
        )


def mcus_delivered(order, *, mcus: int, payg_ceiling: int = 0, payg_deposit=0):
    """Pools delivered; a pay-as-you-go line opens an account (deposit as balance, MCU ceiling) instead."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = []
        if mcus:
            parts.append(
                _("The resources of order %(number)s are delivered (%(mcus)s MCU).")
                % {"number": order.number, "mcus": mcus}
            )
        if payg_ceiling:
            parts.append(
                _("Your pay-as-you-go account is open: balance %(deposit)s, up to %(ceiling)s MCU at a time.")
                % {"deposit": format_cny(payg_deposit), "ceiling": payg_ceiling}
            )
        parts.append(_("See them in your assets."))
        return _notify(
            order=order,
            kind=MCUS_DELIVERED,
            title=_("Order %(number)s: your MCUs are ready") % {"number": order.number},
            body=" ".join(parts),
            link=_url("assets:dashboard") or order_url(order),
        )
