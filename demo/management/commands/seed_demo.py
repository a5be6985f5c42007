import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Load the demo: organizations, users, node pool, orders, history and bills. Idempotent."

    def handle(self, *args, **opts):
        from demo.seed import available_steps

        context: dict = {}
        # Notifications the demo's orders trigger go to an in-memory outbox, not over the console log.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for name, step in available_steps():
                started = time.monotonic()
                with transaction.atomic():
                    context.update(step(context) or {})
                self.stdout.write(f"seed_demo: {name} ({time.monotonic() - started:.1f} s)")
