"""Issue 4, Done when: from the inventory page to a placed order for 8 MCU tightly-coupled in one region plus
4 MCU normal in another, with the live quote matching the hand calculation (in a real Chromium)."""

import pytest

from orders.models import Order
from tests.browser.conftest import login
from tests.factories import PASSWORD
from tests.orders.ordering import build_regions

pytestmark = pytest.mark.django_db(transaction=True)


def test_inventory_to_placed_two_region_order(page, live_server, alice):
    build_regions()
    login(page, live_server, alice.email, PASSWORD)
    page.goto(f"{live_server.url}/catalog/inventory/")
    row = page.locator('tr[data-region="cn-east-hz"][data-kind="tightly_coupled"]')
    assert "48" in row.inner_text()  # up to 48 MCU orderable, largest block 32
    row.get_by_role("link").click()
    page.wait_for_url("**/orders/new/**")

    page.fill("#id_line-0-quantity", "8")
    page.locator("#id_line-0-quantity").dispatch_event("change")
    page.wait_for_function("document.querySelector('#quote-total').textContent.includes('103,680.00')")

    page.click("button[value=add]")
    page.wait_for_selector("#id_line-1-region")
    assert page.locator("#id_line-1-region").input_value() == "cn-north-bj"  # the next region
    page.select_option("#id_line-1-domain_kind", "normal")
    page.fill("#id_line-1-quantity", "4")
    page.locator("#id_line-1-quantity").dispatch_event("change")
    # Hand calculation: (8 + 4) × 1,080 = 12,960 a month; annual, due 12 × 12,960 = 155,520;
    # net 155,520 / 1.06 = 146,716.98; VAT 8,803.02; 12 × 125 = 1,500 TFLOPS.
    page.wait_for_function("document.querySelector('#quote-total').textContent.includes('155,520.00')")
    assert page.locator("#quote-monthly").inner_text() == "¥12,960.00"
    assert page.locator("#quote-net").inner_text() == "¥146,716.98"
    assert page.locator("#quote-vat").inner_text() == "¥8,803.02"
    assert "1500 TFLOPS" in page.locator("#quote-tflops").inner_text()

    page.click("#place-order")
    page.wait_for_url("**/orders/*/")
    order = Order.objects.get()
    assert page.locator("#order-total").inner_text() == "¥155,520.00"
    assert page.locator("#order-status").inner_text() == "待签署"
    assert order.number in page.content()

    page.goto(f"{live_server.url}/catalog/inventory/")
    assert "40" in page.locator('tr[data-region="cn-east-hz"][data-kind="tightly_coupled"]').inner_text()


def test_quantity_not_a_multiple_of_4_gets_a_hint_not_a_refusal(page, live_server, alice):
    build_regions()
    login(page, live_server, alice.email, PASSWORD)
    page.goto(f"{live_server.url}/orders/new/?domain_kind=normal")
    page.fill("#id_line-0-quantity", "6")
    page.locator("#id_line-0-quantity").dispatch_event("change")
    page.wait_for_selector("#quote .hint")
    assert "8" in page.locator("#quote .hint").inner_text()
    assert page.locator("#quote-total").inner_text() == "¥77,760.00"  # 6 × 1,080 × 12
