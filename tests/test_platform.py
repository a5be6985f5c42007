"""The frame everything stands on: health, settings helpers, money, i18n, no CDN."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from mcu_console.env import env_bool, env_int
from mcu_console.money import quantize_fen, split_vat


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert response.status_code == (200 if body["checks"]["broker"]["ok"] else 503)


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_NUM", "seven")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1, minimum=1)
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False


def test_vat_split_hand_computed():
    # ¥8,640.00 incl. 6% VAT → 8,640 / 1.06 = 8,150.943… → ¥8,150.94 + ¥489.06 (SPEC ).
    assert split_vat(Decimal("8640.00")) == (Decimal("8150.94"), Decimal("489.06"), Decimal("8640.00"))
    assert split_vat(Decimal("99.00")) == (Decimal("93.40"), Decimal("5.60"), Decimal("99.00"))


def test_floats_refused():
    with pytest.raises(TypeError):
        quantize_fen(0.1)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_vat_split_always_adds_up(gross):
    net, vat, total = split_vat(gross)
    assert net + vat == total == gross
    assert net.as_tuple().exponent == -2 and vat >= 0


def test_time_zone_policy():
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_no_cdn_in_templates_or_static():
    """Every asset comes from our static files: no template or stylesheet points off-site."""
    root = Path(settings.BASE_DIR)
    pattern = re.compile(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""")
    folders = ["templates", "static", *(p.parent.name for p in root.glob("*/apps.py"))]
    offenders = [
        str(path.relative_to(root))
        for folder in folders
        for path in (root / folder).rglob("*")
        if path.suffix in {".html", ".css", ".js"}
        and "vendor" not in path.parts
        and pattern.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_pages_default_to_chinese_and_switch_to_english(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_staff_groups_exist_with_permissions():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {"sales", "finance", "ops"} <= names
    assert Group.objects.get(name="sales").permissions.filter(codename="view_organization").exists()


@pytest.mark.django_db
def test_customer_top_bar_links_notifications(alice_client):
    page = alice_client.get("/accounts/organization/").content.decode()
    assert 'href="/contracts/notifications/"' in page
