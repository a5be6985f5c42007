"""`manage.py simulate`: the live tick loop without Celery (the embedded setup, or a quick look).

Each loop claims the tick of the current wall-clock time and applies it to every region, then sleeps
until the next tick. `--fault-scale 500` makes a small pool fail often enough to watch in the admin.
"""

import dataclasses
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scheduler import simulation


class Command(BaseCommand):
    help = "Run the node-pool simulation live (one tick every SIM_TICK_SECONDS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ticks", type=int, default=0, help="stop after this many ticks (0 = run forever)"
        )
        parser.add_argument(
            "--fault-scale", type=float, default=1.0, help="multiply the calibrated fault rates"
        )

    def handle(self, *args, ticks, fault_scale, **options):
        if fault_scale <= 0:
            raise CommandError("--fault-scale must be positive")
        params = dataclasses.replace(simulation.default_params(), scale=fault_scale)
        done = 0
        while not ticks or done < ticks:
            claimed = simulation.dispatch_tick(now=timezone.now())
            if claimed is not None:
                number, regions = claimed
                summary = {}
                for region_id in regions:
                    for k, v in (
                        simulation.region_tick(region_id=region_id, tick=number, params=params) or {}
                    ).items():
                        summary[k] = summary.get(k, 0) + v
                done += 1
                shown = ", ".join(f"{k} {v}" for k, v in summary.items() if v)
                self.stdout.write(
                    f"tick {number} ({simulation.tick_time(number):%H:%M:%S} UTC): {shown or 'quiet'}"
                )
            wait = simulation.tick_seconds() - time.time() % simulation.tick_seconds()
            if ticks and done >= ticks:
                break
            time.sleep(wait + 0.05)
