from django import forms
from django.utils.translation import gettext_lazy as _

from catalog import sizing


class SizingForm(forms.Form):
    """Describe the work (SPEC R-3.2); the answer shows its arithmetic."""

    task = forms.ChoiceField(label=_("Work"), choices=sizing.TASKS, initial=sizing.FINETUNE_LORA)
    params_billion = forms.FloatField(
        label=_("Model size (billions of parameters)"), min_value=0.01, max_value=10_000, initial=7
    )
    precision = forms.ChoiceField(
        label=_("Serving precision"),
        choices=sizing.PRECISIONS,
        initial="bf16",
        help_text=_("Training and fine-tuning use mixed precision (BF16 with FP32 optimizer state)."),
    )
    tokens_billion = forms.FloatField(
        label=_("Training tokens (billions)"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        initial=1,
        help_text=_("Training and fine-tuning only."),
    )
    days = forms.FloatField(
        label=_("Deadline (days)"),
        min_value=0.1,
        max_value=3650,
        required=False,
        initial=3,
        help_text=_("Training and fine-tuning only: wall-clock time to finish the tokens."),
    )
    tokens_per_second = forms.FloatField(
        label=_("Generated tokens per second (all users)"),
        min_value=0,
        max_value=1e9,
        required=False,
        initial=1000,
        help_text=_("Serving only."),
    )

    def clean(self):
        data = super().clean()
        task = data.get("task")
        if task and task != sizing.SERVE:
            if not data.get("tokens_billion"):
                self.add_error("tokens_billion", _("Enter how many tokens the run trains on."))
            if not data.get("days"):
                self.add_error("days", _("Enter the deadline in days."))
        if task == sizing.SERVE and not data.get("tokens_per_second"):
            self.add_error("tokens_per_second", _("Enter the expected output tokens per second."))
        return data
