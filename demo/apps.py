from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make demo`: sits on top of every app and composes their `demo.py` seeders."""

    name = "demo"
    verbose_name = "Demo"
