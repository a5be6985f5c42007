from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.choices import Role
from accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InviteForm,
    RoleForm,
    SignupForm,
    ThrottledLoginForm,
)
from accounts.models import ApiToken, Membership
from accounts.tenancy import get_for_org, org_required
from mcu_console.exceptions import ServiceError


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.organization_signup(
                legal_name=data["legal_name"],
                credit_code=data["credit_code"],
                admin_email=data["admin_email"],
                admin_password=data["password"],
                admin_name=data["admin_name"],
                address=data["address"],
                contact_phone=data["contact_phone"],
                contact_name=data["admin_name"],
                contact_email=data["admin_email"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your organization is ready."))
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@org_required
def organization(request):
    org = request.org
    context = {
        "members": selectors.members_for_org(org),
        "invitations": selectors.open_invitations_for_org(org),
        "tokens": selectors.api_tokens_for_org(org),
        "invite_form": InviteForm(),
        "token_form": ApiTokenForm(),
        "roles": Role.choices,
        "is_admin": request.membership.has_role(Role.ADMIN),
        "new_token": request.session.pop("new_api_token", None),
        "invite_link": request.session.pop("invite_link", None),
    }
    return render(request, "accounts/organization.html", context)


@require_POST
@org_required(role=Role.ADMIN)
def invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, secret = services.invitation_create(
                organization=request.org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            link = request.build_absolute_uri(reverse("accounts:accept_invitation", args=[secret]))
            request.session["invite_link"] = link
            messages.success(request, _("Invitation created for %(email)s.") % {"email": invitation.email})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("accounts:organization")


@require_http_methods(["GET", "POST"])
def accept_invitation(request, secret):
    invitation = services.invitation_for_secret(secret)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                secret=secret, name=form.cleaned_data["name"], password=form.cleaned_data["password"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})


@require_POST
@org_required(role=Role.ADMIN)
def member_role(request, pk):
    membership = get_for_org(Membership, request.org, pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
            messages.success(request, _("Role changed."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("accounts:organization")


@require_POST
@org_required(role=Role.ADMIN)
def member_remove(request, pk):
    membership = get_for_org(Membership, request.org, pk=pk)
    try:
        services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, _("Member removed."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:organization")


@require_POST
@org_required(role=Role.ADMIN)
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        _token, key = services.api_token_create(
            membership=request.membership, name=form.cleaned_data["name"], actor=request.user
        )
        request.session["new_api_token"] = key  # shown once, on the next page
    else:
        messages.error(request, _("A token needs a name."))
    return redirect("accounts:organization")


@require_POST
@org_required(role=Role.ADMIN)
def token_revoke(request, pk):
    token = get_for_org(ApiToken, request.org, pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:organization")
