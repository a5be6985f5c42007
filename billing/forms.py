from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Region

IDLE = "idle"
# Own labels with a context: "Training" alone is also a scenario package (训练套餐) in the catalog app.
KIND_CHOICES = [
    ("training", pgettext_lazy("workload kind", "Training")),
    ("inference", pgettext_lazy("workload kind", "Inference")),
    ("development", pgettext_lazy("workload kind", "Development")),
    ("data_processing", pgettext_lazy("workload kind", "Data processing")),
]


class UsageFilterForm(forms.Form):
    """Filters of the MCU consumption detail; bad values come back as field errors."""

    month = forms.RegexField(
        label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
        error_messages={"invalid": _("Write the month as YYYY-MM, e.g. 2026-11.")},
        widget=forms.TextInput(attrs={"type": "month"}),
    )  # fmt: skip
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False,
                                    empty_label=_("All regions"))  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Workload kind"), required=False,
        choices=[("", _("All kinds")), *KIND_CHOICES, (IDLE, _("Idle (allocated)"))],
    )  # fmt: skip
    mcu = forms.CharField(label=_("MCU id contains"), required=False, max_length=20)


class MarkPaidForm(forms.Form):
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=80)


class ExportMonthForm(forms.Form):
    period = forms.RegexField(
        label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Write the month as YYYY-MM, e.g. 2026-11.")},
    )  # fmt: skip
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")])
