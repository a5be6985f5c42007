"""API authentication and the /me endpoint."""

from ninja import Router, Schema
from ninja.security import HttpBearer

from accounts.services import api_token_authenticate

router = Router(tags=["account"])


class ApiTokenAuth(HttpBearer):
    """Bearer token → request.org / request.membership, the same attributes console views use."""

    def authenticate(self, request, token):
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.membership = api_token.user.membership
        request.org = api_token.organization
        return api_token


class OrganizationOut(Schema):
    id: int
    legal_name: str
    credit_code: str


class MeOut(Schema):
    email: str
    name: str
    role: str
    organization: OrganizationOut


@router.get("/me", response=MeOut, summary="Who this token acts for")
def me(request):
    org = request.org
    return {
        "email": request.user.email,
        "name": request.user.name,
        "role": request.membership.role,
        "organization": {"id": org.pk, "legal_name": org.legal_name, "credit_code": org.credit_code},
    }
