from odoo import api, fields, models

from .stock_picking import PROCUREMENT_KEY


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    credit_open_amount = fields.Monetary(
        string="Open Credit Amount",
        compute="_compute_credit_open_amount",
        store=True,
        help="What this line still adds to its customer's delivery exposure, "
        "taxes included, in the order currency: the larger of the ordered and "
        "delivered quantities, less the invoiced quantity (draft invoices "
        "included, credit notes once posted), at the discounted unit price. "
        "Zero unless the order is "
        "confirmed. Negative when more is invoiced than ordered or delivered, "
        "as on a down payment line, so that the invoice is counted once.",
    )

    @api.depends(
        "state",
        "product_uom_qty",
        "qty_delivered",
        "qty_invoiced",
        "invoice_lines.invoice_id.state",
        "invoice_lines.quantity",
        "price_unit",
        "discount",
        "tax_id",
    )
    def _compute_credit_open_amount(self):
        for line in self:
            if line.state not in ("sale", "done"):
                line.credit_open_amount = 0.0
                continue
            invoiced = line.qty_invoiced + line._credit_draft_refund_quantity()
            quantity = max(line.product_uom_qty, line.qty_delivered) - invoiced
            if not quantity:
                line.credit_open_amount = 0.0
                continue
            order = line.order_id
            price = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
            taxes = line.tax_id.compute_all(
                price,
                order.currency_id,
                quantity,
                product=line.product_id,
                partner=order.partner_shipping_id,
            )
            line.credit_open_amount = taxes["total_included"]

    @api.model
    def create(self, vals):
        """Check again a confirmed order that a new line makes grow."""
        if not self.env.context.get("recompute", True):
            # The check reads the order total that the new line changes.
            return self.with_context(recompute=True).create(vals)
        procuring = self.with_context(**{PROCUREMENT_KEY: True})
        line = super(SaleOrderLine, procuring).create(vals)
        line = self.browse(line.id)
        line.order_id._credit_check_growth()
        return line

    @api.multi
    def write(self, vals):
        """Check again the confirmed orders that grew, e.g. by a higher price."""
        if not self.env.context.get("recompute", True):
            # The check reads the order total that the change makes grow.
            return self.with_context(recompute=True).write(vals)
        procuring = self.with_context(**{PROCUREMENT_KEY: True})
        result = super(SaleOrderLine, procuring).write(vals)
        self.mapped("order_id")._credit_check_growth()
        return result

    @api.multi
    def _action_launch_procurement_rule(self):
        """Hold back the procurement of blocked orders until their release.

        sale_stock procures a higher quantity inside write(), so the order is
        checked again here first, and blocked before its goods are procured.
        """
        self.mapped("order_id")._credit_check_growth()
        lines = self.filtered(lambda line: not line.order_id.credit_blocked)
        return super(SaleOrderLine, lines)._action_launch_procurement_rule()

    @api.multi
    def _credit_draft_refund_quantity(self):
        """Return the quantity of the line's draft credit notes, in the line's unit.

        sale's qty_invoiced deducts them, but a draft credit note lowers no
        exposure until it is posted.
        """
        self.ensure_one()
        quantity = 0.0
        # sudo: the figures do not depend on who may read the credit notes.
        for invoice_line in self.sudo().invoice_lines:
            invoice = invoice_line.invoice_id
            if invoice.type == "out_refund" and invoice.state == "draft":
                quantity += invoice_line.uom_id._compute_quantity(
                    invoice_line.quantity, self.product_uom
                )
        return quantity
