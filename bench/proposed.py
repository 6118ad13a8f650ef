"""credit_exposure's SQL, alone, and the changes the benchmark proposes.

Everything labelled "proposed" is applied to the credit_exposure run database
only, after every other measurement, and never to the addon: indexes, two
denormalised columns on account_move_line and a per-customer totals table.
They show what each change would save; the addon's owners decide.
"""

import contextlib

import psycopg2

import odoo
from odoo import SUPERUSER_ID

import measure

COMPONENT_METHODS = (
    "_credit_rows_open_order_lines",
    "_credit_rows_open_receivables",
    "_credit_rows_draft_invoices",
)

# Indexes for the addon's queries as they are.
PROPOSED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS credit_proposed_aml_open "
    "ON account_move_line (partner_id, account_id) "
    "INCLUDE (company_id, move_id, invoice_id, currency_id, amount_residual, "
    "amount_residual_currency) WHERE reconciled IS NOT TRUE",
    "CREATE INDEX IF NOT EXISTS credit_proposed_sol_open "
    "ON sale_order_line (order_id) INCLUDE (credit_open_amount) "
    "WHERE credit_open_amount != 0",
)

# Two stored columns on journal items, so that summing a customer's open
# receivables needs no lookup of each item's journal entry and invoice: the
# state of the entry (as Odoo 12's parent_state) and the invoice's insured flag.
DENORMALISATION = (
    "ALTER TABLE account_move_line ADD COLUMN IF NOT EXISTS "
    "credit_proposed_posted boolean",
    "ALTER TABLE account_move_line ADD COLUMN IF NOT EXISTS "
    "credit_proposed_insured boolean",
    "UPDATE account_move_line aml SET credit_proposed_posted = "
    "(move.state = 'posted') FROM account_move move WHERE move.id = aml.move_id",
    "UPDATE account_move_line aml SET credit_proposed_insured = "
    "COALESCE(inv.credit_insured, FALSE) FROM account_invoice inv "
    "WHERE inv.id = aml.invoice_id",
    "UPDATE account_move_line SET credit_proposed_insured = FALSE "
    "WHERE invoice_id IS NULL",
    "CREATE INDEX IF NOT EXISTS credit_proposed_aml_open_posted "
    "ON account_move_line (partner_id, account_id) "
    "INCLUDE (company_id, currency_id, amount_residual, amount_residual_currency, "
    "credit_proposed_insured) "
    "WHERE reconciled IS NOT TRUE AND credit_proposed_posted",
)

# The open receivables of credit_exposure's _credit_rows_open_receivables,
# read from the denormalised columns.
DENORMALISED_RECEIVABLES = """
    SELECT partner.commercial_partner_id,
           CASE WHEN aml.currency_id IS NOT NULL AND aml.currency_id != %(currency)s
                THEN aml.currency_id ELSE %(currency)s END,
           aml.credit_proposed_insured,
           SUM(CASE WHEN aml.currency_id IS NOT NULL AND aml.currency_id != %(currency)s
                    THEN aml.amount_residual_currency ELSE aml.amount_residual END)
      FROM res_partner partner
      JOIN account_move_line aml ON aml.partner_id = partner.id
     WHERE partner.commercial_partner_id IN %(partners)s
       AND aml.company_id = %(company)s
       AND aml.account_id = ANY(ARRAY(
               SELECT id FROM account_account
                WHERE internal_type = 'receivable' AND company_id = %(company)s))
       AND aml.reconciled IS NOT TRUE
       AND aml.credit_proposed_posted
     GROUP BY 1, 2, 3
"""

# A per-customer totals table such as triggers or the ORM could maintain; here
# it is filled once from the three components, to time its read.
TOTALS_TABLE = """
    CREATE TABLE IF NOT EXISTS credit_proposed_partner_total (
        partner_id integer NOT NULL,
        company_id integer NOT NULL,
        currency_id integer NOT NULL,
        insured boolean NOT NULL,
        figure varchar NOT NULL,
        amount numeric NOT NULL,
        PRIMARY KEY (partner_id, company_id, currency_id, insured, figure)
    )
"""
TOTALS_READ = """
    SELECT partner_id, currency_id, insured, figure, amount
      FROM credit_proposed_partner_total
     WHERE partner_id IN %(partners)s AND company_id = %(company)s
"""


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


