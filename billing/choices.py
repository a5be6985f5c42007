from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SERVICE_ITEM = "MemoryLake Compute 智能计算平台服务"  # SPEC, printed as is in both languages
INVOICE_ITEM = "信息技术服务费"  # SPEC: the invoice item (VAT 6%)


class BillStatus(models.TextChoices):
    """SPEC R-5.6 / issue 7: draft → issued → paid. Issued and paid bills are immutable."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")


BILL_TRANSITIONS = {
    BillStatus.DRAFT: {BillStatus.ISSUED},
    BillStatus.ISSUED: {BillStatus.PAID},
    BillStatus.PAID: set(),
}


class LineKind(models.TextChoices):
    POOL = "pool", pgettext_lazy("bill line kind", "Resource pool")
    PAYG = "payg", _("Pay-as-you-go")
    ADJUSTMENT = "adjustment", _("Correction")


class PaygLevel(models.TextChoices):
    """The pay-as-you-go balance notices (issue 7): at 20 % of the deposit and at zero."""

    LOW = "low", _("Low balance: a fifth of the deposit left")
    EXHAUSTED = "exhausted", _("Balance used up")


PAYG_LOW_FRACTION = "0.20"
