"""Python SDK and `mcu` CLI for the MemoryLake Compute REST API (SPEC R-3.6)."""

from client.sdk import ApiError, McuClient

__all__ = ["ApiError", "McuClient"]
