"""Which resource pool a metered hour counts against (docs/billing.md, "Attribution").

- Usage on MCUs of a pool's own allocation (`Allocation.reference == ResourcePool.allocation_reference`)
  counts against that pool.
- Any other usage of the organization in a region (MCUs allocated for pay-as-you-go workloads, busy or idle)
  counts against the organization's pay-as-you-go account in that region: the payg pool in service that
  day (the earliest one if there are several).
- Usage that matches neither is rolled up with no pool and billed nowhere (the consumption detail
  still shows it).
"""

import datetime as dt
from collections import defaultdict

from catalog.choices import SalesForm
from orders.models import ResourcePool


class PoolIndex:
    """Pools of some organizations, indexed for attribution of usage rows."""

    def __init__(self, pools):
        self.by_reference = {}
        self.payg = defaultdict(list)
        for pool in pools:
            if pool.sales_form == SalesForm.PAYG:
                self.payg[(pool.organization_id, pool.region_id)].append(pool)
            elif pool.allocation_reference:
                self.by_reference[pool.allocation_reference] = pool
        for candidates in self.payg.values():
            candidates.sort(key=lambda p: (p.starts_on, p.pk))

    @classmethod
    def for_organizations(cls, organization_ids=None):
        qs = ResourcePool.objects.all()
        if organization_ids is not None:
            qs = qs.filter(organization_id__in=organization_ids)
        return cls(
            qs.only(
                "id",
                "organization_id",
                "region_id",
                "sales_form",
                "allocation_reference",
                "starts_on",
                "ends_on",
            )
        )

    def pool_for(self, *, organization_id: int, region_id: int, reference: str | None, day: dt.date):
        """(pool or None, payg?) for a usage row."""
        pool = self.by_reference.get(reference or "")
        if pool is not None and pool.organization_id == organization_id:
            return pool, False
        for candidate in self.payg.get((organization_id, region_id), ()):
            if candidate.starts_on <= day and (candidate.ends_on is None or day <= candidate.ends_on):
                return candidate, True
        return None, False
