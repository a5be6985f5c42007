from mcu_console.exceptions import Conflict


class BillNotEditable(Conflict):
    code = "bill_issued"


class InvalidBillTransition(Conflict):
    code = "invalid_transition"


class PaygBalanceExhausted(Conflict):
    """Raised by `billing.selectors.payg_check_can_start` when the deposit is used up (issue 7)."""

    code = "payg_balance_exhausted"
