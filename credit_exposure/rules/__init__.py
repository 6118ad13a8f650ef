"""Credit decision rules in plain Python, with no Odoo import.

The Odoo models gather a customer's exposures and ceilings, call decide() and
turn the returned Decision into translated messages.
"""

from .ceiling import (
    ACCEPT,
    ACTIONS,
    BLOCK,
    INSURANCE,
    MANAGEMENT,
    REASON_HOLD,
    REASON_OVERRUN,
    REASON_RELEASED,
    WARN,
    Decision,
    Overrun,
    compare_amounts,
    decide,
    find_overruns,
    most_severe_action,
    round_amount,
)

__all__ = [
    "ACCEPT",
    "ACTIONS",
    "BLOCK",
    "INSURANCE",
    "MANAGEMENT",
    "REASON_HOLD",
    "REASON_OVERRUN",
    "REASON_RELEASED",
    "WARN",
    "Decision",
    "Overrun",
    "compare_amounts",
    "decide",
    "find_overruns",
    "most_severe_action",
    "round_amount",
]
