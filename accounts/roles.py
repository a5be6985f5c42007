"""Staff groups and what they may do in the admin.

The groups themselves are created by a data migration; their permissions are synced after
every migrate, because most of the models they cover live in apps migrated later.
Permissions that do not exist (yet) are skipped.
"""

STAFF_GROUP_PERMISSIONS = {
    "sales": [
        "accounts.view_organization",
        "accounts.change_organization",
        "accounts.view_membership",
        "accounts.view_auditevent",
        "catalog.view_region",
        "catalog.view_pricebookentry",
        "catalog.add_pricebookentry",
        "catalog.change_pricebookentry",
        "orders.view_order",
        "orders.change_order",
        "orders.view_orderline",
        "orders.view_banktransfer",
        "orders.add_banktransfer",
        "orders.confirm_payment",
        "orders.view_resourcepool",
        "contracts.view_contract",
        "contracts.change_contract",
    ],
    "finance": [
        "accounts.view_organization",
        "accounts.view_auditevent",
        "orders.view_order",
        "orders.view_banktransfer",
        "orders.view_resourcepool",
        "billing.view_bill",
        "billing.change_bill",
        "billing.view_billline",
        "billing.issue_bill",
        "billing.export_bills",
    ],
    "ops": [
        "accounts.view_organization",
        "catalog.view_region",
        "scheduler.view_hardwareprofile",
        "scheduler.view_computedomain",
        "scheduler.view_node",
        "scheduler.change_node",
        "scheduler.view_mcu",
        "scheduler.view_alert",
        "scheduler.change_alert",
        "scheduler.view_workload",
        "scheduler.view_transition",
        "scheduler.view_allocation",
        "scheduler.view_hold",
    ],
}
STAFF_GROUPS = tuple(STAFF_GROUP_PERMISSIONS)


def sync_staff_groups(sender=None, **kwargs):
    from django.contrib.auth.models import Group, Permission

    for group_name, perms in STAFF_GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*wanted)
