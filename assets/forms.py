from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Region
from scheduler.choices import WorkloadKind

MAX_WORKLOAD_MCUS = 4096


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name  # the English name when the console is in English


class WorkloadForm(forms.Form):
    """Submit a task (issue 6): the scheduler gang-places it on the organization's own free MCUs."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=WorkloadKind.choices,
        help_text=_(
            "Decides how much of the pool it consumes: training 1.5×, inference 1.0×, "
            "development 0.8×, data processing 0.6× (weighted MCU·h)."
        ),
    )
    mcu_count = forms.IntegerField(label=_("MCUs"), min_value=1, max_value=MAX_WORKLOAD_MCUS)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=None,
    )
    tightly_coupled = forms.BooleanField(
        label=_("Needs tightly-coupled MCUs"),
        required=False,
        help_text=_("Distributed training needs the high-speed interconnect of one tightly-coupled domain."),
    )
    payg = forms.BooleanField(
        label=_("Run on pay-as-you-go capacity"),
        required=False,
        help_text=_("MCUs are allocated when the task starts and released when it ends; billed per MCU·h."),
    )

    def __init__(self, *args, payg_available: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not payg_available:
            del self.fields["payg"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the task a name."))
        return name
