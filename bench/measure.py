"""In-process measurements: each one runs in a fresh cursor and is rolled back.

A fresh cursor and environment per repetition starts with an empty record
cache, as a new request does, while the registry and its caches stay warm, as
in a running server. Rolling back leaves the database as it was, so every
repetition measures the same state.
"""

import math
import statistics
import time

import odoo


def percentile(values, share):
    """Return the nearest-rank percentile (share in 0..1) of values."""
    ordered = sorted(values)
    rank = max(1, int(math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def summarize(samples):
    """Return median and 95th percentile of samples, in ms.

    A sample is (seconds, queries) or (seconds, queries, cpu seconds of this
    process).
    """
    seconds = [sample[0] for sample in samples]
    queries = [sample[1] for sample in samples]
    summary = {
        "n": len(samples),
        "median_ms": statistics.median(seconds) * 1000.0,
        "p95_ms": percentile(seconds, 0.95) * 1000.0,
        "queries": int(statistics.median(queries)),
        "queries_max": max(queries),
        # In measurement order, for differences paired by repetition.
        "samples_ms": [value * 1000.0 for value in seconds],
    }
    if all(len(sample) > 2 for sample in samples):
        summary["cpu_median_ms"] = statistics.median(s[2] for s in samples) * 1000.0
    return summary


def run_rolled_back(registry, uid, action):
    """Run action(env) in a fresh cursor; return (seconds, queries, cpu, result).

    queries is the delta of odoo.sql_db.sql_counter, to which a cursor adds
    its query count when it closes; cpu is the CPU time of this process (the
    Odoo side, without PostgreSQL's). The transaction is rolled back.
    """
    counter_before = odoo.sql_db.sql_counter
    cr = registry.cursor()
    try:
        env = odoo.api.Environment(cr, uid, {})
        cpu_started = time.process_time()
        started = time.perf_counter()
        result = action(env)
        env["res.partner"].recompute()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    finally:
        cr.rollback()
        cr.close()
    return seconds, odoo.sql_db.sql_counter - counter_before, cpu, result


def confirm_order(order_id):
    """Return an action confirming the quotation order_id, checking it confirmed."""

    def action(env):
        order = env["sale.order"].browse(order_id)
        result = order.action_confirm()
        if order.state != "sale":
            raise RuntimeError("order %s was not confirmed: %r" % (order.name, result))
        return result

    return action


# Method of credit_exposure's sale.order that runs the check of quotations
# (partner lock, exposure figures, decision), by the name it has had.
CREDIT_CHECK_METHODS = ("_credit_decisions", "_credit_decide_confirmation")


def credit_check_method(registry):
    """Return the name of credit_exposure's check method in this registry."""
    model = registry["sale.order"]
    for name in CREDIT_CHECK_METHODS:
        if hasattr(model, name):
            return name
    return None


def credit_check(order_id):
    """Return an action running only credit_exposure's check of a quotation."""

    def action(env):
        order = env["sale.order"].browse(order_id)
        for name in CREDIT_CHECK_METHODS:
            if hasattr(order, name):
                return getattr(order, name)()
        raise RuntimeError(
            "credit_exposure's sale.order has none of %s" % (CREDIT_CHECK_METHODS,)
        )

    return action


def oca_check(order_id):
    """Return an action reading what OCA's action_confirm reads before confirming.

    sale_financial_risk 11.0.3.0.0 reads risk_exception, risk_sale_order and
    risk_total of the commercial partner, which computes every risk figure.
    """

    def action(env):
        partner = env["sale.order"].browse(order_id).partner_id.commercial_partner_id
        return (partner.risk_exception, partner.risk_sale_order, partner.risk_total)

    return action


def post_and_pay(invoice_id, samples):
    """Return an action posting a draft invoice, then paying it in full.

    samples["post"] and samples["pay"] each receive (seconds, queries): the
    posting, then the creation and posting of the account.payment that
    reconciles it, as the Register Payment button does. Queries are counted
    with the cursor's sql_log_count, which feeds odoo.sql_db.sql_counter.
    """

    def action(env):
        cr = env.cr
        invoice = env["account.invoice"].browse(invoice_id)
        queries = cr.sql_log_count
        started = time.perf_counter()
        invoice.action_invoice_open()
        env["res.partner"].recompute()
        samples["post"].append(
            (time.perf_counter() - started, cr.sql_log_count - queries)
        )
        if invoice.state != "open":
            raise RuntimeError("invoice %s was not posted" % invoice_id)
        journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)], limit=1
        )
        method = env.ref("account.account_payment_method_manual_in")
        values = {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": invoice.commercial_partner_id.id,
            "amount": invoice.residual,
            "currency_id": invoice.currency_id.id,
            "journal_id": journal.id,
            "payment_method_id": method.id,
            "invoice_ids": [(4, invoice.id)],
        }
        queries = cr.sql_log_count
        started = time.perf_counter()
        env["account.payment"].create(values).post()
        env["res.partner"].recompute()
        samples["pay"].append(
            (time.perf_counter() - started, cr.sql_log_count - queries)
        )
        if invoice.state != "paid":
            raise RuntimeError("invoice %s was not paid" % invoice_id)

    return action


def time_rolled_back(registry, uid, function, repeat):
    """Return the seconds of each of `repeat` rolled-back runs of function(env)."""
    seconds = []
    for _ in range(repeat):
        cr = registry.cursor()
        try:
            env = odoo.api.Environment(cr, uid, {})
            started = time.perf_counter()
            function(env)
            seconds.append(time.perf_counter() - started)
        finally:
            cr.rollback()
            cr.close()
    return seconds


def time_sql(registry, query, params, repeat):
    """Return the seconds of each of `repeat` runs of one SQL query."""
    seconds = []
    cr = registry.cursor()
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            cr.execute(query, params)
            cr.fetchall()
            seconds.append(time.perf_counter() - started)
    finally:
        cr.rollback()
        cr.close()
    return seconds


def explain(registry, query, params):
    cr = registry.cursor()
    try:
        cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
        return "\n".join(row[0] for row in cr.fetchall())
    finally:
        cr.rollback()
        cr.close()
