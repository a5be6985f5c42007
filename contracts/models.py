from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from orders.models import Order


class Contract(models.Model):
    """One rendered version of an order's service contract (SPEC R-3.4 step 1, §6).

    A new version is rendered when the order's contract data changed before signing; the version
    that was signed is never re-rendered or replaced (immutable after signing).
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="contracts")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    pdf = models.FileField(_("contract PDF"), upload_to="contracts/%Y/%m/")
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    source_hash = models.CharField(
        max_length=64, help_text=_("fingerprint of the order data it was rendered from")
    )
    created_at = models.DateTimeField(_("rendered"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed copy recorded"), null=True, blank=True)
    signed_copy = models.FileField(_("signed copy"), upload_to="contracts/signed/%Y/%m/", blank=True)
    signed_copy_sha256 = models.CharField(max_length=64, blank=True)
    signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["order", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["order", "version"], name="contract_version_once"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(signed_at__isnull=False), name="contract_signed_once"
            ),
        ]

    def __str__(self):
        return f"{self.number} v{self.version}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def filename(self) -> str:
        return f"{self.number}-v{self.version}.pdf"


class NotificationKind(models.TextChoices):
    CONTRACT_READY = "contract_ready", _("Contract ready")
    PAYMENT_CONFIRMED = "payment_confirmed", _("Payment confirmed")
    MCUS_DELIVERED = "mcus_delivered", _("MCUs delivered")


class Notification(models.Model):
    """A message to an organization, shown in the console and sent by e-mail (orders/notifications.py)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One notification per order and event: a retried task does not notify twice (I-7).
            models.UniqueConstraint(fields=["order", "kind"], name="notification_once_per_order_event"),
        ]
        indexes = [models.Index(fields=["organization", "-created_at"], name="notification_org_created")]

    def __str__(self):
        return self.title
