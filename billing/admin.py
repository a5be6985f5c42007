"""Finance in the admin (issue 7 §6): bills by month and status, issue, mark paid with the bank reference,
corrections (a line on the next bill), and the whole month for all customers as XLSX or CSV.

Status and amounts are read-only here: every change goes through billing.services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import exports, selectors, services
from billing.forms import ExportMonthForm, MarkPaidForm
from billing.models import Bill, BillCorrection, BillLine, BillStatusChange, UsageDay
from mcu_console.exceptions import ServiceError


class CorrectionForm(forms.Form):
    gross = forms.DecimalField(
        label=gettext_lazy("Amount (incl. VAT; negative = credit)"), max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class BillLineInline(admin.TabularInline):
    model = BillLine
    fk_name = "bill"
    extra = 0
    can_delete = False
    fields = [
        "position",
        "kind",
        "region",
        "sales_form",
        "quantity",
        "unit_price",
        "days",
        "days_in_period",
        "weighted_mcu_hours",
        "net",
        "vat",
        "gross",
        "prepaid",
        "amount_due",
        "description",
        "corrects",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class BillStatusChangeInline(admin.TabularInline):
    model = BillStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PeriodFilter(admin.SimpleListFilter):
    title = gettext_lazy("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        periods = Bill.objects.order_by("-period").values_list("period", flat=True).distinct()[:36]
        return [(f"{p:%Y-%m}", f"{p:%Y-%m}") for p in periods]

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(period=selectors.parse_period(self.value()))
            except ServiceError:
                return queryset.none()
        return queryset


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "period_label",
        "status",
        "net",
        "vat",
        "total",
        "amount_due",
        "bank_reference",
    ]
    list_filter = [PeriodFilter, "status"]
    search_fields = ["organization__legal_name", "tax_id", "bank_reference"]
    list_select_related = ["organization"]
    inlines = [BillLineInline, BillStatusChangeInline]
    actions = ["issue_selected", "mark_paid_selected"]
    readonly_fields = [
        "organization",
        "period",
        "status",
        "invoice_title",
        "tax_id",
        "net",
        "vat",
        "total",
        "prepaid",
        "amount_due",
        "created_at",
        "updated_at",
        "issued_at",
        "paid_at",
        "bank_reference",
    ]
    fields = readonly_fields
    change_list_template = "admin/billing/bill/change_list.html"
    change_form_template = "admin/billing/bill/change_form.html"

    @admin.display(description=gettext_lazy("period"), ordering="period")
    def period_label(self, obj):
        return obj.period_label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _require(self, request, perm: str):
        if not request.user.has_perm(f"billing.{perm}"):
            raise PermissionDenied

    @admin.action(description=gettext_lazy("Issue the selected draft bills"), permissions=["issue"])
    def issue_selected(self, request, queryset):
        issued = 0
        for bill in queryset:
            try:
                services.bill_issue(bill=bill, actor=request.user)
                issued += 1
            except ServiceError as exc:
                self.message_user(request, f"{bill}: {exc.message}", messages.ERROR)
        if issued:
            self.message_user(request, _("%(n)d bill(s) issued.") % {"n": issued}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Mark the selected bill as paid…"), permissions=["issue"])
    def mark_paid_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one bill to mark as paid."), messages.WARNING)
            return None
        return redirect("admin:billing_bill_mark_paid", queryset.get().pk)

    def has_issue_permission(self, request):
        return request.user.has_perm("billing.issue_bill")

    def get_urls(self):
        urls = [
            path("export/", self.admin_site.admin_view(self.export_view), name="billing_bill_export"),
            path(
                "<int:pk>/mark-paid/",
                self.admin_site.admin_view(self.mark_paid_view),
                name="billing_bill_mark_paid",
            ),
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="billing_bill_correct",
            ),
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="billing_bill_pdf"),
        ]
        return urls + super().get_urls()

    def _form_page(self, request, form, title, bill=None):
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": title,
            "bill": bill,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/billing/bill/form.html", context)

    def export_view(self, request):
        """The whole month for all customers, XLSX (summary + lines) or CSV (lines and totals), streamed."""
        self._require(request, "export_bills")
        form = ExportMonthForm(request.GET or None)
        if form.is_bound and form.is_valid():
            period = selectors.parse_period(form.cleaned_data["period"])
            bills = selectors.bills_for_period(period).prefetch_related("lines__region", "lines__corrects")
            name = f"mcu-bills-{period:%Y-%m}"
            if form.cleaned_data["format"] == "csv":
                response = StreamingHttpResponse(
                    exports.bills_csv(bills.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
            return FileResponse(
                exports.bills_xlsx(bills, f"{period:%Y-%m}"), as_attachment=True, filename=f"{name}.xlsx"
            )
        return self._form_page(request, form, _("Export a month of bills"))

    def mark_paid_view(self, request, pk):
        self._require(request, "issue_bill")
        bill = get_object_or_404(Bill, pk=pk)
        form = MarkPaidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.bill_mark_paid(
                    bill=bill, bank_reference=form.cleaned_data["bank_reference"], actor=request.user
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, _("%(bill)s marked as paid.") % {"bill": bill}, messages.SUCCESS)
                return redirect(reverse("admin:billing_bill_change", args=[bill.pk]))
        return self._form_page(request, form, _("Mark %(bill)s as paid") % {"bill": bill}, bill)

    def correct_view(self, request, pk):
        self._require(request, "issue_bill")
        bill = get_object_or_404(Bill, pk=pk)
        form = CorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.bill_correction_add(
                    bill=bill,
                    gross=form.cleaned_data["gross"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, _("The correction will appear on the next bill."), messages.SUCCESS
                )
                return redirect(reverse("admin:billing_bill_change", args=[bill.pk]))
        return self._form_page(request, form, _("Correct %(bill)s") % {"bill": bill}, bill)

    def pdf_view(self, request, pk):
        self._require(request, "view_bill")
        from billing.views import bill_file_response

        return bill_file_response(get_object_or_404(Bill, pk=pk), "pdf")


@admin.register(BillCorrection)
class BillCorrectionAdmin(admin.ModelAdmin):
    list_display = ["organization", "corrects", "gross", "reason", "applied_to", "created_at"]
    readonly_fields = [
        "organization",
        "corrects",
        "gross",
        "reason",
        "applied_to",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UsageDay)
class UsageDayAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "organization",
        "region",
        "pool",
        "workload_kind",
        "allocated_mcu_hours",
        "weighted_mcu_hours",
        "busy_mcu_hours",
    ]
    list_filter = ["region", "workload_kind", "payg"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
