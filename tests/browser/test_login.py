import pytest

from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_customer_logs_in_and_sees_navigation_in_chinese(page, live_server, alice):
    login(page, live_server, alice.email, PASSWORD)
    nav = page.locator("nav.mainnav")
    assert nav.get_by_text("组织").is_visible()
    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("nav.mainnav").get_by_text("Organization").is_visible()


def test_wrong_password_shows_an_error(page, live_server, alice):
    login(page, live_server, alice.email, "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.locator(".errorlist").count() >= 1
