"""The one tenant-scoping helper (SPEC R-4.5, DESIGN I-6).

Every customer view and API endpoint gets its organization from the request and reads
through `for_org()` / `get_for_org()`. Another tenant's object is therefore "not found"
(404) — never a 403 that would confirm it exists, and never its data.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.choices import Role


def for_org(queryset, org, field: str = "organization"):
    """Restrict a queryset (or model) to rows of one organization."""
    if org is None:
        raise Http404
    qs = (
        queryset._default_manager.all()
        if isinstance(queryset, type) and issubclass(queryset, Model)
        else queryset
    )
    assert isinstance(qs, QuerySet)
    return qs.filter(**{field: org})


def get_for_org(queryset, org, field: str = "organization", **lookups):
    """The object matching `lookups` inside `org`, or Http404."""
    try:
        return for_org(queryset, org, field).get(**lookups)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        # A malformed id (not an int, not a UUID) is as "not found" as a missing one.
        raise Http404 from exc


def require_role(request, minimum: str) -> None:
    """Refuse (403) a member whose role is below `minimum` inside their own organization."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_role(minimum):
        raise PermissionDenied(_("Your role does not allow this action."))


def org_required(view=None, *, role: str = Role.VIEWER):
    """Console views: log in first; staff without an organization go to the admin; check the role."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.org is None:
                if request.user.is_staff:
                    return redirect("admin:index")
                raise Http404
            require_role(request, role)
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
