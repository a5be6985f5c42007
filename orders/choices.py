from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    """SPEC R-3.4: pending signature → pending payment → completed, or cancelled / expired."""

    PENDING_SIGNATURE = "pending_signature", _("Pending signature")
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


TRANSITIONS = {
    OrderStatus.PENDING_SIGNATURE: {OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.EXPIRED},
    OrderStatus.PENDING_PAYMENT: {OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.EXPIRED},
    OrderStatus.COMPLETED: set(),
    OrderStatus.CANCELLED: set(),
    OrderStatus.EXPIRED: set(),
}
OPEN_STATUSES = (OrderStatus.PENDING_SIGNATURE, OrderStatus.PENDING_PAYMENT)


class DeliveryStatus(models.TextChoices):
    """After payment is confirmed: MCUs are allocated from the order's holds (R-3.4 step 4)."""

    NOT_STARTED = "not_started", _("Not started")
    DELIVERING = "delivering", _("Delivering")
    DELIVERED = "delivered", _("Delivered")
