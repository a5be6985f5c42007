import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, AuditEvent, Membership
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_invite_and_accept(alice_client, org):
    response = alice_client.post(reverse("accounts:invite"), {"email": "carol@example.com", "role": "member"})
    assert response.status_code == 302
    page = alice_client.get(reverse("accounts:organization")).content.decode()
    link = re.search(r"http://testserver(/accounts/invitation/[^<\s]+/)", page).group(1)

    carol = Client()
    assert carol.get(link).status_code == 200
    response = carol.post(link, {"name": "Carol", "password": "another-good-pass-9"})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="carol@example.com")
    assert membership.organization == org and membership.role == "member"
    # The link works once.
    assert Client().get(link).status_code == 404


def test_member_cannot_manage(org, client):
    member = make_user(org, role="member")
    client.force_login(member)
    assert client.get(reverse("accounts:organization")).status_code == 200
    assert (
        client.post(reverse("accounts:invite"), {"email": "x@example.com", "role": "member"}).status_code
        == 403
    )
    assert client.post(reverse("accounts:token_create"), {"name": "t"}).status_code == 403


def test_change_role_and_remove_member(alice_client, org, alice):
    dave = make_user(org, role="viewer")
    m = dave.membership
    alice_client.post(reverse("accounts:member_role", args=[m.pk]), {"role": "member"})
    m.refresh_from_db()
    assert m.role == "member"
    alice_client.post(reverse("accounts:member_remove", args=[m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()
    dave.refresh_from_db()
    assert not dave.is_active
    assert AuditEvent.objects.filter(verb="membership.remove", actor=alice).exists()


def test_last_admin_cannot_be_demoted(alice_client, alice):
    alice_client.post(reverse("accounts:member_role", args=[alice.membership.pk]), {"role": "viewer"})
    alice.membership.refresh_from_db()
    assert alice.membership.role == "admin"


def test_other_tenants_member_is_404(alice_client, bob):
    url = reverse("accounts:member_role", args=[bob.membership.pk])
    assert alice_client.post(url, {"role": "viewer"}).status_code == 404
    assert alice_client.post(reverse("accounts:member_remove", args=[bob.membership.pk])).status_code == 404
    bob.membership.refresh_from_db()
    assert bob.membership.role == "admin"


def test_token_shown_once_stored_hashed_and_revocable(alice_client, alice):
    alice_client.post(reverse("accounts:token_create"), {"name": "laptop"})
    page = alice_client.get(reverse("accounts:organization")).content.decode()
    key = re.search(r'id="new-token">(mcu_[^<]+)<', page).group(1)
    token = ApiToken.objects.get(name="laptop")
    assert key not in token.key_hash and token.prefix == key[:12]
    assert "new-token" not in alice_client.get(reverse("accounts:organization")).content.decode()

    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    alice_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_other_tenants_token_cannot_be_revoked(alice_client, bob):
    from accounts.services import api_token_create

    token, _key = api_token_create(membership=bob.membership, name="bob's")
    assert alice_client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
