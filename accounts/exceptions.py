from mcu_console.exceptions import Conflict, InvalidInput, ServiceError

__all__ = ["Conflict", "InvalidInput", "ServiceError"]
