"""`manage.py bill_month YYYY-MM`: the bill run by hand (issue 7 §3); running it twice changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from billing import selectors, services
from mcu_console.exceptions import ServiceError


class Command(BaseCommand):
    help = "Bill every organization for one month (YYYY-MM, Asia/Shanghai). Issued bills are never changed."

    def add_arguments(self, parser):
        parser.add_argument("period", help="the month, e.g. 2026-11")
        parser.add_argument("--issue", action="store_true", help="also issue the month's draft bills")

    def handle(self, *args, period, issue=False, **options):
        try:
            day = selectors.parse_period(period)
            counts = services.bill_month(year=day.year, month=day.month)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{period}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['frozen']} already issued"
        )
        if issue:
            issued = 0
            for bill in selectors.bills_for_period(day, status="draft"):
                services.bill_issue(bill=bill, actor=None)
                issued += 1
            self.stdout.write(f"{period}: {issued} issued")
