"""Uninstalling credit_exposure leaves sales, deliveries and invoices usable.

The addon is uninstalled from a copy of the database pytest-odoo tests (or
from a new database without pytest-odoo), never from that database itself.
A script run by `odoo-bin shell` in that copy goes through a blocked order,
its release, delivery, invoice and payment, uninstalls the addon, checks what
is left, and installs the addon again. It prints its findings as one JSON
object, which the tests below assert one by one.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests_browser"))
import browser_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "uninstall"
MARKER = "CREDIT-UNINSTALL-RESULT "
SHELL_TIMEOUT = 600

SCRIPT = r'''
import json
import odoo
from odoo import SUPERUSER_ID, api

result = {}
MODULE = "credit_exposure"
TABLES = ("sale_order", "sale_order_line", "res_partner", "stock_picking",
          "account_invoice", "res_company")
# Names only the addon uses, in views, server actions and crons.
ADDON_NAMES = ("credit_(exposure|state|blocked|management|insurance|hold"
               "|release|insured|block|risk|message)")


def new_env():
    return api.Environment(env.cr, SUPERUSER_ID, {"tracking_disable": True})


def make_customer(env, name, ceiling):
    partner = env["res.partner"].create(
        {"name": name, "is_company": True, "customer": True})
    if ceiling is not None:
        partner.write({"credit_management_ceiling": ceiling,
                       "credit_insurance_ceiling": ceiling})
    return partner


def make_product(env):
    return env["product.product"].create({
        "name": "Uninstall test goods", "type": "consu",
        "invoice_policy": "delivery", "list_price": 100.0, "taxes_id": []})


def make_order(env, partner, product, quantity):
    return env["sale.order"].create({
        "partner_id": partner.id,
        "order_line": [(0, 0, {"product_id": product.id,
                               "product_uom_qty": quantity,
                               "price_unit": 100.0, "tax_id": []})],
    })


def deliver(order):
    picking = order.picking_ids.filtered(
        lambda p: p.state not in ("done", "cancel"))
    picking.ensure_one()
    picking.action_assign()
    for move in picking.move_lines:
        move.quantity_done = move.product_uom_qty
    picking.action_done()
    return picking


def invoice_and_pay(env, order, pay=True):
    invoice = env["account.invoice"].browse(order.action_invoice_create())
    invoice.action_invoice_open()
    if pay:
        journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", order.company_id.id)],
            limit=1)
        payment = env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer",
            "partner_id": invoice.commercial_partner_id.id,
            "amount": invoice.amount_total,
            "currency_id": invoice.currency_id.id, "journal_id": journal.id,
            "payment_method_id": env.ref(
                "account.account_payment_method_manual_in").id,
            "invoice_ids": [(6, 0, invoice.ids)],
        })
        payment.post()
    return invoice


def module(env):
    return env["ir.module.module"].search([("name", "=", MODULE)])


# 1. A blocked order, released, delivered, invoiced and paid.
env = new_env()
env.ref("base.main_company").credit_block_orders = True
product = make_product(env)
customer = make_customer(env, "Uninstall Customer", 500.0)
order = make_order(env, customer, product, 10.0)
order.with_context(credit_exposure_accept_block=True).action_confirm()
result["before_state"] = order.state
result["before_credit_state"] = order.credit_state
order.credit_release("Uninstall test release")
order.invalidate_cache()
result["released_credit_state"] = order.credit_state
picking = deliver(order)
invoice = invoice_and_pay(env, order)
result["before_invoice_state"] = invoice.state
ids = {"order": order.id, "picking": picking.id, "invoice": invoice.id,
       "product": product.id, "customer": customer.id}
env.cr.commit()

# 2. Uninstall.
module(env).button_immediate_uninstall()
env = new_env()
result["module_state"] = module(env).state

# 3. The documents of before still read.
order = env["sale.order"].browse(ids["order"])
picking = env["stock.picking"].browse(ids["picking"])
invoice = env["account.invoice"].browse(ids["invoice"])
result["old_order"] = [order.name, order.state, order.invoice_status,
                       order.amount_total]
result["old_picking"] = [picking.name, picking.state]
result["old_invoice"] = [invoice.number, invoice.state, invoice.residual]
env["sale.order"].search_read([("id", "=", order.id)])
env["stock.picking"].search_read([("id", "=", picking.id)])
env["account.invoice"].search_read([("id", "=", invoice.id)])
env["res.partner"].search_read([("id", "=", ids["customer"])])

# 4. A new order goes through without the addon.
product = env["product.product"].browse(ids["product"])
customer = env["res.partner"].browse(ids["customer"])
order = make_order(env, customer, product, 20.0)
order.action_confirm()
result["new_order_state"] = order.state
picking = deliver(order)
result["new_picking_state"] = picking.state
invoice = invoice_and_pay(env, order, pay=False)
result["new_invoice_state"] = invoice.state
result["new_invoice_amount"] = invoice.amount_total
# An order left open, for the installation to compute through the ORM.
open_order = make_order(env, customer, product, 3.0)
open_order.action_confirm()
ids["open_order"] = open_order.id
env.cr.commit()

# 5. What the addon left in the database.
cr = env.cr
cr.execute("""SELECT table_name FROM information_schema.tables
              WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
                AND table_name LIKE 'credit%%'""")
result["tables"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT viewname FROM pg_views
              WHERE schemaname = 'public' AND viewname LIKE 'credit%%'""")
