"""Installation and uninstallation hooks.

Installing on a database with years of documents must not compute the addon's
stored fields record by record through the ORM. The pre-init hook creates
their columns and fills them in SQL, so that Odoo finds the columns and
computes nothing. Only order lines still open go through the ORM, in the
post-init hook, because their amount needs Odoo's tax computation.
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


def post_init_hook(cr, registry):
    """Compute through the ORM the open amount of the lines still open."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT id FROM sale_order_line WHERE credit_open_amount IS NULL")
    lines = env["sale.order.line"].browse([row[0] for row in cr.fetchall()])
    if lines:
        _logger.info("credit exposure: computing %s open order lines", len(lines))
        env.add_todo(lines._fields["credit_open_amount"], lines)
        # The movement triggers, created before this hook, record the amounts.
        lines.recompute()


def uninstall_hook(cr, registry):
    """Drop the exposure triggers before the columns and tables they read."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["credit.exposure.movement"]._credit_drop_triggers()
