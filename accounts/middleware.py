def _membership(request):
    user = request.user
    if not user.is_authenticated:
        return None
    from accounts.models import Membership

    return Membership.objects.select_related("organization").filter(user=user).first()


class OrganizationMiddleware:
    """Sets request.membership and request.org for console requests (the API sets them from the token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = _membership(request) if request.user.is_authenticated else None
        request.membership = membership
        request.org = membership.organization if membership else None
        return self.get_response(request)
