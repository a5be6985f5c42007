from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.choices import Role
from accounts.models import Organization, User
from accounts.validators import normalize_credit_code, validate_credit_code


class SignupForm(forms.Form):
    legal_name = forms.CharField(label=_("Company legal name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        min_length=18,
        help_text=_("18 characters, as on the business licence."),
    )
    address = forms.CharField(label=_("Registered address"), max_length=300, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    admin_name = forms.CharField(label=_("Your name"), max_length=100)
    admin_email = forms.EmailField(label=_("Your work e-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def clean_legal_name(self):
        name = self.cleaned_data["legal_name"].strip()
        if Organization.objects.filter(legal_name__iexact=name).exists():
            raise ValidationError(
                _("This company already has an account. Ask its administrator for an invitation.")
            )
        return name

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        if Organization.objects.filter(credit_code=code).exists():
            raise ValidationError(_("This credit code is already registered."))
        return code

    def clean_admin_email(self):
        email = self.cleaned_data["admin_email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this e-mail already exists."))
        return email

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            user = User(email=data.get("admin_email", ""), name=data.get("admin_name", ""))
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing to even check the password after too many failures."""

    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean(self):
        email = (self.data.get("username") or "").strip().lower()
        ip = throttle.client_ip(self.request) if self.request else ""
        if throttle.is_locked(email, ip):
            raise ValidationError(
                _("Too many failed attempts. Please wait a few minutes before trying again."),
                code="throttled",
            )
        try:
            data = super().clean()
        except ValidationError:
            throttle.record_failure(email, ip)
            raise
        throttle.clear(email, ip)
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, User(email=self.email, name=self.data.get("name", "")))
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("e.g. CI pipeline, laptop CLI"))
