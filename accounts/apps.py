from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.roles import sync_staff_groups

        post_migrate.connect(sync_staff_groups, dispatch_uid="accounts.sync_staff_groups")
