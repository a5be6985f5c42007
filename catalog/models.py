from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import UNIT_FOR_FORM, PriceUnit, SalesForm
from catalog.pricing import price_order_errors
from mcu_console.money import DECIMAL_PLACES, MAX_DIGITS


class Region(models.Model):
    """A region customers buy in (SPEC R-2.3), e.g. 华东-杭州. Each has its own inventory and prices."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class PriceBookEntry(models.Model):
    """A unit price for one region and sales form from a date on (SPEC R-5.4 decision: effective-dated).

    VAT is included. Orders copy the price they were sold at; editing the book never changes an order.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="prices")
    sales_form = models.CharField(_("sales form"), max_length=10, choices=SalesForm.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=PriceUnit.choices, editable=False)
    unit_price = models.DecimalField(
        _("unit price (incl. VAT)"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("price book entry")
        verbose_name_plural = _("price book")
        ordering = ["region", "sales_form", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "sales_form", "valid_from"], name="price_one_per_day"),
            models.CheckConstraint(condition=models.Q(unit_price__gt=0), name="price_positive"),
        ]

    def __str__(self):
        return f"{self.region} {self.get_sales_form_display()} {self.unit_price} ({self.valid_from})"

    def save(self, *args, **kwargs):
        self.unit = UNIT_FOR_FORM[SalesForm(self.sales_form)]
        super().save(*args, **kwargs)

    def clean(self):
        """Keep payg×730 > monthly > annual (R-5.4) on every day from this entry's date on."""
        super().clean()
        if not (self.region_id and self.sales_form and self.unit_price and self.valid_from):
            return
        others = PriceBookEntry.objects.filter(region_id=self.region_id).exclude(pk=self.pk)
        entries = [(e.sales_form, e.valid_from, e.unit_price) for e in others]
        entries.append((self.sales_form, self.valid_from, self.unit_price))
        change_days = sorted({day for _form, day, _price in entries if day >= self.valid_from})
        for day in change_days:
            in_force = {}
            for form, valid_from, price in sorted(entries, key=lambda e: e[1]):
                if valid_from <= day:
                    in_force[form] = price
            errors = price_order_errors(in_force)
            if errors:
                raise ValidationError({"unit_price": [f"{day:%Y-%m-%d}: {e}" for e in errors]})