result["views"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT tgname FROM pg_trigger
              WHERE NOT tgisinternal AND tgname LIKE 'credit%%'""")
result["triggers"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT proname FROM pg_proc
              WHERE proname LIKE 'credit%%'""")
result["functions"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT table_name || '.' || column_name
              FROM information_schema.columns
              WHERE table_schema = 'public' AND table_name IN %s
                AND column_name LIKE 'credit\\_%%'
                AND NOT EXISTS (
                    SELECT 1 FROM ir_model_fields f
                    WHERE replace(f.model, '.', '_') = table_name
                      AND f.name = column_name)""", (TABLES,))
result["columns"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT model || ',' || name FROM ir_model_data
              WHERE module = %s""", (MODULE,))
result["ir_model_data"] = sorted(row[0] for row in cr.fetchall())
cr.execute("SELECT model FROM ir_model WHERE model LIKE 'credit.%%'")
result["ir_model"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT model || '.' || name FROM ir_model_fields
              WHERE model LIKE 'credit.%%'
                 OR name LIKE 'credit\\_%%' AND NOT EXISTS (
                     SELECT 1 FROM ir_model_data d
                     WHERE d.model = 'ir.model.fields'
                       AND d.res_id = ir_model_fields.id)""")
result["ir_model_fields"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT name FROM ir_ui_view
              WHERE model LIKE 'credit.%%' OR arch_db ~ %s""", (ADDON_NAMES,))
result["ir_ui_view"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT name FROM ir_act_window
              WHERE res_model LIKE 'credit.%%'
              UNION ALL SELECT name FROM ir_act_server
              WHERE code ~ %s""", (ADDON_NAMES,))
result["ir_act"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT name FROM ir_ui_menu m WHERE action IN (
                  SELECT 'ir.actions.act_window,' || id FROM ir_act_window
                  WHERE res_model LIKE 'credit.%%')
              OR NOT EXISTS (SELECT 1 FROM ir_model_data d
                             WHERE d.model = 'ir.ui.menu' AND d.res_id = m.id)
                 AND m.name ILIKE '%%credit%%'""")
result["ir_ui_menu"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT c.cron_name FROM ir_cron c
              JOIN ir_act_server s ON s.id = c.ir_actions_server_id
              WHERE s.code ~ %s
                 OR s.model_name LIKE 'credit.%%'""", (ADDON_NAMES,))
result["ir_cron"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT t.name FROM mail_activity_type t
              WHERE NOT EXISTS (SELECT 1 FROM ir_model_data d
                                WHERE d.model = 'mail.activity.type'
                                  AND d.res_id = t.id)
                AND t.name ILIKE '%%credit%%'""")
result["mail_activity_type"] = sorted(row[0] for row in cr.fetchall())
cr.execute("""SELECT name FROM res_groups WHERE id IN (
                  SELECT res_id FROM ir_model_data
                  WHERE model = 'res.groups' AND module = %s)""", (MODULE,))
result["res_groups"] = sorted(row[0] for row in cr.fetchall())
cr.execute("SELECT name FROM ir_rule WHERE model_id NOT IN "
           "(SELECT id FROM ir_model)")
result["ir_rule"] = sorted(row[0] for row in cr.fetchall())
cr.execute("SELECT key FROM ir_config_parameter WHERE key LIKE 'credit%%'")
result["ir_config_parameter"] = sorted(row[0] for row in cr.fetchall())

# 6. Install again: an order over the ceiling is blocked again.
module(env).button_immediate_install()
env = new_env()
result["reinstalled_state"] = module(env).state
# The documents of before count again, from columns filled by the hooks.
customer = env["res.partner"].browse(ids["customer"])
result["reinstalled_figures"] = [customer.delivery_exposure,
                                 customer.financial_exposure]
result["reinstalled_open_amounts"] = sorted(
    env["sale.order"].browse(ids["open_order"]).order_line.mapped(
        "credit_open_amount"))
result["reinstalled_differences"] = env[
    "credit.exposure.movement"]._credit_differences()
env.ref("base.main_company").credit_block_orders = True
product = env["product.product"].browse(ids["product"])
customer = make_customer(env, "Reinstall Customer", 500.0)
order = make_order(env, customer, product, 10.0)
order.with_context(credit_exposure_accept_block=True).action_confirm()
result["reinstalled_order_state"] = order.state
result["reinstalled_credit_state"] = order.credit_state
env.cr.commit()

