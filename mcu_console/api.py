"""The REST API root (/api/v1/). Each app adds its router here; all share one error shape.

Errors are JSON `{"code", "message", "details"}` with a 4xx status the client can act on.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.api import ApiTokenAuth
from accounts.api import router as accounts_router
from mcu_console.exceptions import ServiceError

api = NinjaAPI(
    title="MemoryLake Compute API",
    version="1",
    description="Programmatic access to MemoryLake Compute: inventory, orders, assets, workloads and bills.",
    auth=ApiTokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error(request, status: int, code: str, message: str, details=None):
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    return error(request, 422, "invalid_input", "The request is not valid.", {"errors": exc.errors})


@api.exception_handler(ValidationError)
def on_django_validation_error(request, exc: ValidationError):
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error(request, 422, "invalid_input", "; ".join(exc.messages), details)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error(
        request, 401, "unauthorized", "A valid API token is required (Authorization: Bearer <token>)."
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error(request, 403, "forbidden", str(exc) or "Your role does not allow this.")


HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """Ninja's own refusals (e.g. a body that is not JSON) in our error shape."""
    return error(request, exc.status_code, HTTP_ERROR_CODES.get(exc.status_code, "error"), str(exc))


api.add_router("", accounts_router)
api.add_router("", "contracts.api.router")
api.add_router("", "catalog.api.router")
api.add_router("", "orders.api.router")
api.add_router("", "assets.api.router")
api.add_router("", "billing.api.router")
