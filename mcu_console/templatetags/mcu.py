"""Template filters used across the console (loaded as a builtin)."""

from decimal import Decimal

from django import template
from django.utils import timezone

from mcu_console.money import quantize_fen
from mcu_console.timeutil import display_tz

register = template.Library()


@register.filter
def cny(value):
    """Format a Decimal as ¥1,234.50 (two places, half-up)."""
    if value in (None, ""):
        return ""
    amount = quantize_fen(Decimal(value))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def local(value):
    """An aware datetime shown in Asia/Shanghai."""
    if not value:
        return value
    return timezone.localtime(value, display_tz())
