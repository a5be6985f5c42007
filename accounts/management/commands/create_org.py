from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import organization_signup
from mcu_console.exceptions import ServiceError


class Command(BaseCommand):
    help = "Create an organization and its first administrator (scripted onboarding)."

    def add_arguments(self, parser):
        parser.add_argument("--legal-name", required=True)
        parser.add_argument("--credit-code", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--admin-name", default="")

    def handle(self, *args, **opts):
        try:
            membership = organization_signup(
                legal_name=opts["legal_name"],
                credit_code=opts["credit_code"],
                admin_email=opts["admin_email"],
                admin_password=opts["admin_password"],
                admin_name=opts["admin_name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        org = membership.organization
        self.stdout.write(f"organization {org.pk} {org.legal_name}; admin {membership.user.email}")
