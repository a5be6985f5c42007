from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.choices import DomainKind, SalesForm
from catalog.models import Region
from mcu_console.money import DECIMAL_PLACES, MAX_DIGITS
from orders.choices import DeliveryStatus, OrderStatus


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


class Order(models.Model):
    """A customer's order: lines in one or more regions; total = Σ line amounts due (R-3.3, I-4)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="orders"
    )
    number = models.CharField(_("order number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_SIGNATURE
    )
    total = _money(_("amount due (incl. VAT)"))
    monthly_fee = _money(_("monthly fee (incl. VAT)"), default=0)
    hold_expires_at = models.DateTimeField(_("capacity held until"))
    delivery_status = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_STARTED
    )
    delivery_error = models.CharField(_("delivery problem"), max_length=300, blank=True)
    payer_override_reason = models.CharField(_("payer name override reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    paid_at = models.DateTimeField(_("payment confirmed"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        permissions = [("confirm_payment", "Can confirm payment and deliver")]
        indexes = [models.Index(fields=["organization", "-created_at"], name="order_org_created")]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative")]

    def __str__(self):
        return self.number


class OrderLine(models.Model):
    """One region line. Prices are copied from the price book when the order is placed (R-5.4)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("MCUs"), help_text=_("for pay-as-you-go: the MCU ceiling"))
    domain_kind = models.CharField(_("scheduling domain"), max_length=20, choices=DomainKind.choices)
    sales_form = models.CharField(_("sales form"), max_length=10, choices=SalesForm.choices)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    unit_price = _money(_("unit price (incl. VAT)"))
    monthly_fee = _money(_("monthly fee (incl. VAT)"), default=0)
    term_value = _money(_("full term value (incl. VAT)"), default=0)
    deposit = _money(_("prepaid deposit"), default=0)
    amount_due = _money(_("amount due before delivery (incl. VAT)"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(amount_due__gte=0), name="line_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.order.number}: {self.quantity} MCU {self.region} {self.sales_form}"

    @property
    def hold_reference(self) -> str:
        """The key under which the scheduler holds and allocates this line's capacity."""
        return f"order-line:{self.pk}"


class OrderStatusChange(models.Model):
    """Every order transition: who, when, from, to, why (R-3.4, I-5)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class BankTransfer(models.Model):
    """Money received for an order; several may add up to its total (R-3.4 step 3)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="transfers")
    amount = _money(_("amount"))
    payer_name = models.CharField(_("payer name"), max_length=200)
    bank_reference = models.CharField(_("bank reference"), max_length=80)
    received_on = models.DateField(_("date received"))
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bank transfer")
        verbose_name_plural = _("bank transfers")
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.UniqueConstraint(fields=["bank_reference"], name="transfer_reference_once"),
        ]

    def __str__(self):
        return f"{self.bank_reference} {self.amount}"


class ResourcePool(models.Model):
    """What was delivered for one order line: the customer's pool in a region (or a pay-as-you-go account)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="resource_pools"
    )
    order_line = models.OneToOneField(OrderLine, on_delete=models.PROTECT, related_name="resource_pool")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    domain_kind = models.CharField(_("scheduling domain"), max_length=20, choices=DomainKind.choices)
    sales_form = models.CharField(_("sales form"), max_length=10, choices=SalesForm.choices)
    quantity = models.PositiveIntegerField(_("MCUs"), help_text=_("for pay-as-you-go: the MCU ceiling"))
    unit_price = _money(_("unit price (incl. VAT)"))
    deposit = _money(_("prepaid deposit"), default=0)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(
        _("ends"), null=True, blank=True, help_text=_("last day of service; none for pay-as-you-go")
    )
    allocation_reference = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("resource pool")
        verbose_name_plural = _("resource pools")
        ordering = ["organization", "region", "starts_on"]

    def __str__(self):
        return f"{self.organization}: {self.quantity} MCU {self.region} {self.sales_form}"


class IdempotencyKey(models.Model):
    """API writes with an Idempotency-Key (orders, workloads): same key and body → same result;
    the same key with another body — or on another endpoint — → 422."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    workload = models.ForeignKey(
        "scheduler.Workload", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="idempotency_key_once")]

    def __str__(self):
        return self.key
