from django.db import models
from django.utils.translation import gettext_lazy as _


class DomainKind(models.TextChoices):
    """Scheduling domain (SPEC R-2.3). Shared by the scheduler, orders and billing."""

    NORMAL = "normal", _("Normal")
    TIGHTLY_COUPLED = "tightly_coupled", _("Tightly-coupled")


class SalesForm(models.TextChoices):
    """How MCUs are sold (SPEC R-5.4)."""

    ANNUAL = "annual", _("Annual pool")
    MONTHLY = "monthly", _("Monthly pool")
    PAYG = "payg", _("Pay-as-you-go")


class PriceUnit(models.TextChoices):
    MCU_MONTH = "mcu_month", _("per MCU per month")
    MCU_HOUR = "mcu_hour", _("per MCU·hour")


UNIT_FOR_FORM = {
    SalesForm.ANNUAL: PriceUnit.MCU_MONTH,
    SalesForm.MONTHLY: PriceUnit.MCU_MONTH,
    SalesForm.PAYG: PriceUnit.MCU_HOUR,
}
HOURS_PER_MONTH = 730  # the MCU-month equivalent of an hourly price (R-5.4 price order)
CLUSTER_MIN_MCUS = 64  # a tightly-coupled line this large may span domains
