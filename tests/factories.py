"""Plain factory functions for tests: small, explicit, no magic."""

import itertools

from accounts.choices import Role
from accounts.models import Membership, Organization, User
from accounts.validators import CREDIT_CODE_CHARS, credit_code_check_char

PASSWORD = "correct-horse-battery-42"
_seq = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid unified social credit code, different for each n."""
    n = next(_seq) if n is None else n
    body = "91330106"
    digits = ""
    x = n
    for _ in range(9):
        digits = CREDIT_CODE_CHARS[x % 31] + digits
        x //= 31
    first17 = body + digits
    return first17 + credit_code_check_char(first17)


def make_org(name: str | None = None, **extra) -> Organization:
    n = next(_seq)
    return Organization.objects.create(
        legal_name=name or f"测试科技有限公司{n}", credit_code=credit_code(n), **extra
    )


def make_user(
    org: Organization | None = None, *, role: str = Role.ADMIN, email: str | None = None, **extra
) -> User:
    n = next(_seq)
    user = User.objects.create_user(email or f"user{n}@example.com", PASSWORD, name=f"User {n}", **extra)
    if org is not None:
        Membership.objects.create(user=user, organization=org, role=role)
    return user


def make_staff(group: str, email: str | None = None) -> User:
    from django.contrib.auth.models import Group

    user = make_user(None, email=email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user
