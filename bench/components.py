"""credit_exposure's SQL, alone: the movements a check reads, and the
document queries that rebuild and verify the movements."""

import contextlib

import odoo
from odoo import SUPERUSER_ID

import measure

COMPONENT_METHODS = (
    "compute_figures",
    "_credit_rows_open_order_lines",
    "_credit_rows_open_receivables",
    "_credit_rows_draft_invoices",
)


@contextlib.contextmanager
def env_cursor(registry, uid=SUPERUSER_ID):
    """Yield an environment on a fresh cursor, rolled back afterwards."""
    cr = registry.cursor()
    try:
        yield odoo.api.Environment(cr, uid, {})
    finally:
        cr.rollback()
        cr.close()


def component_query(target, partner_id, method):
    """Return the SQL that one of credit_exposure's components runs, or None."""
    with env_cursor(target.registry) as env:
        exposure = env["credit.exposure"]
        if not hasattr(exposure, method):
            return None
        if method == "compute_figures":
            # Its last query reads the movements: the customer's figures are
            # in company currency, so no conversion follows it.
            exposure.compute_figures(env["res.partner"].browse(partner_id))
        else:
            getattr(exposure, method)((partner_id,), env.user.company_id)
        return env.cr._obj.query.decode()


def measure_components(target, size, repeat):
    """Time each SQL component of credit_exposure for one history customer.

    Returns ({name: summary}, {name: EXPLAIN ANALYZE text}).
    """
    partner_id = target.history[size]
    results = {}
    plans = {}
    for method in COMPONENT_METHODS:
        query = component_query(target, partner_id, method)
        if query is None:
            continue
        seconds = measure.time_sql(target.registry, query, None, repeat)
        results[method] = measure.summarize([(s, 1) for s in seconds])
        plans[method] = measure.explain(target.registry, query, None)
    return results, plans


@contextlib.contextmanager
def counting(model_class, method_name, counter):
    """Count the calls of a method of a registry model class."""
    original = getattr(model_class, method_name)

    def wrapper(self, *args, **kwargs):
        counter[0] += 1
        return original(self, *args, **kwargs)

    setattr(model_class, method_name, wrapper)
    try:
        yield
    finally:
        setattr(model_class, method_name, original)


def count_checks(targets):
    """Return how many times one confirmation computes the customer's exposure.

    credit_exposure: calls of credit.exposure.compute_figures; OCA: calls of
    res.partner._compute_risk_account_amount (its open receivables).
    """
    spies = {
        "credit": ("credit.exposure", "compute_figures"),
        "oca": ("res.partner", "_compute_risk_account_amount"),
    }
    counts = {}
    for variant, (model, method) in spies.items():
        target = targets.get(variant)
        if not target or model not in target.registry.models:
            continue
        counter = [0]
        size = min(target.orders)
        with counting(target.registry[model], method, counter):
            measure.run_rolled_back(
                target.registry,
                target.sales_uid,
                measure.confirm_order(target.orders[size]),
            )
        counts[variant] = counter[0]
    return counts
