#!/usr/bin/env python3
"""Benchmark credit_exposure against vanilla Odoo 11 and OCA's financial risk addons.

Three databases share one dataset (see dataset.py): vanilla Odoo 11
(sale_management, sale_stock, account_invoicing, l10n_generic_coa), the same
with credit_exposure, and the same with OCA's account_financial_risk and
sale_financial_risk. The dataset is built once in a template database and kept
between runs; every run measures fresh copies of it. Results go to
build/bench/results.json and to the results section of docs/BENCHMARKS.md.

Run it through scripts/benchmark, which passes the database options. Options
after `--` go to Odoo's configuration parser.
"""

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID  # noqa: E402

import components  # noqa: E402
import databases  # noqa: E402
import dataset  # noqa: E402
import load  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
import variants  # noqa: E402
from variants import VARIANTS  # noqa: E402

_logger = logging.getLogger("credit_exposure.bench")

ROOT = databases.ROOT
BASE_MODULES = "sale_management,sale_stock,account_invoicing,l10n_generic_coa"
DATASET_PARAMETER = "bench.dataset"
CONFIGURED_PARAMETER = "bench.configured"
STEPS = ("confirm", "writes", "lists", "load", "components")
# Parameter containing the dataset a variant template was derived from.
DERIVED_PARAMETER = "bench.derived_from"
# Parameter containing the digest of the variant module's source files.
SOURCE_PARAMETER = "bench.module_source"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10,1000,20000",
        help="Open documents of the measured customers, comma-separated "
        "(default: %(default)s).",
    )
    parser.add_argument(
        "--customers",
        type=int,
        default=10000,
        help="Customers of the many-customers lists (default: %(default)s).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=20,
        help="Measured repetitions of each confirmation, check and posting "
        "(default: %(default)s).",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="Unmeasured repetitions before them (default: %(default)s).",
    )
    parser.add_argument(
        "--orm-invoices",
        type=int,
        default=100,
        help="Invoices per customer posted through the ORM; the rest are SQL "
        "copies of them (default: %(default)s).",
    )
    parser.add_argument(
        "--build-minutes",
        type=float,
        default=30.0,
        help="Time budget of the ORM part of the dataset build; a build that "
        "runs out stops early and resumes on the next run (default: %(default)s).",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Drop the template databases and build the dataset again.",
    )
    parser.add_argument(
        "--prefix",
        default="cebench",
        help="Prefix of every database the benchmark creates (default: %(default)s).",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=4,
        help="Concurrent JSON-RPC clients of the load test (default: %(default)s).",
    )
    parser.add_argument(
        "--load-orders",
        type=int,
        default=20,
        help="Orders each load-test client confirms per phase (default: %(default)s).",
    )
    parser.add_argument(
        "--load-seconds",
        type=float,
        default=120.0,
        help="Time after which load-test clients stop sending (default: %(default)s).",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8391,
        help="HTTP port of the load-test servers on 127.0.0.1 (default: %(default)s).",
    )
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help="Measurements to run, comma-separated (default: %(default)s).",
    )
    parser.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help="Variants to measure (default: %(default)s).",
    )
    parser.add_argument(
        "--output",
        default=os.path.join(ROOT, "docs", "BENCHMARKS.md"),
        help="Markdown file whose results section is rewritten (default: %(default)s).",
    )
    parser.add_argument(
        "--command-line",
        default="",
        help="Command line to record in the results (set by scripts/benchmark).",
    )
    parser.add_argument("odoo_options", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.odoo_options[:1] == ["--"]:
        args.odoo_options = args.odoo_options[1:]
    args.sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    args.variants = [v for v in args.variants.split(",") if v]
    args.steps = [step for step in args.steps.split(",") if step]
    if set(args.steps) - set(STEPS):
        parser.error(
            "unknown steps %s (expected some of %s)"
            % (set(args.steps) - set(STEPS), STEPS)
        )
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error("unknown variants %s (expected some of %s)" % (unknown, VARIANTS))
    if "vanilla" not in args.variants:
        parser.error("the vanilla variant is the reference and cannot be skipped")
    if args.repeat < 1 or not args.sizes or min(args.sizes) < 2:
        parser.error("--repeat must be 1 or more and every size 2 or more")
    return args


# Templates -------------------------------------------------------------------


def read_parameter(registry, key):
    with registry.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (key,))
        row = cr.fetchone()
    return row[0] if row else None


