"""The console's main navigation. Entries whose URL is not installed are left out."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

MAIN_NAV = [
    ("inventory", _("Inventory"), "catalog:inventory"),
    ("orders", _("Orders"), "orders:list"),
    ("assets", _("Assets"), "assets:dashboard"),
    ("billing", _("Billing"), "billing:bills"),
    ("organization", _("Organization"), "accounts:organization"),
]
# Shown at the right of the top bar, next to the user's name.
USER_NAV = [
    ("notifications", _("Notifications"), "contracts:notifications"),
]


def _resolve(request, entries):
    items = []
    for key, label, url_name in entries:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"key": key, "label": label, "url": url, "active": request.path.startswith(url)})
    return items


def main_nav(request):
    return {"main_nav": _resolve(request, MAIN_NAV), "user_nav": _resolve(request, USER_NAV)}
