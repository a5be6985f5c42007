from django.core.management.base import BaseCommand, CommandError

from accounts.models import Membership
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Print a new API token for a user's organization (the key is shown only here)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **opts):
        membership = (
            Membership.objects.select_related("user", "organization")
            .filter(user__email__iexact=opts["email"], user__is_active=True)
            .first()
        )
        if membership is None:
            raise CommandError(f"no active organization member with e-mail {opts['email']}")
        _token, key = api_token_create(membership=membership, name=opts["name"])
        self.stdout.write(key)
