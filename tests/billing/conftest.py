import datetime as dt

import pytest

from billing import services
from catalog.choices import SalesForm
from tests.billing import factories as f


@pytest.fixture
def november_bill(org):
    """org: 4 MCU annual in two regions + a payg account with 10 MCU × 3 h of training, billed for 2026-11."""
    hz = f.region("cn-east-hz", "华东-杭州", 1)
    bj = f.region("cn-north-bj", "华北-北京", 2)
    pool = f.pool(org, region_obj=hz, quantity=4, starts_on=dt.date(2026, 1, 1))
    f.pool(org, region_obj=bj, quantity=4, starts_on=dt.date(2026, 1, 1))
    f.pool(org, region_obj=hz, sales_form=SalesForm.PAYG, quantity=16, unit_price="2.20", deposit="500",
           starts_on=dt.date(2026, 10, 1))  # fmt: skip
    own = f.mcus(f.allocation(org, region_obj=hz, reference=pool.allocation_reference, quantity=4), 4)
    f.usage(own[:2], day=dt.date(2026, 11, 3), hours=range(2), kind="inference",
            wl=f.workload(org, kind="inference", name="chat-serving"))  # fmt: skip
    f.usage(own[2:], day=dt.date(2026, 11, 3), hours=range(2), kind="development",
            wl=f.workload(org, kind="development", name="notebook"))  # fmt: skip
    payg_mcus = f.mcus(f.allocation(org, region_obj=hz, quantity=10), 10)
    f.usage(payg_mcus, day=dt.date(2026, 11, 5), hours=range(3), kind="training",
            wl=f.workload(org, kind="training", mcu_count=10, payg=True, name="sft-run"))  # fmt: skip
    services.bill_month(year=2026, month=11)
    return org.bills.get(period=dt.date(2026, 11, 1))
