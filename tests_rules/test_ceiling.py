"""Tests of the credit decision rules, run without Odoo."""

import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

import credit_rules
import pytest
from credit_rules import (
    ACCEPT,
    ACTIONS,
    BLOCK,
    INSURANCE,
    MANAGEMENT,
    REASON_HOLD,
    REASON_OVERRUN,
    REASON_RELEASED,
    WARN,
    compare_amounts,
    decide,
    find_overruns,
    most_severe_action,
    round_amount,
)
from hypothesis import assume, given
from hypothesis import strategies as st

RULES_DIR = os.path.dirname(credit_rules.__file__)
MAX_CENTS = 10**11

# Amounts of whole cents, as an Odoo Monetary field in a 0.01 currency stores.
cents = st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS).map(lambda c: c / 100)
positive_cents = st.integers(min_value=1, max_value=MAX_CENTS).map(lambda c: c / 100)
non_negative_cents = st.integers(min_value=0, max_value=MAX_CENTS).map(
    lambda c: c / 100
)
# Raw floats, such as sums of many lines, with binary noise below a cent.
raw_amounts = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
non_negative_raw_amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
ceilings = st.one_of(st.none(), non_negative_cents, non_negative_raw_amounts)
unset_ceilings = st.sampled_from([None, 0, 0.0, 0.004])
roundings = st.sampled_from([0.01, 0.05, 0.001, 1.0])
orders = st.one_of(st.none(), non_negative_cents, non_negative_raw_amounts)
released_amounts = st.one_of(st.none(), non_negative_cents)


def severity(decision):
    return ACTIONS.index(decision.action)


# Package loading


def test_rules_import_without_odoo():
    # A fresh interpreter, because pytest-odoo imports Odoo into this one.
    script = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location(\n"
        "    'rules', sys.argv[1], submodule_search_locations=[sys.argv[2]])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['rules'] = module\n"
        "spec.loader.exec_module(module)\n"
        "assert module.decide(1, 1, 0, 0).action == 'accept'\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'odoo'))\n"
    )
    output = subprocess.check_output(
        [
            sys.executable,
            "-c",
            script,
            os.path.join(RULES_DIR, "__init__.py"),
            RULES_DIR,
        ]
    )
    assert output.strip() == b"[]"


def test_rules_source_has_no_odoo_import():
    for name in sorted(os.listdir(RULES_DIR)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(RULES_DIR, name)) as source:
            text = source.read()
        assert "import odoo" not in text, name
        assert "from odoo" not in text, name


# round_amount and compare_amounts


def test_round_amount_half_up():
    assert round_amount(2.675, 0.01) == 2.68


def test_round_amount_negative_half_away_from_zero():
    assert round_amount(-2.675, 0.01) == -2.68


def test_round_amount_float_noise():
    assert round_amount(0.1 + 0.2, 0.01) == 0.3


def test_round_amount_tie_below_by_noise():
    # 3254.39 - 0.005 is 3254.3849999999998, one ulp below the tie.
    assert round_amount(3254.39 - 0.005, 0.01) == 3254.39


def test_round_amount_too_large_raises():
    with pytest.raises(ValueError, match=r"Invalid amount 1e\+308: .*too large"):
        round_amount(1e308, 0.01)


def test_round_amount_coin_step():
    assert round_amount(1.23, 0.05) == 1.25


def test_round_amount_half_step():
    assert round_amount(1.3, 0.5) == 1.5


def test_compare_amounts_equal_after_rounding():
    assert compare_amounts(1.432, 1.431, 0.01) == 0


def test_compare_amounts_differ_after_rounding():
    assert compare_amounts(0.006, 0.002, 0.01) == 1


def test_compare_amounts_lower():
    assert compare_amounts(999.99, 1000.0, 0.01) == -1


# decide: ceilings


def test_decide_equal_to_ceiling_accepted():
    decision = decide(1000.0, 0.0, 1000.0, None)
    assert decision.action == ACCEPT
    assert decision.reason is None
    assert decision.overruns == ()


