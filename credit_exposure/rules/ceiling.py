"""Credit ceiling checks: which ceilings an exposure exceeds, and the action.

The functions take amounts in company currency and return plain data, so the
Odoo models build the translated messages. Nothing here imports Odoo.
"""

import math
from collections import namedtuple
from fractions import Fraction

MANAGEMENT = "management"
INSURANCE = "insurance"

ACCEPT = "accept"
WARN = "warn"
BLOCK = "block"
# Actions from the least to the most severe.
ACTIONS = (ACCEPT, WARN, BLOCK)

REASON_HOLD = "hold"
REASON_OVERRUN = "overrun"
REASON_RELEASED = "released"

Overrun = namedtuple("Overrun", ["ceiling", "exposure", "limit", "excess"])
Overrun.__doc__ = """Ceiling exceeded by an exposure.

ceiling is MANAGEMENT or INSURANCE. exposure and limit are rounded to the
currency rounding, and excess is exposure - limit, always above zero.
"""


class Decision(namedtuple("Decision", ["action", "reason", "overruns", "on_hold"])):
    """Credit decision for a customer and an optional new order.

    action is ACCEPT, WARN or BLOCK. reason is None when no ceiling is exceeded
    and no hold blocks an order, REASON_HOLD when a credit hold blocks the order,
    REASON_RELEASED when a controller release accepts the order despite
    overruns, and REASON_OVERRUN otherwise. overruns lists every exceeded
    ceiling, even when a hold or a release decides the action.
    """

    __slots__ = ()

    @property
    def exceeded(self):
        """True when the exposure exceeds at least one ceiling."""
        return bool(self.overruns)

    @property
    def accepted(self):
        """True when the order may go ahead without a warning."""
        return self.action == ACCEPT


def round_amount(amount, rounding):
    """Round amount HALF-UP to a multiple of rounding, as Odoo's float_round does."""
    rounding = _to_rounding(rounding)
    units = _round_to_units(_to_float(amount, "amount"), rounding)
    return _units_to_amount(units, rounding)


def compare_amounts(amount1, amount2, rounding):
    """Compare two amounts after rounding: -1 if lower, 0 if equal, 1 if higher."""
    rounding = _to_rounding(rounding)
    units1 = _round_to_units(_to_float(amount1, "amount1"), rounding)
    units2 = _round_to_units(_to_float(amount2, "amount2"), rounding)
    return (units1 > units2) - (units1 < units2)


def find_overruns(
    total, insured_total, management_ceiling, insurance_ceiling, rounding
):
    """Return an Overrun for each ceiling that its exposure strictly exceeds.

    The management ceiling applies to total and the insurance ceiling to
    insured_total. A ceiling of None, 0, or one that rounds to 0 is unset and
    never exceeded. Raise ValueError on a negative ceiling or a rounding <= 0.
    """
    rounding = _to_rounding(rounding)
    checks = (
        (MANAGEMENT, total, "total exposure", management_ceiling),
        (INSURANCE, insured_total, "insured total exposure", insurance_ceiling),
    )
    overruns = []
    for ceiling_name, exposure, exposure_label, ceiling in checks:
        exposure = _to_float(exposure, exposure_label)
        overrun = _find_overrun(ceiling_name, exposure, ceiling, rounding)
        if overrun is not None:
            overruns.append(overrun)
    return tuple(overruns)


