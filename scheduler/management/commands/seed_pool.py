"""`manage.py seed_pool --nodes 1000`: build (or top up) the simulated fleet over three regions."""

from django.core.management.base import BaseCommand, CommandError

from scheduler.pool import pool_seed


class Command(BaseCommand):
    help = "Create regions, hardware profiles, compute domains and nodes for the simulated pool."

    def add_arguments(self, parser):
        parser.add_argument("--nodes", type=int, default=300, help="about how many nodes (6 to 10,000)")
        parser.add_argument("--seed", type=int, default=7, help="layout seed (domain sizes)")

    def handle(self, *args, nodes, seed, **options):
        if not 1 <= nodes <= 10_000:
            raise CommandError("--nodes must be between 1 and 10000")
        result = pool_seed(nodes=nodes, seed=seed)
        self.stdout.write(
            f"{result.regions} regions, {result.domains} domain plans, "
            f"{result.nodes_created} nodes created, {result.nodes_total} nodes in the pool"
        )
