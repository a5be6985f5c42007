"""Refusals of the scheduler's services (rendered by views and the API like every ServiceError)."""

from mcu_console.exceptions import Conflict, InvalidInput


class InsufficientCapacity(Conflict):
    """Not enough free capacity for the request (409). `details` carries what is available."""

    code = "insufficient_capacity"


class InvalidTransition(Conflict):
    """A node or MCU cannot move to that status from where it is."""

    code = "invalid_transition"


class InvalidRequest(InvalidInput):
    code = "invalid_input"
