"""Staff edit regions and the price book here (SPEC R-5.4 decision: effective-dated, staff-edited)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.models import PriceBookEntry, Region
from mcu_console.timeutil import local_today


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["code", "name", "name_en"]


class PriceBookEntryForm(forms.ModelForm):
    class Meta:
        model = PriceBookEntry
        fields = ["region", "sales_form", "unit_price", "valid_from", "note"]

    def clean_valid_from(self):
        valid_from = self.cleaned_data["valid_from"]
        if valid_from < local_today():
            raise forms.ValidationError(
                _("A price cannot take effect in the past; orders already placed keep their prices.")
            )
        return valid_from


@admin.register(PriceBookEntry)
class PriceBookEntryAdmin(admin.ModelAdmin):
    """New prices are new entries with a date; an entry already in force is read-only (history stays true)."""

    form = PriceBookEntryForm
    list_display = ["region", "sales_form", "unit_price", "unit", "valid_from", "note", "created_by"]
    list_filter = ["region", "sales_form"]
    date_hierarchy = "valid_from"
    readonly_fields = ["unit", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.valid_from <= local_today():
            return [
                "region",
                "sales_form",
                "unit_price",
                "valid_from",
                "note",
                "unit",
                "created_by",
                "created_at",
            ]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.valid_from <= local_today():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
