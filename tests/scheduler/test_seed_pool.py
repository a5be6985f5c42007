from django.core.management import call_command

from catalog.choices import DomainKind
from catalog.models import Region
from scheduler import selectors
from scheduler.models import ComputeDomain, Node
from scheduler.pool import layout, pool_seed


def test_layout_sizes_are_exact():
    for n in (6, 100, 1000, 10_000):
        assert sum(c for plan in layout(n).values() for *_, c in plan) == n
    for plan in layout(1000).values():
        kinds = [k for _, k, _, _ in plan]
        assert kinds.count(DomainKind.TIGHTLY_COUPLED) >= 3 and DomainKind.NORMAL in kinds


def test_seed_pool_builds_three_regions_and_is_idempotent(db):
    first = pool_seed(nodes=120)
    assert first.nodes_created == 120
    assert set(Region.objects.values_list("code", flat=True)) >= {"cn-east-hz", "cn-north-bj", "cn-south-sz"}
    assert Region.objects.get(code="cn-east-hz").name == "华东-杭州"
    assert Region.objects.get(code="cn-east-hz").name_en
    again = pool_seed(nodes=120)
    assert again.nodes_created == 0 and Node.objects.count() == 120
    for region in Region.objects.all():
        assert ComputeDomain.objects.filter(region=region, kind=DomainKind.TIGHTLY_COUPLED).count() >= 2
        assert ComputeDomain.objects.filter(region=region, kind=DomainKind.NORMAL).count() == 1
        # mixed hardware in the normal pool
        assert (
            Node.objects.filter(domain__region=region, domain__kind="normal")
            .values("profile")
            .distinct()
            .count()
            == 3
        )


def test_seed_pool_command_and_demo_capacity(db):
    call_command("seed_pool", "--nodes", "150")
    from scheduler.demo import seed

    seed({})
    assert Node.objects.count() == 150
    for row in selectors.capacity_overview():
        if row.domain_kind == DomainKind.TIGHTLY_COUPLED:
            assert row.largest_block >= 32
        assert row.free >= 100


def test_seeded_regions_are_on_sale_with_default_prices(db):
    from catalog.models import PriceBookEntry

    pool_seed(nodes=12)
    for region in Region.objects.all():
        forms = set(PriceBookEntry.objects.filter(region=region).values_list("sales_form", flat=True))
        assert forms == {"annual", "monthly", "payg"}, region.code
