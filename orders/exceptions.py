"""Refusals of the orders app, rendered like every ServiceError (console message, API JSON)."""

from mcu_console.exceptions import Conflict, InvalidInput


class InvalidTransition(Conflict):
    """The order cannot move to that status from where it is (R-3.4 state machine)."""

    code = "invalid_transition"


class IdempotencyKeyReused(InvalidInput):
    """The same Idempotency-Key was sent with another body (422)."""

    code = "idempotency_key_reused"