def test_decide_one_cent_over_rejected():
    decision = decide(1000.01, 0.0, 1000.0, None)
    assert decision.action == WARN
    assert decision.reason == REASON_OVERRUN
    assert len(decision.overruns) == 1
    overrun = decision.overruns[0]
    assert overrun.ceiling == MANAGEMENT
    assert overrun.exposure == 1000.01
    assert overrun.limit == 1000.0
    assert overrun.excess == 0.01


def test_decide_float_noise_accepted():
    decision = decide(0.1 + 0.2, 0.0, 0.3, None)
    assert decision.action == ACCEPT
    assert decision.overruns == ()


def test_decide_sub_cent_over_accepted():
    decision = decide(1000.004, 0.0, 1000.0, None)
    assert decision.action == ACCEPT


def test_decide_order_adds_to_total():
    decision = decide(900.0, 0.0, 1000.0, None, order_amount=100.01)
    assert decision.action == WARN
    assert decision.overruns[0].exposure == 1000.01
    assert decision.overruns[0].excess == 0.01


def test_decide_negative_exposure_offsets_order():
    decision = decide(-50.0, 0.0, 1000.0, None, order_amount=1050.0)
    assert decision.action == ACCEPT


def test_decide_unset_ceilings_never_reject():
    for management_ceiling, insurance_ceiling in [(None, None), (0, 0.0), (0, None)]:
        decision = decide(
            10**9,
            10**9,
            management_ceiling,
            insurance_ceiling,
            order_amount=10**9,
            block_orders=True,
        )
        assert decision.action == ACCEPT, (management_ceiling, insurance_ceiling)
        assert decision.overruns == (), (management_ceiling, insurance_ceiling)


def test_decide_ceiling_rounding_to_zero_unset():
    decision = decide(500.0, 0.0, 0.004, None)
    assert decision.action == ACCEPT


def test_decide_insurance_ignores_uninsured_order():
    decision = decide(
        400.0, 400.0, 10000.0, 500.0, order_amount=200.0, order_insured=False
    )
    assert decision.action == ACCEPT
    assert decision.overruns == ()


def test_decide_insurance_counts_insured_order():
    decision = decide(400.0, 400.0, 10000.0, 500.0, order_amount=200.0)
    assert decision.action == WARN
    assert len(decision.overruns) == 1
    overrun = decision.overruns[0]
    assert overrun.ceiling == INSURANCE
    assert overrun.exposure == 600.0
    assert overrun.limit == 500.0
    assert overrun.excess == 100.0


def test_find_overruns_both_ceilings_in_order():
    overruns = find_overruns(1200.0, 700.0, 1000.0, 500.0, 0.01)
    assert [overrun.ceiling for overrun in overruns] == [MANAGEMENT, INSURANCE]
    assert overruns[0].excess == 200.0
    assert overruns[1].excess == 200.0


def test_find_overruns_coin_step_excess():
    overruns = find_overruns(10.03, 0.0, 10.0, None, 0.05)
    assert len(overruns) == 1
    assert overruns[0].exposure == 10.05
    assert overruns[0].excess == 0.05


# decide: blocking setting and credit hold


def test_decide_warns_when_blocking_off():
    decision = decide(1500.0, 0.0, 1000.0, None, order_amount=10.0)
    assert decision.action == WARN


def test_decide_blocks_when_blocking_on():
    decision = decide(1500.0, 0.0, 1000.0, None, order_amount=10.0, block_orders=True)
    assert decision.action == BLOCK
    assert decision.reason == REASON_OVERRUN


def test_decide_hold_blocks_without_ceiling():
    decision = decide(0.0, 0.0, None, None, order_amount=1.0, on_hold=True)
    assert decision.action == BLOCK
    assert decision.reason == REASON_HOLD
    assert decision.on_hold is True
    assert decision.overruns == ()


