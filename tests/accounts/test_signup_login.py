import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Organization, User
from tests.factories import PASSWORD, credit_code

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "legal_name": "杭州新客户科技有限公司",
        "credit_code": credit_code(9001),
        "address": "杭州市滨江区",
        "contact_phone": "0571-88888888",
        "admin_name": "王经理",
        "admin_email": "wang@newco.example",
        "password": "a-sturdy-passphrase-7",
    }
    data.update(overrides)
    return data


def test_signup_creates_company_admin_and_logs_in(client):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    org = Organization.objects.get(legal_name="杭州新客户科技有限公司")
    membership = Membership.objects.get(organization=org)
    assert membership.role == "admin"
    assert membership.user.email == "wang@newco.example"
    assert org.invoice_title == org.legal_name and org.tax_id == org.credit_code
    assert AuditEvent.objects.filter(verb="organization.signup", organization=org).exists()
    assert client.get(reverse("accounts:organization")).status_code == 200


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "credit_code",
            credit_code(9001)[:17] + ("0" if credit_code(9001)[17] != "0" else "1"),
            "check digit",
        ),
        ("credit_code", "12345", "18 characters"),
        ("password", "12345678", "too short"),
        ("password", "password123", "too common"),
        ("admin_email", "not-an-email", "valid email"),
    ],
)
def test_signup_bad_input_shows_field_error_and_creates_nothing(client, settings, field, value, message):
    settings.LANGUAGE_CODE = "en"
    response = client.post(
        reverse("accounts:signup"), signup_data(**{field: value}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field]).lower() or message in str(
        response.context["form"].errors[field]
    )
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_signup_duplicate_company_refused(client, org):
    response = client.post(reverse("accounts:signup"), signup_data(legal_name=org.legal_name))
    assert "legal_name" in response.context["form"].errors
    response = client.post(reverse("accounts:signup"), signup_data(credit_code=org.credit_code))
    assert "credit_code" in response.context["form"].errors
    assert Organization.objects.count() == 1


def test_login_and_logout(client, alice):
    response = client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:organization")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:organization")).status_code == 302


def test_login_throttled_after_repeated_failures(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(
            reverse("accounts:login"), {"username": alice.email, "password": "wrong-password"}
        )
        assert response.status_code == 200
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 200
    assert any(e.code == "throttled" for e in response.context["form"].non_field_errors().as_data())
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_mail(client, alice, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": alice.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body
