"""Catalog pages and API: spec (R-2.1), packages (R-2.4), prices, inventory (R-3.1), sizing (R-3.2).

Customers never see hardware (R-2.2): no GPU model, node name, domain code or card count.
"""

import pytest

from catalog.availability import AMPLE, LIMITED, SOLD_OUT, availability_level, inventory_rows
from orders.services import order_place
from tests.orders.ordering import HARDWARE_WORDS, line


@pytest.mark.parametrize("url", ["/catalog/", "/catalog/inventory/", "/catalog/sizing/"])
def test_pages_need_login_and_show_no_hardware(regions, client, alice_client, url):
    assert client.get(url).status_code == 302
    response = alice_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for word in HARDWARE_WORDS:
        assert word not in body


def test_spec_page_lists_capability_figures_packages_and_prices(regions, alice_client):
    body = alice_client.get("/catalog/").content.decode()
    for figure in ("125 TFLOPS", "21 GB", "48 GB", "360 GB", "≥ 8"):
        assert figure in body
    assert body.count('class="card"') == 4  # four scenario packages
    assert "¥1,080.00" in body and "¥1,280.00" in body and "¥2.20" in body


def test_availability_levels():
    assert availability_level(orderable=0, capacity=100) == SOLD_OUT
    assert availability_level(orderable=15, capacity=40) == LIMITED  # below 16 MCU
    assert availability_level(orderable=16, capacity=40) == AMPLE
    assert availability_level(orderable=100, capacity=1000) == LIMITED  # below 20 % of 1,000
    assert availability_level(orderable=200, capacity=1000) == AMPLE


def test_inventory_follows_holds(regions, org, alice):
    rows = {(r.region.code, r.domain_kind): r for r in inventory_rows()}
    hz_tc = rows[("cn-east-hz", "tightly_coupled")]
    assert (hz_tc.orderable, hz_tc.largest_block, hz_tc.level) == (48, 32, AMPLE)
    assert rows[("cn-east-hz", "normal")].largest_block is None
    order_place(organization=org, lines=[line(quantity=32), line(quantity=8)], actor=alice)
    rows = {(r.region.code, r.domain_kind): r for r in inventory_rows()}
    hz_tc = rows[("cn-east-hz", "tightly_coupled")]
    assert (hz_tc.orderable, hz_tc.largest_block, hz_tc.level) == (8, 8, LIMITED)
    order_place(organization=org, lines=[line(quantity=8)], actor=alice)
    assert {(r.region.code, r.domain_kind): r for r in inventory_rows()}[
        ("cn-east-hz", "tightly_coupled")
    ].level == (SOLD_OUT)


def test_inventory_partial_for_htmx_polling(regions, alice_client):
    response = alice_client.get("/catalog/inventory/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="inventory"') and 'hx-trigger="every 10s"' in body
    assert "<html" not in body
    assert "up to 48 MCU" in body or "48" in body


def test_sizing_page_shows_the_arithmetic(regions, alice_client):
    query = "task=finetune_lora&params_billion=7&precision=bf16&tokens_billion=1&days=3&tokens_per_second=0"
    body = alice_client.get(f"/catalog/sizing/?{query}").content.decode()
    assert 'id="sizing-recommended">4 MCU' in body
    assert "16.8 GB" in body  # 7 B × 2 bytes × 1.2
    response = alice_client.get("/catalog/sizing/?task=train&params_billion=-1", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_api_regions_and_inventory(regions, alice_api, client):
    assert client.get("/api/v1/regions").status_code == 401
    data = alice_api.get("/api/v1/regions").json()
    assert [r["code"] for r in data] == ["cn-east-hz", "cn-north-bj"]
    assert {p["sales_form"]: p["unit_price"] for p in data[0]["prices"]} == {
        "annual": "1080.00",
        "monthly": "1280.00",
        "payg": "2.20",
    }
    inventory = alice_api.get("/api/v1/inventory").json()
    hz_tc = next(
        r for r in inventory if r["region"] == "cn-east-hz" and r["domain_kind"] == "tightly_coupled"
    )
    assert (hz_tc["orderable"], hz_tc["largest_block"], hz_tc["availability"]) == (48, 32, "ample")
    text = str(inventory)
    for word in HARDWARE_WORDS + ("capacity",):
        assert word not in text


def test_inventory_query_count_does_not_grow_with_the_pool(
    regions, alice_client, django_assert_max_num_queries
):
    from tests.orders.ordering import add_domain

    with django_assert_max_num_queries(15) as small:
        alice_client.get("/catalog/inventory/")
    for i in range(5):
        add_domain(regions.bj, f"extra{i}", "tightly_coupled", 16)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert alice_client.get("/catalog/inventory/").status_code == 200
