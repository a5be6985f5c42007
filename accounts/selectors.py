from accounts.models import ApiToken, Invitation, Membership
from accounts.tenancy import for_org


def members_for_org(org):
    return for_org(Membership, org).select_related("user").order_by("user__email")


def open_invitations_for_org(org):
    from django.utils import timezone

    return for_org(Invitation, org).filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def api_tokens_for_org(org):
    return for_org(ApiToken, org).select_related("user")
