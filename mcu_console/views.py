from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mcu_console.celery import app as celery_app


@require_GET
@never_cache
def healthz(request):
    """Database and broker status for load balancers: 200 when both answer, else 503."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # any driver error means "down"
        return {"ok": False, "error": type(exc).__name__}


def _check_broker() -> dict:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": conn.transport_cls}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


@login_required
def home(request):
    """Customers land on their assets; staff on the admin."""
    if request.org is None and request.user.is_staff:
        return redirect("admin:index")
    if request.org is not None:
        return redirect("assets:dashboard")
    return render(request, "home.html")
