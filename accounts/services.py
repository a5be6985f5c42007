"""Every write of the accounts app: sign-up, members, invitations, API tokens, audit events."""

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import ApiToken, AuditEvent, Invitation, Membership, Organization, User, hash_secret
from mcu_console.exceptions import Conflict, InvalidInput

INVITATION_DAYS = 7
TOKEN_PREFIX = "mcu_"  # noqa: S105 (a prefix, not a secret)


def audit(*, verb: str, actor=None, organization=None, obj=None, data: dict | None = None) -> AuditEvent:
    """Record who did what (DESIGN I-5). `obj` may be any model instance."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organization=organization,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )


@transaction.atomic
def organization_signup(
    *,
    legal_name: str,
    credit_code: str,
    admin_email: str,
    admin_password: str,
    admin_name: str = "",
    **details,
) -> Membership:
    """Create a company and its first administrator, or nothing at all."""
    email = admin_email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(_("A user with this e-mail already exists."), details={"admin_email": ["taken"]})
    org = Organization(legal_name=legal_name.strip(), credit_code=credit_code.strip().upper(), **details)
    org.full_clean()  # credit-code check digit, uniqueness
    user = User(email=email, name=admin_name)
    validate_password(admin_password, user)
    org.save()
    user.set_password(admin_password)
    user.save()
    membership = Membership.objects.create(user=user, organization=org, role=Role.ADMIN)
    audit(verb="organization.signup", actor=user, organization=org, obj=org)
    return membership


def invitation_create(*, organization: Organization, email: str, role: str, actor) -> tuple[Invitation, str]:
    """Invite a colleague; returns the invitation and the one-time secret for its link."""
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise Conflict(_("This person is already a member."))
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise Conflict(_("This e-mail belongs to a member of another organization."))
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=Role(role),
        token_hash=hash_secret(secret),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    audit(
        verb="invitation.create",
        actor=actor,
        organization=organization,
        obj=invitation,
        data={"email": email},
    )
    return invitation, secret


def invitation_for_secret(secret: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organization").filter(token_hash=hash_secret(secret)).first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def invitation_accept(*, secret: str, name: str, password: str) -> Membership:
    invitation = invitation_for_secret(secret)
    if invitation is None:
        raise InvalidInput(_("This invitation is no longer valid."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise Conflict(_("A user with this e-mail already exists; log in instead."))
    user = User(email=invitation.email, name=name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(
        user=user, organization=invitation.organization, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit(verb="invitation.accept", actor=user, organization=invitation.organization, obj=invitation)
    return membership


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization=membership.organization, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor) -> Membership:
    role = Role(role)
    if membership.role == Role.ADMIN and role != Role.ADMIN and not _other_admins(membership):
        raise Conflict(_("An organization needs at least one administrator."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(
        verb="membership.role",
        actor=actor,
        organization=membership.organization,
        obj=membership,
        data={"user": membership.user.email, "from": old, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    if membership.role == Role.ADMIN and not _other_admins(membership):
        raise Conflict(_("An organization needs at least one administrator."))
    user = membership.user
    org = membership.organization
    membership.delete()
    user.is_active = False  # one organization per user: without it the account has nothing to do
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit(verb="membership.remove", actor=actor, organization=org, data={"user": user.email})


def api_token_create(*, membership: Membership, name: str, actor=None) -> tuple[ApiToken, str]:
    """A new token for the member's organization. The key is returned once and stored only hashed."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A token needs a name.")})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=membership.organization,
        user=membership.user,
        name=name[:100],
        prefix=key[:12],
        key_hash=hash_secret(key),
    )
    audit(
        verb="api_token.create",
        actor=actor or membership.user,
        organization=membership.organization,
        obj=token,
    )
    return token, key


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(verb="api_token.revoke", actor=actor, organization=token.organization, obj=token)
    return token


LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_token_authenticate(key: str) -> ApiToken | None:
    """The active token for a bearer key, with its user's membership; None when unknown or revoked."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organization", "user", "user__membership")
        .filter(key_hash=hash_secret(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or getattr(token.user, "membership", None) is None:
        return None
    if token.user.membership.organization_id != token.organization_id:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute: a busy client should not write on every request.
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