def write_parameter(env, key, value):
    env["ir.config_parameter"].sudo().set_param(key, value)


def dataset_summary(env):
    """Return what the database holds: open documents per history customer, crowd."""
    cr = env.cr
    cr.execute(
        """
        SELECT partner.ref,
               (SELECT count(*) FROM account_invoice inv
                 WHERE inv.partner_id = partner.id AND inv.state = 'open'),
               (SELECT count(*) FROM sale_order_line line
                 WHERE line.order_partner_id = partner.id AND line.state = 'sale')
          FROM res_partner partner
         WHERE partner.ref LIKE 'bench-history-%%'
         ORDER BY partner.id
        """
    )
    history = {}
    for ref, invoices, lines in cr.fetchall():
        history[ref.rsplit("-", 1)[1]] = [invoices, lines]
    cr.execute(
        """
        SELECT count(DISTINCT partner.id)
          FROM res_partner partner
          JOIN account_move_line aml ON aml.partner_id = partner.id
         WHERE partner.ref LIKE 'bench-crowd-%%'
        """
    )
    return {"history": history, "crowd": cr.fetchone()[0]}


def ensure_base(dbs, args):
    """Create the base template with the vanilla modules and fill it."""
    name = dbs.name("base")
    if not dbs.installed(name, "sale_management") or not dbs.installed(
        name, "l10n_generic_coa"
    ):
        dbs.drop(name)
        dbs.create(name)
        dbs.install(name, BASE_MODULES)
    deadline = dataset.Deadline(args.build_minutes * 60.0)
    registry = odoo.registry(name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        before = dataset_summary(env)
        builder = dataset.BaseBuilder(env, deadline, args.orm_invoices)
        builder.ensure_master_data()
        for size in args.sizes:
            builder.build_history(size)
        builder.build_crowd(args.customers)
        summary = dataset_summary(env)
        if summary != before:
            cr.execute("ANALYZE")
        write_parameter(env, DATASET_PARAMETER, json.dumps(summary, sort_keys=True))
        cr.commit()
    dbs.release(name)
    if deadline.passed():
        _logger.warning("the dataset build ran out of time: %s", summary)
    return summary


def ensure_variant_template(dbs, variant, summary, sizes):
    """Derive the template of a variant from the base, unless it is current.

    A template whose module's source files changed since is updated in place
    (`-u`), which is how a deployment would take the new code.
    """
    base = dbs.name("base")
    name = dbs.name("tpl_" + variant)
    expected_dataset = json.dumps(summary, sort_keys=True)
    configured = ",".join(map(str, sizes))
    module = variants.VARIANT_MODULES[variant]
    source = databases.module_digest(module)
    if dbs.installed(name, module):
        registry = odoo.registry(name)
        current = read_parameter(registry, DERIVED_PARAMETER) == expected_dataset and (
            read_parameter(registry, CONFIGURED_PARAMETER) == configured
        )
        same_source = read_parameter(registry, SOURCE_PARAMETER) == source
        dbs.release(name)
        if current and same_source:
            return name
        if current:
            dbs.install(name, module, update=True)
            stamp_template(dbs, name, {SOURCE_PARAMETER: source})
            return name
    _logger.info("deriving %s from %s", name, base)
    started = time.time()
    dbs.copy(name, base)
    dbs.install(name, module)
    registry = odoo.registry(name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        variants.configure_template(variant, env, sizes)
        cr.commit()
        cr.execute("ANALYZE")
    dbs.release(name)
    stamp_template(
        dbs,
        name,
        {
            DERIVED_PARAMETER: expected_dataset,
            CONFIGURED_PARAMETER: configured,
            SOURCE_PARAMETER: source,
        },
    )
    _logger.info("%s ready in %.0f s", name, time.time() - started)
    return name


def stamp_template(dbs, name, parameters):
    registry = odoo.registry(name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        for key, value in parameters.items():
            write_parameter(env, key, value)
    dbs.release(name)


# Run databases ---------------------------------------------------------------


class Target(object):
    """One variant's run database, its registry and its fixtures."""

    def __init__(self, variant, name, sizes):
        self.variant = variant
        self.name = name
        self.registry = odoo.registry(name)
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, SUPERUSER_ID, {})
            fixtures = variants.Fixtures(env, sizes)
            self.sales_uid = fixtures.sales_uid
            self.history = fixtures.history
            self.crowd_ids = fixtures.crowd_ids
            self.orders = {}
            self.invoices = {}
            for size, partner_id in sorted(self.history.items()):
                self.orders[size] = fixtures.draft_order(partner_id)
                self.invoices[size] = fixtures.draft_invoice(partner_id)
            fixtures.commit()


def prepare_targets(dbs, args, summary):
    targets = {}
    for variant in args.variants:
        template = (
            dbs.name("base")
            if variant == "vanilla"
            else ensure_variant_template(dbs, variant, summary, args.sizes)
        )
        name = dbs.name(variant)
        dbs.copy(name, template)
        targets[variant] = Target(variant, name, args.sizes)
    return targets


# Measurements ----------------------------------------------------------------


def rotated(items, shift):
    shift %= len(items)
    return list(items[shift:]) + list(items[:shift])


def measure_confirmations(targets, sizes, repeat, warmup):
    """Confirm each quotation and run each check, alternating the databases.

    For each repetition and size, the databases take turns in an order that
    rotates, so that the variants compared at one size run seconds apart.
    Returns {(variant, size, kind): summary} with kind "confirm" or "check".
    """
    samples = {}
    variants_order = [v for v in VARIANTS if v in targets]
    for repetition in range(warmup + repeat):
        for position, size in enumerate(sizes):
            turn = rotated(variants_order, repetition + position)
            for kind in ("confirm", "check"):
                for variant in turn:
                    target = targets[variant]
                    if size not in target.orders:
                        continue
                    action = check_action(variant, target.orders[size], kind)
                    if action is None:
                        continue
                    sample = measure.run_rolled_back(
                        target.registry, target.sales_uid, action
                    )[:3]
                    if repetition >= warmup:
                        samples.setdefault((variant, size, kind), []).append(sample)
        _logger.info(
            "confirmations: repetition %d of %d", repetition + 1, warmup + repeat
        )
    return {key: measure.summarize(values) for key, values in samples.items()}


def check_action(variant, order_id, kind):
    """Return the action measuring kind ("confirm" or "check") in a variant."""
    if kind == "confirm":
        return measure.confirm_order(order_id)
    if variant == "credit":
        return measure.credit_check(order_id)
    if variant == "oca":
        return measure.oca_check(order_id)
    return None


def measure_writes(targets, sizes, repeat, warmup):
    """Post an invoice and register its payment, rotating the databases."""
    measured_sizes = sorted({min(sizes), max(sizes)})
    samples = {}
    variants_order = [v for v in VARIANTS if v in targets]
    for repetition in range(warmup + repeat):
        for position, size in enumerate(measured_sizes):
            for variant in rotated(variants_order, repetition + position):
                target = targets[variant]
                if size not in target.invoices:
                    continue
                run = {"post": [], "pay": []}
                measure.run_rolled_back(
                    target.registry,
                    SUPERUSER_ID,
                    measure.post_and_pay(target.invoices[size], run),
                )
                if repetition >= warmup:
                    for kind in ("post", "pay"):
                        samples.setdefault((variant, size, kind), []).extend(run[kind])
    return {key: measure.summarize(values) for key, values in samples.items()}


def summarize_runs(seconds, rows):
    return {
        "n": len(seconds),
        "median_ms": sorted(seconds)[len(seconds) // 2] * 1000.0,
        "rows": rows,
    }


def action_domain(env, xml_id, default):
    """Return the domain of a window action, or default if it does not exist."""
    from odoo.tools.safe_eval import safe_eval

    action = env.ref(xml_id, raise_if_not_found=False)
    if not action or not action.domain:
        return default
    return safe_eval(action.domain, {"uid": env.uid})


def measure_lists(targets, repeat):
    """Time the many-customers screens of credit_exposure and OCA."""
    results = {}
    if "credit" in targets:
        results.update(measure_credit_lists(targets["credit"], repeat))
    if "oca" in targets:
        results.update(measure_oca_lists(targets["oca"]))
    return results


def measure_credit_lists(target, repeat):
    """Time credit_exposure's report screens and the partner exposure fields."""
    results = {}
    registry = target.registry

    def timed(label, function):
        seconds = measure.time_rolled_back(registry, SUPERUSER_ID, function, repeat)
        rows = count_rows(target, function)
        results[("credit", label)] = summarize_runs(seconds, rows)

    if "credit.customer.exposure" in registry.models:
        cr = registry.cursor()
        try:
            env = odoo.api.Environment(cr, SUPERUSER_ID, {})
            at_risk = action_domain(
                env,
                "credit_exposure.credit_customer_exposure_action_at_risk",
                [("risk_state", "in", ("over", "at_risk"))],
            )
            names = stored_fields(env["credit.customer.exposure"])
        finally:
            cr.rollback()
            cr.close()

        def at_risk_page(env):
            model = env["credit.customer.exposure"]
            rows = model.search_read(at_risk, names, limit=80)
            model.search_count(at_risk)
            return rows

        def at_risk_all(env):
            return env["credit.customer.exposure"].search_read(at_risk, names)

        def everyone(env):
            return env["credit.customer.exposure"].search_read([], names)

        timed(
            "Customers at Risk (credit.customer.exposure): first page of 80 + count",
            at_risk_page,
        )
        timed("Customers at Risk: every row", at_risk_all)
        timed("credit.customer.exposure: every customer", everyone)
    if "credit.exposure.analysis" in registry.models:

        def pivot_default(env):
            return env["credit.exposure.analysis"].read_group(
                [], ["total_exposure", "user_id", "age"], ["user_id", "age"], lazy=False
            )

        def pivot_by_customer(env):
            return env["credit.exposure.analysis"].read_group(
                [], ["total_exposure", "partner_id"], ["partner_id"], lazy=False
            )

        timed(
            "Exposure Analysis (credit.exposure.analysis): "
            "default pivot, salesperson x age",
            pivot_default,
        )
        timed("Exposure Analysis: pivot by customer", pivot_by_customer)
    ids = target.crowd_ids

    def partner_fields(env):
        return env["res.partner"].search_read(
            [("id", "in", ids)], CREDIT_PARTNER_FIELDS
        )

    timed("res.partner search_read of the 6 exposure fields, crowd", partner_fields)
    return results


CREDIT_PARTNER_FIELDS = [
    "delivery_exposure",
    "insured_delivery_exposure",
    "financial_exposure",
    "insured_financial_exposure",
    "total_exposure",
    "insured_total_exposure",
]
OCA_PARTNER_FIELDS = [
    "risk_invoice_draft",
    "risk_invoice_open",
    "risk_invoice_unpaid",
    "risk_account_amount",
    "risk_account_amount_unpaid",
    "risk_sale_order",
    "risk_total",
]


def measure_oca_lists(target):
    """Time OCA's search for customers over their limit and its risk fields, once.

    The web client's list would run the search twice (search_read and
    search_count), so one search is a lower bound of the list's load time.
    """
    results = {}
    ids = target.crowd_ids

    def over_limit(env):
        return env["res.partner"].search([("risk_exception", "=", True)])

    def risk_fields(env):
        return env["res.partner"].search_read([("id", "in", ids)], OCA_PARTNER_FIELDS)

    for label, function in (
        ("customers over their limit (search on risk_exception)", over_limit),
        ("res.partner search_read of the 7 risk fields, crowd", risk_fields),
    ):
        cr = target.registry.cursor()
        try:
            env = odoo.api.Environment(cr, SUPERUSER_ID, {})
            started = time.perf_counter()
            rows = len(function(env))
            seconds = time.perf_counter() - started
        finally:
            cr.rollback()
            cr.close()
        results[("oca", label)] = summarize_runs([seconds], rows)
    return results


def stored_fields(model):
    return [
        name
        for name, field in model._fields.items()
        if field.store and field.type not in ("one2many", "many2many", "binary")
    ]


def count_rows(target, function):
    cr = target.registry.cursor()
    try:
        return len(function(odoo.api.Environment(cr, SUPERUSER_ID, {})))
    finally:
        cr.rollback()
        cr.close()


# Machine ---------------------------------------------------------------------


def machine_info(registry):
    def command(*arguments):
        try:
            return subprocess.run(
                arguments, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError) as error:
            return "unavailable (%s)" % error

    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with registry.cursor() as cr:
        cr.execute("SELECT version()")
        postgres = cr.fetchone()[0]
    return {
        "nproc": command("nproc"),
        "free": command("free", "-h"),
        "cpu": cpu,
        "python": platform.python_version(),
        "odoo": odoo.release.version,
        "postgresql": postgres,
        "loadavg": open("/proc/loadavg").read().split()[:3],
    }


# Main ------------------------------------------------------------------------


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    odoo.tools.config.parse_config(args.odoo_options)
    log_dir = os.path.join(ROOT, "build", "bench")
    os.makedirs(log_dir, exist_ok=True)
    dbs = databases.Databases(args.prefix, args.odoo_options, log_dir)
    started = time.time()
    args.command_line = args.command_line.strip()
    results = {"args": {k: v for k, v in vars(args).items() if k != "odoo_options"}}
    with odoo.api.Environment.manage():
        if args.rebuild:
            for suffix in ("base", "tpl_credit", "tpl_oca"):
                dbs.drop(dbs.name(suffix))
        summary = ensure_base(dbs, args)
        results["dataset"] = summary
        results["build_s"] = time.time() - started
        _logger.info("dataset ready: %s", summary)
        targets = prepare_targets(dbs, args, summary)
        results["setup_s"] = time.time() - started
        results["machine_start"] = machine_info(targets["vanilla"].registry)
        results["documents"] = {
            size: sum(summary["history"].get(str(size), [0, 0])) for size in args.sizes
        }
        steps = args.steps
        results["confirm"] = {}
        if "confirm" in steps:
            _logger.info("measuring confirmations")
            results["confirm"] = measure_confirmations(
                targets, args.sizes, args.repeat, args.warmup
            )
        results["writes"] = {}
        if "writes" in steps:
            _logger.info("measuring invoice posting and payment")
            results["writes"] = measure_writes(
                targets, args.sizes, args.repeat, args.warmup
            )
        results["lists"] = {}
        if "lists" in steps:
            _logger.info("measuring the many-customers lists")
            results["lists"] = measure_lists(targets, 3)
        if "credit" in targets and "components" in steps:
            largest = max(targets["credit"].history)
            results["components"], results["plans"] = components.measure_components(
                targets["credit"], largest, args.repeat
            )
            results["checks_per_confirm"] = components.count_checks(targets)
            results["credit_check_method"] = measure.credit_check_method(
                targets["credit"].registry
            )
        if "load" in steps:
            _logger.info("load test")
            results["load"] = load.run_load(dbs, targets, args)
        results["machine_end"] = machine_info(targets["vanilla"].registry)
        for target in targets.values():
            dbs.release(target.name)
    results["total_s"] = time.time() - started
    results_path = os.path.join(log_dir, "results.json")
    with open(results_path, "w") as handle:
        json.dump(report.jsonable(results), handle, indent=1, sort_keys=True)
    report.write_markdown(results, args.output)
    _logger.info(
        "results in %s and %s (%.0f s)", results_path, args.output, results["total_s"]
    )


if __name__ == "__main__":
    main()
