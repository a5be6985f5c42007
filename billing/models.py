"""Usage rollups, monthly bills and their lines (SPEC §5, DESIGN I-4, I-5, I-7).

Money fields are VAT-inclusive `gross` with `net + vat == gross` per line; a bill's totals are the
sums of its lines, so the lines always add up to the bill to the fen. `prepaid` is the part already
paid (annual term, the monthly pool's first payment, the pay-as-you-go deposit); `amount_due` is the rest.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Abs
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from billing.choices import BillStatus, LineKind, PaygLevel
from billing.exceptions import BillNotEditable
from catalog.choices import SalesForm
from catalog.models import Region
from mcu_console.money import DECIMAL_PLACES, MAX_DIGITS
from orders.models import ResourcePool
from scheduler.choices import WorkloadKind

HALF_FEN = Value(Decimal("0.005"))


def _money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0, **kwargs
    )


def _hours(verbose_name):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=4, default=0)


class UsageDay(models.Model):
    """Daily rollup of `scheduler.UsageHour` (Asia/Shanghai days) per org, region, pool and workload kind.

    `pool` is the resource pool the usage counts against (a pool's own MCUs, or the region's
    pay-as-you-go account for pay-as-you-go workloads); blank kind = idle allocated time.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="usage_days"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    pool = models.ForeignKey(
        ResourcePool, on_delete=models.CASCADE, null=True, blank=True, related_name="usage_days"
    )
    payg = models.BooleanField(_("pay-as-you-go"), default=False)
    workload_kind = models.CharField(
        _("workload kind"), max_length=20, choices=WorkloadKind.choices, blank=True
    )
    day = models.DateField(_("day"))
    allocated_mcu_hours = _hours(_("allocated MCU·h"))
    weighted_mcu_hours = _hours(_("weighted MCU·h"))
    busy_mcu_hours = _hours(_("busy MCU·h"))

    class Meta:
        verbose_name = _("daily usage")
        verbose_name_plural = _("daily usage")
        ordering = ["day", "region", "workload_kind"]
        indexes = [
            models.Index(fields=["organization", "day"], name="usageday_org_day"),
            models.Index(fields=["pool", "day"], name="usageday_pool_day"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.day} {self.workload_kind or 'idle'}"


class Bill(models.Model):
    """One organization's bill for one calendar month (Asia/Shanghai), SPEC R-5.6."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="bills", verbose_name=_("organization")
    )
    period = models.DateField(_("period"), help_text=_("first day of the billed month"))
    status = models.CharField(
        _("status"), max_length=10, choices=BillStatus.choices, default=BillStatus.DRAFT
    )
    invoice_title = models.CharField(_("invoice title"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=30, blank=True)
    net = _money(_("amount before tax"))
    vat = _money(_("VAT"))
    total = _money(_("total (incl. VAT)"))
    prepaid = _money(_("prepaid"))
    amount_due = _money(_("amount due"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "organization"]
        permissions = [
            ("issue_bill", "Can issue bills and mark them paid"),
            ("export_bills", "Can export bills"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"],
                name="bill_one_per_org_and_month",
                violation_error_message="An organization has one bill per month.",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="bill_period_first_of_month"),
        ]
        indexes = [models.Index(fields=["period", "status"], name="bill_period_status")]

    def __str__(self):
        return f"{self.organization} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def period_end(self):
        import calendar

        return self.period.replace(day=calendar.monthrange(self.period.year, self.period.month)[1])

    @property
    def is_editable(self) -> bool:
        return self.status == BillStatus.DRAFT


class BillLine(models.Model):
    """One line: a pool in a region, a pay-as-you-go account, or a correction of an issued bill."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pool = models.ForeignKey(
        ResourcePool, on_delete=models.PROTECT, null=True, blank=True, related_name="bill_lines"
    )
    sales_form = models.CharField(_("sales form"), max_length=10, choices=SalesForm.choices, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("MCUs"), default=0)
    unit_price = models.DecimalField(
        _("unit price (incl. VAT)"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0
    )
    days = models.PositiveSmallIntegerField(_("days billed"), default=0)
    days_in_period = models.PositiveSmallIntegerField(_("days in month"), default=0)
    weighted_mcu_hours = _hours(_("weighted MCU·h"))
    net = _money(_("amount before tax"))
    vat = _money(_("VAT"))
    gross = _money(_("total (incl. VAT)"))
    prepaid = _money(_("prepaid"))
    amount_due = _money(_("amount due"))
    corrects = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )

    class Meta:
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        ordering = ["bill", "position", "id"]
        # Exact on PostgreSQL (numeric); SQLite computes in floating point, hence "within half a fen".
        constraints = [
            models.CheckConstraint(
                condition=LessThan(Abs(F("gross") - F("vat") - F("net")), HALF_FEN), name="line_net_plus_vat"
            ),
            models.CheckConstraint(
                condition=LessThan(Abs(F("gross") - F("prepaid") - F("amount_due")), HALF_FEN),
                name="line_due_is_gross_less_prepaid",
            ),
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        # Issued bills are immutable (issue 7): a correction is a line on the next bill, never an edit.
        if not Bill.objects.filter(pk=self.bill_id, status=BillStatus.DRAFT).exists():
            raise BillNotEditable(str(_("This bill is issued; it cannot be changed.")))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not Bill.objects.filter(pk=self.bill_id, status=BillStatus.DRAFT).exists():
            raise BillNotEditable(str(_("This bill is issued; it cannot be changed.")))
        return super().delete(*args, **kwargs)


class BillCorrection(models.Model):
    """A correction of an issued bill; it becomes a credit (negative) or debit line on the next bill."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="bill_corrections",
    )
    corrects = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="corrections")
    gross = models.DecimalField(
        _("amount (incl. VAT, negative = credit)"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    reason = models.CharField(_("reason"), max_length=300)
    applied_to = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="applied_corrections"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bill correction")
        verbose_name_plural = _("bill corrections")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(gross=0), name="correction_not_zero")]

    def __str__(self):
        return f"{self.corrects}: {self.gross}"


class BillStatusChange(models.Model):
    """Every bill transition: who, when, from, to (DESIGN I-5)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.bill_id}: {self.from_status} → {self.to_status}"


class PaygNotice(models.Model):
    """A pay-as-you-go balance notice that was sent; one per pool and level, so it is sent once."""

    pool = models.ForeignKey(ResourcePool, on_delete=models.CASCADE, related_name="payg_notices")
    level = models.CharField(max_length=10, choices=PaygLevel.choices)
    remaining = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "level"], name="payg_notice_once_per_level")]

    def __str__(self):
        return f"{self.pool_id} {self.level}"
