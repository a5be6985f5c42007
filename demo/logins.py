"""The demo's logins, printed by `make demo` and documented in the README."""

DEMO_PASSWORD = "mcu-demo-2026"  # noqa: S105 (published demo password)

CUSTOMER_ADMIN = "admin@demo.example"
OTHER_CUSTOMER = "admin@other.example"
SALES = "sales@memorylake.example"
FINANCE = "finance@memorylake.example"
OPS = "ops@memorylake.example"

LOGINS = [
    ("customer admin (杭州示例智能科技有限公司)", CUSTOMER_ADMIN),
    ("another customer (a second tenant)", OTHER_CUSTOMER),
    ("sales (admin)", SALES),
    ("finance (admin)", FINANCE),
    ("ops (admin)", OPS),
]
