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


def main_nav(request):
    items = []
    for key, label, url_name in MAIN_NAV:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"key": key, "label": label, "url": url, "active": request.path.startswith(url)})
    return {"main_nav": items}
