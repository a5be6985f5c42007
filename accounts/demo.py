"""Demo organizations and users (used by `seed_demo`)."""

from django.contrib.auth.models import Group

from accounts.choices import Role
from accounts.models import Membership, Organization, User
from accounts.validators import credit_code_check_char
from demo.logins import CUSTOMER_ADMIN, DEMO_PASSWORD, FINANCE, OPS, OTHER_CUSTOMER, SALES


def _code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def _user(email: str, name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, name=name, **extra)
    return user


def _org(legal_name: str, first17: str, address: str, admin_email: str, admin_name: str) -> Organization:
    org, _ = Organization.objects.get_or_create(
        legal_name=legal_name,
        defaults={
            "credit_code": _code(first17),
            "address": address,
            "contact_name": admin_name,
            "contact_email": admin_email,
            "contact_phone": "0571-8800 0000",
        },
    )
    user = _user(admin_email, admin_name)
    Membership.objects.get_or_create(user=user, defaults={"organization": org, "role": Role.ADMIN})
    return org


def seed(context=None) -> dict:
    customer = _org(
        "杭州示例智能科技有限公司",
        "91330106MA2DEM001",
        "浙江省杭州市余杭区文一西路 998 号",
        CUSTOMER_ADMIN,
        "陈晓明",
    )
    member = _user("engineer@demo.example", "李工")
    Membership.objects.get_or_create(user=member, defaults={"organization": customer, "role": Role.MEMBER})
    other = _org(
        "北京另一家数据有限公司", "91110108MA0THER02", "北京市海淀区中关村大街 1 号", OTHER_CUSTOMER, "赵敏"
    )
    for email, name, group in [
        (SALES, "销售 孙", "sales"),
        (FINANCE, "财务 周", "finance"),
        (OPS, "运维 吴", "ops"),
    ]:
        staff = _user(email, name, is_staff=True)
        staff.groups.add(Group.objects.get(name=group))
    return {"customer": customer, "other": other}