def test_decide_hold_blocks_with_blocking_off():
    decision = decide(10.0, 0.0, 1000.0, None, order_amount=10.0, on_hold=True)
    assert decision.action == BLOCK
    assert decision.reason == REASON_HOLD


def test_decide_hold_blocks_zero_order():
    decision = decide(10.0, 0.0, None, None, order_amount=0.0, on_hold=True)
    assert decision.action == BLOCK


def test_decide_hold_without_order_accepts():
    decision = decide(10.0, 0.0, 1000.0, None, on_hold=True)
    assert decision.action == ACCEPT
    assert decision.on_hold is True


def test_decide_hold_overrides_release():
    decision = decide(
        1500.0,
        0.0,
        1000.0,
        None,
        order_amount=100.0,
        on_hold=True,
        released_amount=100.0,
    )
    assert decision.action == BLOCK
    assert decision.reason == REASON_HOLD
    assert len(decision.overruns) == 1


# decide: released amount


def test_decide_released_amount_covers_order():
    decision = decide(
        1500.0,
        0.0,
        1000.0,
        None,
        order_amount=100.0,
        block_orders=True,
        released_amount=100.0,
    )
    assert decision.action == ACCEPT
    assert decision.reason == REASON_RELEASED
    assert len(decision.overruns) == 1


def test_decide_released_amount_sub_cent_growth():
    decision = decide(
        1500.0,
        0.0,
        1000.0,
        None,
        order_amount=100.004,
        block_orders=True,
        released_amount=100.0,
    )
    assert decision.action == ACCEPT


def test_decide_released_amount_growth_rechecked():
    decision = decide(
        1500.0,
        0.0,
        1000.0,
        None,
        order_amount=100.01,
        block_orders=True,
        released_amount=100.0,
    )
    assert decision.action == BLOCK
    assert decision.reason == REASON_OVERRUN


def test_decide_released_amount_within_ceiling():
    decision = decide(100.0, 0.0, 1000.0, None, order_amount=50.0, released_amount=80.0)
    assert decision.action == ACCEPT
    assert decision.reason is None


# Decision and most_severe_action


def test_decision_properties():
    decision = decide(1500.0, 0.0, 1000.0, None)
    assert decision.exceeded is True
    assert decision.accepted is False


def test_most_severe_action_empty():
    assert most_severe_action([]) == ACCEPT


def test_most_severe_action_block_wins():
    assert most_severe_action([ACCEPT, BLOCK, WARN]) == BLOCK


def test_most_severe_action_warn_over_accept():
    assert most_severe_action([ACCEPT, WARN, ACCEPT]) == WARN


def test_most_severe_action_invalid():
    with pytest.raises(ValueError, match="Invalid action 'refuse'"):
        most_severe_action([ACCEPT, "refuse"])


