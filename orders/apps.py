from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # The inventory page (catalog) needs the scheduler's capacity, but catalog may not import the
        # scheduler (DESIGN §1): orders, which sits above both, plugs it in.
        from catalog.availability import register_capacity_source
        from scheduler.selectors import capacity_overview

        register_capacity_source(capacity_overview)
        from orders import beat  # noqa: F401  (registers the hold-expiry Celery task)