def measure_checks(target, repeat, warmup):
    """Time credit_exposure's check alone at every size."""
    samples = {}
    for repetition in range(warmup + repeat):
        for size in sorted(target.orders):
            sample = measure.run_rolled_back(
                target.registry,
                target.sales_uid,
                measure.credit_check(target.orders[size]),
            )[:3]
            if repetition >= warmup:
                samples.setdefault(size, []).append(sample)
    return {size: measure.summarize(values) for size, values in samples.items()}


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


def execute_all(target, statements):
    cr = target.registry.cursor()
    try:
        for statement in statements:
            cr.execute(statement)
        cr.commit()
    finally:
        cr.close()


def measure_proposed(target, args):
    """Apply the proposals step by step and measure the queries and the check."""
    results = {
        "indexes": list(PROPOSED_INDEXES),
        "denormalisation": list(DENORMALISATION),
    }
    execute_all(target, PROPOSED_INDEXES)
    vacuum(target.name, ["account_move_line", "sale_order_line", "sale_order"])
    results["components"] = {}
    results["plans"] = {}
    for size in sorted(target.history):
        results["components"][size], results["plans"][size] = measure_components(
            target, size, args.repeat
        )
    results["checks"] = measure_checks(target, args.repeat, args.warmup)

    execute_all(target, DENORMALISATION)
    vacuum(target.name, ["account_move_line"])
    fill_totals(target)
    with env_cursor(target.registry) as env:
        company = env.user.company_id
        base = {"company": company.id, "currency": company.currency_id.id}
    results["denormalised"] = {}
    results["totals_read"] = {}
    for size, partner_id in sorted(target.history.items()):
        params = dict(base, partners=(partner_id,))
        seconds = measure.time_sql(
            target.registry, DENORMALISED_RECEIVABLES, params, args.repeat
        )
        results["denormalised"][size] = measure.summarize([(s, 1) for s in seconds])
        seconds = measure.time_sql(target.registry, TOTALS_READ, params, args.repeat)
        results["totals_read"][size] = measure.summarize([(s, 1) for s in seconds])
    largest = max(target.history)
    results["denormalised_plan"] = measure.explain(
        target.registry,
        DENORMALISED_RECEIVABLES,
        dict(base, partners=(target.history[largest],)),
    )
    return results


def fill_totals(target):
    """Fill the per-customer totals table from credit_exposure's components."""
    with env_cursor(target.registry) as env:
        company = env.user.company_id
        partner_ids = tuple(target.history.values())
        exposure = env["credit.exposure"]
        rows = []
        components = getattr(exposure, "_credit_components", lambda: [])()
        for figure, method in components:
            for partner_id, currency_id, insured, amount in getattr(exposure, method)(
                partner_ids, company
            ):
                rows.append(
                    (partner_id, company.id, currency_id, bool(insured), figure, amount)
                )
        cr = env.cr
        cr.execute(TOTALS_TABLE)
        cr.execute("DELETE FROM credit_proposed_partner_total")
        for row in rows:
            cr.execute(
                "INSERT INTO credit_proposed_partner_total "
                "VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (partner_id, company_id, currency_id, insured, figure) "
                "DO UPDATE SET "
                "amount = credit_proposed_partner_total.amount + EXCLUDED.amount",
                row,
            )
        cr.commit()


def vacuum(name, tables):
    """VACUUM ANALYZE tables (VACUUM cannot run inside a transaction)."""
    config = odoo.tools.config
    connection = psycopg2.connect(
        dbname=name,
        host=config["db_host"] or None,
        port=config["db_port"] or None,
        user=config["db_user"] or None,
        password=config["db_password"] or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            for table in tables:
                cr.execute("VACUUM ANALYZE %s" % table)
    finally:
        connection.close()