# Input validation


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"management_ceiling": -1.0},
            r"Invalid management ceiling -1\.0: .*Use 0 or None for no ceiling",
        ),
        (
            {"insurance_ceiling": -0.5},
            r"Invalid insurance ceiling -0\.5: .*Use 0 or None for no ceiling",
        ),
        (
            {"order_amount": -10.0},
            r"Invalid order amount -10\.0: .*lower exposure",
        ),
        (
            {"released_amount": -1.0},
            r"Invalid released amount -1\.0: .*Use None",
        ),
        ({"rounding": 0}, r"Invalid rounding 0\.0: it must be above 0"),
        ({"rounding": -0.01}, r"Invalid rounding -0\.01: it must be above 0"),
        ({"total": float("nan")}, r"Invalid total exposure nan: .*finite"),
        (
            {"insured_total": float("inf")},
            r"Invalid insured total exposure inf: .*finite",
        ),
        ({"total": "abc"}, r"Invalid total exposure 'abc': expected a number"),
        ({"total": None}, r"Invalid total exposure None: expected a number"),
    ],
)
def test_decide_invalid_input_raises(kwargs, message):
    arguments = {
        "total": 100.0,
        "insured_total": 50.0,
        "management_ceiling": 1000.0,
        "insurance_ceiling": 500.0,
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        decide(**arguments)


def test_round_amount_invalid_rounding():
    with pytest.raises(ValueError, match=r"Invalid rounding 0\.0"):
        round_amount(1.0, 0.0)


def test_find_overruns_negative_ceiling():
    with pytest.raises(ValueError, match=r"Invalid management ceiling -100\.0"):
        find_overruns(0.0, 0.0, -100.0, None, 0.01)


# Properties


@given(
    amount_thousandths=st.integers(min_value=-(10**12), max_value=10**12),
)
def test_round_amount_matches_decimal_half_up(amount_thousandths):
    amount = amount_thousandths / 1000
    expected = (Decimal(amount_thousandths) / 1000).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert round_amount(amount, 0.01) == float(expected)


@given(
    management_ceiling=positive_cents,
    insurance_ceiling=positive_cents,
    management_margin=non_negative_cents,
    insurance_margin=non_negative_cents,
    order_amount=orders,
    order_insured=st.booleans(),
    block_orders=st.booleans(),
)
def test_decide_within_ceilings_accepted(
    management_ceiling,
    insurance_ceiling,
    management_margin,
    insurance_margin,
    order_amount,
    order_insured,
    block_orders,
):
    # Exposures placed below each ceiling by a margin, order included.
    order = order_amount or 0.0
    total = management_ceiling - management_margin - order
    insured_order = order if order_insured else 0.0
    insured_total = insurance_ceiling - insurance_margin - insured_order
    assume(total + order <= management_ceiling)
    assume(insured_total + insured_order <= insurance_ceiling)
    decision = decide(
        total,
        insured_total,
        management_ceiling,
        insurance_ceiling,
        order_amount=order_amount,
        order_insured=order_insured,
        block_orders=block_orders,
    )
    assert decision.action == ACCEPT
    assert decision.overruns == ()


@given(
    total=raw_amounts,
    insured_total=raw_amounts,
    management_extra=non_negative_raw_amounts,
    insurance_extra=non_negative_raw_amounts,
    rounding=roundings,
    block_orders=st.booleans(),
)
def test_decide_raw_floats_within_ceilings(
    total, insured_total, management_extra, insurance_extra, rounding, block_orders
):
    management_ceiling = abs(total) + management_extra
    insurance_ceiling = abs(insured_total) + insurance_extra
    decision = decide(
        total,
        insured_total,
        management_ceiling,
        insurance_ceiling,
        rounding=rounding,
        block_orders=block_orders,
    )
    assert decision.action == ACCEPT
    assert decision.overruns == ()


@given(
    total=st.one_of(cents, raw_amounts),
    insured_total=st.one_of(cents, raw_amounts),
    management_ceiling=ceilings,
    insurance_ceiling=ceilings,
    order_amount=st.one_of(non_negative_cents, non_negative_raw_amounts),
    extra=st.one_of(non_negative_cents, non_negative_raw_amounts),
    order_insured=st.booleans(),
    block_orders=st.booleans(),
    on_hold=st.booleans(),
    released_amount=released_amounts,
    rounding=roundings,
)
def test_decide_monotonic_in_order_amount(
    total,
    insured_total,
    management_ceiling,
    insurance_ceiling,
    order_amount,
    extra,
    order_insured,
    block_orders,
    on_hold,
    released_amount,
    rounding,
):
    def decide_for(amount):
        return decide(
            total,
            insured_total,
            management_ceiling,
            insurance_ceiling,
            rounding=rounding,
            order_amount=amount,
            order_insured=order_insured,
            block_orders=block_orders,
            on_hold=on_hold,
            released_amount=released_amount,
        )

    smaller = decide_for(order_amount)
    larger = decide_for(order_amount + extra)
    assert severity(larger) >= severity(smaller)


@given(
    total=st.one_of(cents, raw_amounts),
    insured_total=st.one_of(cents, raw_amounts),
    management_ceiling=ceilings,
    insurance_ceiling=ceilings,
    total_extra=st.one_of(non_negative_cents, non_negative_raw_amounts),
    insured_extra=st.one_of(non_negative_cents, non_negative_raw_amounts),
    order_amount=orders,
    block_orders=st.booleans(),
    rounding=roundings,
)
def test_decide_monotonic_in_exposures(
    total,
    insured_total,
    management_ceiling,
    insurance_ceiling,
    total_extra,
    insured_extra,
    order_amount,
    block_orders,
    rounding,
):
    arguments = {
        "management_ceiling": management_ceiling,
        "insurance_ceiling": insurance_ceiling,
        "rounding": rounding,
        "order_amount": order_amount,
        "block_orders": block_orders,
    }
    smaller = decide(total, insured_total, **arguments)
    larger = decide(total + total_extra, insured_total + insured_extra, **arguments)
    assert severity(larger) >= severity(smaller)
    assert len(larger.overruns) >= len(smaller.overruns)


@given(
    total=st.one_of(cents, raw_amounts),
    insured_total=st.one_of(cents, raw_amounts),
    management_ceiling=unset_ceilings,
    insurance_ceiling=unset_ceilings,
    order_amount=orders,
    order_insured=st.booleans(),
    block_orders=st.booleans(),
    released_amount=released_amounts,
)
def test_decide_unset_ceilings_accept_everything(
    total,
    insured_total,
    management_ceiling,
    insurance_ceiling,
    order_amount,
    order_insured,
    block_orders,
    released_amount,
):
    decision = decide(
        total,
        insured_total,
        management_ceiling,
        insurance_ceiling,
        order_amount=order_amount,
        order_insured=order_insured,
        block_orders=block_orders,
        released_amount=released_amount,
    )
    assert decision.action == ACCEPT
    assert decision.overruns == ()


@given(
    total=st.one_of(cents, raw_amounts),
    insured_total=st.one_of(cents, raw_amounts),
    management_ceiling=ceilings,
    insurance_ceiling=ceilings,
    rounding=roundings,
)
def test_find_overruns_excess_is_rounded_difference(
    total, insured_total, management_ceiling, insurance_ceiling, rounding
):
    overruns = find_overruns(
        total, insured_total, management_ceiling, insurance_ceiling, rounding
    )
    exposures = {MANAGEMENT: total, INSURANCE: insured_total}
    limits = {MANAGEMENT: management_ceiling, INSURANCE: insurance_ceiling}
    for overrun in overruns:
        assert overrun.excess > 0
        assert overrun.exposure == round_amount(exposures[overrun.ceiling], rounding)
        assert overrun.limit == round_amount(limits[overrun.ceiling], rounding)
        assert (
            compare_amounts(overrun.excess, overrun.exposure - overrun.limit, rounding)
            == 0
        )
        assert compare_amounts(overrun.exposure, overrun.limit, rounding) == 1


@given(
    total=st.one_of(cents, raw_amounts),
    insured_total=st.one_of(cents, raw_amounts),
    management_ceiling=ceilings,
    insurance_ceiling=ceilings,
    order_amount=orders,
    block_orders=st.booleans(),
    on_hold=st.booleans(),
    released_amount=released_amounts,
)
def test_decide_blocks_only_by_setting_or_hold(
    total,
    insured_total,
    management_ceiling,
    insurance_ceiling,
    order_amount,
    block_orders,
    on_hold,
    released_amount,
):
    decision = decide(
        total,
        insured_total,
        management_ceiling,
        insurance_ceiling,
        order_amount=order_amount,
        block_orders=block_orders,
        on_hold=on_hold,
        released_amount=released_amount,
    )
    if decision.action == BLOCK:
        assert block_orders or on_hold
    if on_hold and order_amount is not None:
        assert decision.action == BLOCK
    if decision.action == WARN:
        assert not block_orders
