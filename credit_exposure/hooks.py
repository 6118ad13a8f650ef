"""Installation and uninstallation hooks.

Installing on a database with years of documents must not compute the addon's
stored fields record by record through the ORM. The pre-init hook creates
their columns and fills them in SQL, so that Odoo finds the columns and
computes nothing. Only order lines still open and draft customer invoices go
through the ORM, in the post-init hook, because their amounts need Odoo's tax
computation. The migration scripts of later versions call the same functions
for the columns they add.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def pre_init_hook(cr):
    """Create and fill in SQL the addon's stored columns on large tables."""
    cr.execute(
        """
        ALTER TABLE sale_order
            ADD COLUMN IF NOT EXISTS credit_partner_id integer,
            ADD COLUMN IF NOT EXISTS credit_blocked boolean;
        ALTER TABLE sale_order_line
            ADD COLUMN IF NOT EXISTS credit_open_amount numeric;
        """
    )
    # An order counts for the commercial partner of its invoice address.
    cr.execute(
        """
        UPDATE sale_order so SET credit_partner_id = partner.commercial_partner_id
          FROM res_partner partner
         WHERE partner.id = so.partner_invoice_id
        """
    )
    # No order is blocked before the addon is installed.
    cr.execute("UPDATE sale_order SET credit_blocked = FALSE")
    # A line adds nothing unless its order is confirmed and it still has a
    # quantity to deliver or invoice. The other lines stay NULL for the ORM.
    cr.execute(
        """
        UPDATE sale_order_line SET credit_open_amount = 0
         WHERE state NOT IN ('sale', 'done')
            OR GREATEST(product_uom_qty, qty_delivered) = qty_invoiced
        """
    )
    _logger.info("credit exposure: %s closed order lines filled", cr.rowcount)
    fill_invoice_draft_amounts(cr)


def fill_invoice_draft_amounts(cr):
    """Create the invoices' draft credit amount, zero but on draft invoices.

    The draft customer invoices stay NULL for compute_null_amounts().
    """
    cr.execute(
        "ALTER TABLE account_invoice "
        "ADD COLUMN IF NOT EXISTS credit_draft_amount numeric"
    )
    cr.execute(
        """
        UPDATE account_invoice SET credit_draft_amount = 0
         WHERE state != 'draft' OR type != 'out_invoice'
        """
    )
    _logger.info("credit exposure: %s invoices filled", cr.rowcount)


def compute_null_amounts(env):
    """Compute through the ORM the open amounts and draft amounts left NULL."""
    for model_name, field_name in (
        ("sale.order.line", "credit_open_amount"),
        ("account.invoice", "credit_draft_amount"),
    ):
        # A numeric field compared with False: its column IS NULL.
        records = env[model_name].search([(field_name, "=", False)])
        if records:
            _logger.info(
                "credit exposure: computing %s of %s records of %s",
                field_name,
                len(records),
                model_name,
            )
            env.add_todo(records._fields[field_name], records)
    # The movement triggers, created before this runs, record the amounts.
    env["sale.order.line"].recompute()


def post_init_hook(cr, registry):
    """Compute through the ORM the amounts that need Odoo's taxes."""
    compute_null_amounts(api.Environment(cr, SUPERUSER_ID, {}))


def uninstall_hook(cr, registry):
    """Drop the exposure triggers before the columns and tables they read."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["credit.exposure.movement"]._credit_drop_triggers()
