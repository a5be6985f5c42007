from django.apps import AppConfig


class McuConsoleConfig(AppConfig):
    name = "mcu_console"
    verbose_name = "MemoryLake Compute"
