"""The `mcu` CLI against a real server (Django's live_server over HTTP), as a developer would use it."""

import json

import pytest
from typer.testing import CliRunner

from accounts.services import api_token_create
from client.cli import app, parse_line
from client.sdk import ApiError, McuClient

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


@pytest.fixture
def token(alice):
    _token, key = api_token_create(membership=alice.membership, name="cli")
    return key


def mcu(live_server, token, *args):
    return runner.invoke(app, ["--url", live_server.url, "--token", token, *args])


def test_me_as_table_and_json(live_server, token, org):
    result = mcu(live_server, token, "me")
    assert result.exit_code == 0, result.output
    assert org.legal_name in result.output
    result = mcu(live_server, token, "--json", "me")
    assert json.loads(result.output)["organization"]["credit_code"] == org.credit_code


def test_bad_token_is_a_clear_error(live_server, alice):
    result = mcu(live_server, "mcu_not-a-real-token", "me")
    assert result.exit_code == 1
    assert "401" in result.output and "unauthorized" in result.output


def test_sdk_raises_api_error_with_code(live_server):
    with McuClient(live_server.url, "mcu_wrong") as client, pytest.raises(ApiError) as exc:
        client.me()
    assert exc.value.status == 401 and exc.value.code == "unauthorized"


def test_line_spec_parsing():
    assert parse_line("region=cn-east-hz,quantity=8,domain_kind=normal,term_months=12") == {
        "region": "cn-east-hz",
        "quantity": 8,
        "domain_kind": "normal",
        "term_months": 12,
    }
    result = runner.invoke(app, ["order", "quote", "--line", "quantity"])
    assert result.exit_code != 0


def test_quote_place_list_and_refusals_through_the_cli(live_server, token, org):
    from catalog.services import price_book_ensure_defaults
    from orders.models import Order
    from tests.scheduler.conftest import build_pool

    pool = build_pool()  # 96 tightly-coupled slots in three domains (16/32/48), 24 normal
    price_book_ensure_defaults()
    line = (
        f"region={pool.region.code},quantity=8,domain_kind=tightly_coupled,sales_form=annual,term_months=12"
    )

    quote = json.loads(mcu(live_server, token, "--json", "order", "quote", "-l", line).output)
    assert quote["amount_due"] == "103680.00"  # 8 × ¥1,080 × 12

    result = mcu(live_server, token, "order", "place", "-l", line, "--idempotency-key", "cli-1")
    assert result.exit_code == 0, result.output
    again = mcu(live_server, token, "--json", "order", "place", "-l", line, "--idempotency-key", "cli-1")
    assert Order.objects.filter(organization=org).count() == 1  # same key, same order
    listed = json.loads(mcu(live_server, token, "--json", "order", "list").output)
    listed = listed["items"] if isinstance(listed, dict) else listed
    assert [o["number"] for o in listed] == [json.loads(again.output)["number"]]

    too_big = line.replace("quantity=8", "quantity=60")  # no single domain has 60 free
    result = mcu(live_server, token, "order", "place", "-l", too_big)
    assert result.exit_code == 1 and ("409" in result.output or "422" in result.output)
    assert Order.objects.filter(organization=org).count() == 1  # nothing half-written
