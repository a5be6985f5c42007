"""Every write of the contracts app: render a contract version, record the signed copy (R-3.4 steps 1–2)."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.services import audit
from catalog.choices import DomainKind, SalesForm
from contracts.models import Contract, Notification, NotificationKind
from contracts.pdf import fingerprint, render_pdf, sha256_hex
from contracts.selectors import contract_data, contract_latest, contract_signed
from mcu_console.exceptions import Conflict
from orders import notifications
from orders.choices import OrderStatus
from orders.models import Order
from orders.uploads import validate_document

# Until the contract is signed, the order's terms may still change (a new version is then rendered).
RENDERABLE_STATUSES = (OrderStatus.PENDING_SIGNATURE,)


# The contract's own wording of the catalog's choices (a legal text should not change with a UI label).
DOMAIN_WORDS = {
    DomainKind.NORMAL: pgettext_lazy("contract", "normal domain"),
    DomainKind.TIGHTLY_COUPLED: pgettext_lazy("contract", "tightly-coupled domain"),
}
FORM_WORDS = {
    SalesForm.ANNUAL: pgettext_lazy("contract", "annual pool"),
    SalesForm.MONTHLY: pgettext_lazy("contract", "monthly pool"),
    SalesForm.PAYG: pgettext_lazy("contract", "pay-as-you-go"),
}


def _template_context(data: dict, version: int) -> dict:
    lines = [
        {
            **line,
            "domain_kind_label": DOMAIN_WORDS[DomainKind(line["domain_kind"])],
            "sales_form_label": FORM_WORDS[SalesForm(line["sales_form"])],
        }
        for line in data["lines"]
    ]
    return {**data, "lines": lines, "version": version}


def contract_render(*, data: dict, version: int, language: str = "zh-hans") -> bytes:
    """The PDF bytes of one contract version (no database writes)."""
    return render_pdf(_template_context(data, version), language=language)


@transaction.atomic
def contract_current(*, order: Order, actor=None) -> Contract:
    """The contract to download or sign: the signed version, else the latest one if the order's
    contract data is unchanged, else a freshly rendered new version (stored with its SHA-256)."""
    order = Order.objects.select_for_update().select_related("organization").get(pk=order.pk)
    signed = contract_signed(order)
    if signed is not None:
        return signed  # immutable after signing
    data = contract_data(order)
    source_hash = fingerprint(data)
    latest = contract_latest(order)
    if latest is not None and latest.source_hash == source_hash:
        return latest
    if latest is not None and order.status not in RENDERABLE_STATUSES:
        return latest  # a closed order keeps the contract it had
    version = (latest.version + 1) if latest else 1
    pdf_bytes = contract_render(data=data, version=version)
    contract = Contract(
        order=order,
        organization=order.organization,
        number=data["number"],
        version=version,
        sha256=sha256_hex(pdf_bytes),
        source_hash=source_hash,
    )
    # A random file name: the PDF is only ever served through the tenant-checked download view.
    contract.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf_bytes), save=False)
    contract.save()
    audit(
        verb="contract.rendered",
        actor=actor,
        organization=order.organization,
        obj=contract,
        data={"order": order.number, "version": version, "sha256": contract.sha256},
    )
    return contract


def contract_record_signed(*, order: Order, actor, upload=None) -> Contract:
    """Sales records that the signed contract came back (optionally with its scan) and the order moves on
    to pending payment (R-3.4 step 2). Refused unless the order waits for its signature."""
    from orders.services import order_transition

    kind = validate_document(upload, field="signed_copy") if upload is not None else None
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.PENDING_SIGNATURE:
            raise Conflict(
                _("Order %(number)s is not waiting for a signed contract (it is %(status)s).")
                % {"number": locked.number, "status": locked.get_status_display()},
                code="wrong_state",
            )
        contract = contract_current(order=locked, actor=actor)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        contract.signed_at = timezone.now()
        contract.signed_recorded_by = actor
        if upload is not None:
            data = upload.read()
            contract.signed_copy_sha256 = sha256_hex(data)
            contract.signed_copy.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
        contract.save()
        order_transition(
            order=locked,
            to_status=OrderStatus.PENDING_PAYMENT,
            actor=actor,
            reason=_("signed contract %(number)s v%(version)s received")
            % {"number": contract.number, "version": contract.version},
        )
        audit(
            verb="contract.signed_recorded",
            actor=actor,
            organization=locked.organization,
            obj=contract,
            data={
                "order": locked.number,
                "version": contract.version,
                "signed_copy_sha256": contract.signed_copy_sha256,
            },
        )
    return contract


def contracts_prepare_new(*, limit: int = 100) -> int:
    """Render the contract of each order waiting for its signature that has not been announced yet, and tell
    the customer it is ready (console + e-mail). Run by beat every minute, so the PDF is rendered in the
    worker before anyone asks for it; running it again changes nothing (I-7)."""
    announced = Notification.objects.filter(kind=NotificationKind.CONTRACT_READY).values("order_id")
    pending = (
        Order.objects.filter(status=OrderStatus.PENDING_SIGNATURE)
        .exclude(pk__in=announced)
        .select_related("organization")
        .order_by("created_at")[:limit]
    )
    done = 0
    for order in pending:
        contract_current(order=order)
        if notifications.contract_ready(order) is not None:
            done += 1
    return done
