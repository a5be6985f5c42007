"""`manage.py backfill --days 30`: replay history quickly so a new install has data to show."""

import time

from django.core.management.base import BaseCommand, CommandError

from scheduler import simulation


class Command(BaseCommand):
    help = "Replay the last N days of the node-pool simulation (same engine, 5-minute steps)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=float, default=30)
        parser.add_argument("--step-seconds", type=int, default=300)

    def handle(self, *args, days, step_seconds, **options):
        if not 0 < days <= 366:
            raise CommandError("--days must be between 0 and 366")
        if step_seconds < simulation.tick_seconds() or step_seconds > 3600:
            raise CommandError(f"--step-seconds must be between {simulation.tick_seconds()} and 3600")
        started = time.monotonic()
        totals = simulation.backfill(
            days=days, step_seconds=step_seconds, progress=lambda n: self.stdout.write(f"  {n} region-ticks…")
        )
        shown = ", ".join(f"{k} {v}" for k, v in totals.items() if v)
        self.stdout.write(f"backfill of {days:g} days done in {time.monotonic() - started:.1f} s: {shown}")