print("CREDIT-UNINSTALL-RESULT " + json.dumps(result, default=str))
'''


def _template_database():
    odoo = sys.modules.get("odoo")
    if odoo is None:
        return None
    return odoo.tools.config.get("db_name") or None


def _shell(database, data_dir, log):
    env = browser_server.pg_env()
    command = [
        sys.executable,
        str(ROOT / "runtime" / "odoo-bin"),
        "shell",
        "--db_host=%s" % env["PGHOST"],
        "--db_port=%s" % env["PGPORT"],
        "--db_user=%s" % env["PGUSER"],
        "--db_password=%s" % env["PGPASSWORD"],
        "--addons-path=%s" % ROOT,
        "--data-dir=%s" % data_dir,
        "--max-cron-threads=0",
        "--log-level=warn",
        "--logfile=%s" % log,
        "-d",
        database,
    ]
    return subprocess.run(
        command,
        input=SCRIPT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SHELL_TIMEOUT,
    )


@pytest.fixture(scope="module")
def uninstall_result():
    """Run the script in a database of its own; return its findings."""
    database = "credit_exposure_uninstall_%s" % os.getpid()
    work = BUILD / database
    shutil.rmtree(work, ignore_errors=True)
    data_dir = work / "data"
    data_dir.mkdir(parents=True)
    template = _template_database()
    try:
        if not (
            template and browser_server.copy_database(template, database, data_dir)
        ):
            browser_server.install_database(database, data_dir, work / "install.log")
        process = _shell(database, data_dir, work / "odoo.log")
        lines = [
            line[len(MARKER) :]
            for line in process.stdout.splitlines()
            if line.startswith(MARKER)
        ]
        log = (
            (work / "odoo.log").read_text(errors="replace")
            if (work / "odoo.log").exists()
            else ""
        )
        assert lines, (
            "The uninstall script printed no result (exit code %s).\n"
            "stdout:\n%s\nstderr:\n%s\nlog tail:\n%s"
            % (
                process.returncode,
                process.stdout[-3000:],
                process.stderr[-3000:],
                "\n".join(log.splitlines()[-60:]),
            )
        )
        yield json.loads(lines[-1])
    finally:
        browser_server.drop_database(database)
        shutil.rmtree(work, ignore_errors=True)


def test_uninstall_before_order_is_blocked_then_released(uninstall_result):
    assert uninstall_result["before_state"] == "sale"
    assert uninstall_result["before_credit_state"] == "blocked"
    assert uninstall_result["released_credit_state"] == "released"
    assert uninstall_result["before_invoice_state"] == "paid"


def test_uninstall_module_is_uninstalled(uninstall_result):
    assert uninstall_result["module_state"] == "uninstalled"


def test_uninstall_old_order_reads(uninstall_result):
    name, state, invoice_status, amount = uninstall_result["old_order"]
    assert name, "the old order has no name"
    assert state == "sale"
    assert invoice_status == "invoiced"
    assert amount == 1000.0


def test_uninstall_old_picking_reads(uninstall_result):
    name, state = uninstall_result["old_picking"]
    assert name, "the old delivery has no name"
    assert state == "done"


def test_uninstall_old_invoice_reads(uninstall_result):
    number, state, residual = uninstall_result["old_invoice"]
    assert number, "the old invoice has no number"
    assert state == "paid"
    assert residual == 0.0


def test_uninstall_new_order_confirms_delivers_invoices(uninstall_result):
    assert uninstall_result["new_order_state"] == "sale"
    assert uninstall_result["new_picking_state"] == "done"
    assert uninstall_result["new_invoice_state"] == "open"
    assert uninstall_result["new_invoice_amount"] == 2000.0


@pytest.mark.parametrize(
    "kind",
    [
        "tables",
        "views",
        "triggers",
        "functions",
        "columns",
        "ir_model_data",
        "ir_model",
        "ir_model_fields",
        "ir_ui_view",
        "ir_act",
        "ir_ui_menu",
        "ir_cron",
        "mail_activity_type",
        "res_groups",
        "ir_rule",
        "ir_config_parameter",
    ],
)
def test_uninstall_leaves_no_orphan(uninstall_result, kind):
    left = uninstall_result[kind]
    assert left == [], "credit_exposure left %s behind after uninstall: %s" % (
        kind,
        left,
    )


def test_uninstall_reinstall_counts_existing_documents(uninstall_result):
    # The open order of 3 x 100 without tax, and the unpaid invoice of 20 x 100.
    assert uninstall_result["reinstalled_figures"] == [300.0, 2000.0]


def test_uninstall_reinstall_computes_open_lines(uninstall_result):
    assert uninstall_result["reinstalled_open_amounts"] == [300.0]


def test_uninstall_reinstall_movements_in_step(uninstall_result):
    assert uninstall_result["reinstalled_differences"] == []


def test_uninstall_reinstall_blocks_again(uninstall_result):
    assert uninstall_result["reinstalled_state"] == "installed"
    assert uninstall_result["reinstalled_order_state"] == "sale"
    assert uninstall_result["reinstalled_credit_state"] == "blocked"
