"""Contract to cash as people do it (issue 5 "done when"): the customer orders in the console and downloads
a Chinese contract PDF; sales records the signed copy and the transfer in the admin and confirms; the
customer's MCUs exist at once and the order is completed (R-3.4)."""

import io
import re

import pypdf
import pytest

from catalog.choices import DomainKind
from catalog.services import price_book_ensure_defaults
from orders.choices import DeliveryStatus, OrderStatus
from orders.models import Order, ResourcePool
from scheduler.models import Mcu
from tests.browser.conftest import login
from tests.contracts.helpers import make_pool, region
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_order_contract_signed_paid_confirmed_delivered(browser, live_server, alice, org, tmp_path):
    hz = region("cn-hangzhou")
    make_pool(hz, kind=DomainKind.NORMAL, nodes=2, slots=8)
    price_book_ensure_defaults(regions=[hz])
    sales = make_staff("sales", email="sales@example.com")
    sales.set_password(PASSWORD)
    sales.save()

    # --- the customer configures and places an order (8 MCU, annual, normal domain) -------------
    customer = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = customer.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, alice.email, PASSWORD)
    page.goto(f"{live_server.url}/orders/new/?quantity=8&region=cn-hangzhou&domain_kind=normal")
    page.click("#place-order")
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    order = Order.objects.get(organization=org)
    assert order.status == OrderStatus.PENDING_SIGNATURE
    assert f"/orders/{order.pk}/" in page.url

    # --- downloads the contract from the next-step box ------------------------------------------
    with page.expect_download() as info:
        page.click("#download-contract")
    path = tmp_path / "contract.pdf"
    info.value.save_as(path)
    text = "".join(
        "".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages
    )
    assert order.number in text and "杭州质变科技有限公司" in text and "¥103,680.00" in text
    assert "8MCU（AI总算力≥8×125TFLOPS=1000TFLOPS，FP16/BF16）" in text

    # --- sales: signed copy, transfer, confirm ----------------------------------------------------
    staff = browser.new_context(locale="zh-CN")
    admin = staff.new_page()
    admin.set_default_timeout(15_000)
    admin.goto(f"{live_server.url}/admin/login/")
    admin.fill("input[name=username]", sales.email)
    admin.fill("input[name=password]", PASSWORD)
    admin.click("input[type=submit]")
    admin.goto(f"{live_server.url}/admin/orders/order/?status__exact=pending_signature")
    admin.click(f"text={order.number}")
    admin.click("a.order-action:has-text('登记签署合同')")
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(path.read_bytes())  # the signed scan is a PDF too
    admin.set_input_files("input[name=signed_copy]", str(scan))
    admin.click("#action-submit")
    admin.wait_for_url(f"**/admin/orders/order/{order.pk}/change/")
    assert "待付款" in admin.locator(".messagelist").inner_text()

    admin.click("a.order-action:has-text('登记银行转账')")
    admin.fill("input[name=amount]", "100000.00")
    admin.fill("input[name=bank_reference]", "CMB-20261204-0001")
    admin.click("#action-submit")
    admin.wait_for_url(f"**/admin/orders/order/{order.pk}/change/")
    admin.click("a.order-action:has-text('确认付款')")
    admin.click("#action-submit")
    error = admin.wait_for_selector(".errornote")
    assert "¥3,680.00" in error.inner_text()  # not covered yet: the page says what is missing
    admin.goto(f"{live_server.url}/admin/orders/order/{order.pk}/transfer/")
    admin.fill("input[name=amount]", "3680.00")
    admin.fill("input[name=bank_reference]", "CMB-20261204-0002")
    admin.click("#action-submit")
    admin.wait_for_url(f"**/admin/orders/order/{order.pk}/change/")
    admin.click("a.order-action:has-text('确认付款')")
    admin.click("#action-submit")
    admin.wait_for_url(f"**/admin/orders/order/{order.pk}/change/")

    # --- within seconds the MCUs exist and the customer sees the order done -----------------------
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.delivery_status == DeliveryStatus.DELIVERED
    assert Mcu.objects.filter(organization=org).count() == 8
    assert ResourcePool.objects.filter(organization=org, quantity=8).exists()
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    box = page.locator("#next-step").inner_text()
    assert re.search(r"已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 交付", box)
    assert page.locator("#go-to-assets").is_visible()
    page.goto(f"{live_server.url}/contracts/notifications/")
    notes = page.locator("#notifications").inner_text()
    assert notes.count(order.number) >= 2  # payment confirmed, MCUs delivered
    customer.close()
    staff.close()