def decide(
    total,
    insured_total,
    management_ceiling,
    insurance_ceiling,
    rounding=0.01,
    order_amount=None,
    order_insured=True,
    block_orders=False,
    on_hold=False,
    released_amount=None,
):
    """Decide whether a customer may take a new order, as a Decision.

    total and insured_total are the current exposures. order_amount is the new
    order, or None to assess the current exposures alone. It adds to total, and
    to insured_total when order_insured. A credit hold blocks any order, even
    one a controller released, but not the check without an order. An order
    released for released_amount is accepted while its amount stays at or
    below it. Otherwise an overrun gives WARN, or BLOCK when block_orders.
    Raise ValueError on a negative ceiling, order or released amount, or on a
    rounding <= 0.
    """
    rounding = _to_rounding(rounding)
    total = _to_float(total, "total exposure")
    insured_total = _to_float(insured_total, "insured total exposure")
    has_order = order_amount is not None
    if has_order:
        order_amount = _to_float(order_amount, "order amount")
        _check_not_negative(
            order_amount, "order amount", "Pass a refund as a lower exposure."
        )
        # Add as floats, as the models add Monetary values, so the rounding gets
        # the same binary noise that float_compare gets in the models.
        total += order_amount
        if order_insured:
            insured_total += order_amount
    if released_amount is not None:
        released_amount = _to_float(released_amount, "released amount")
        _check_not_negative(
            released_amount,
            "released amount",
            "Use None when the order was never released.",
        )

    overruns = find_overruns(
        total, insured_total, management_ceiling, insurance_ceiling, rounding
    )

    if on_hold and has_order:
        return Decision(BLOCK, REASON_HOLD, overruns, True)
    if not overruns:
        return Decision(ACCEPT, None, overruns, bool(on_hold))
    if (
        has_order
        and released_amount is not None
        and _round_to_units(order_amount, rounding)
        <= _round_to_units(released_amount, rounding)
    ):
        return Decision(ACCEPT, REASON_RELEASED, overruns, bool(on_hold))
    action = BLOCK if block_orders else WARN
    return Decision(action, REASON_OVERRUN, overruns, bool(on_hold))


def most_severe_action(actions):
    """Return the most severe of actions (accept < warn < block), ACCEPT if none."""
    severities = []
    for action in actions:
        if action not in ACTIONS:
            raise ValueError(
                "Invalid action %r: expected one of %s." % (action, ", ".join(ACTIONS))
            )
        severities.append(ACTIONS.index(action))
    return ACTIONS[max(severities)] if severities else ACCEPT


def _find_overrun(ceiling_name, exposure, ceiling, rounding):
    if ceiling is None:
        return None
    limit = _to_float(ceiling, "%s ceiling" % ceiling_name)
    _check_not_negative(
        limit, "%s ceiling" % ceiling_name, "Use 0 or None for no ceiling."
    )
    limit_units = _round_to_units(limit, rounding)
    if limit_units == 0:
        return None
    exposure_units = _round_to_units(exposure, rounding)
    if exposure_units <= limit_units:
        return None
    return Overrun(
        ceiling_name,
        _units_to_amount(exposure_units, rounding),
        _units_to_amount(limit_units, rounding),
        _units_to_amount(exposure_units - limit_units, rounding),
    )


def _round_to_units(amount, rounding):
    # These are the steps of Odoo 11's float_round with HALF-UP. Divide by the
    # rounding and nudge away from zero by about one unit in the last place, so
    # a float just below a tie (2.675 is 2.67499999999999982 in binary) rounds
    # up. Then round ties away from zero. Following Odoo keeps these decisions
    # in line with float_compare and res.currency.compare_amounts.
    if amount == 0:
        return 0
    normalized = amount / rounding
    if math.isinf(normalized):
        raise ValueError(
            "Invalid amount %r: it is too large to round to %r." % (amount, rounding)
        )
    epsilon = 2 ** (math.log(abs(normalized), 2) - 53)
    normalized += math.copysign(epsilon, normalized)
    # Fraction(normalized) is the exact float value, so adding 1/2 rounds nothing.
    units = math.floor(abs(Fraction(normalized)) + Fraction(1, 2))
    return units if normalized > 0 else -units


def _units_to_amount(units, rounding):
    # Multiply in exact decimals, so 789 units of 0.01 give 7.89 and not the
    # float product 7.890000000000001.
    return float(units * Fraction(repr(rounding)))


def _to_rounding(rounding):
    rounding = _to_float(rounding, "rounding")
    if rounding <= 0:
        raise ValueError(
            "Invalid rounding %r: it must be above 0, such as the company "
            "currency's rounding 0.01." % rounding
        )
    return rounding


def _to_float(value, label):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            "Invalid %s %r: expected a number in company currency." % (label, value)
        ) from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(
            "Invalid %s %r: expected a finite number in company currency."
            % (label, value)
        )
    return number


def _check_not_negative(amount, label, fix):
    if amount < 0:
        raise ValueError(
            "Invalid %s %r: it must be 0 or more. %s" % (label, amount, fix)
        )
