from odoo import api, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    @api.multi
    def create_invoices(self):
        """Refuse to invoice blocked orders, down payments included."""
        orders = self.env["sale.order"].browse(self.env.context.get("active_ids", []))
        orders._credit_check_not_blocked("invoice")
        return super(SaleAdvancePaymentInv, self).create_invoices()

    @api.multi
    def _create_invoice(self, order, so_line, amount):
        """Create the down payment invoice with the order's insured flag."""
        # sale creates the invoice with its line, so the flag must be right at
        # creation: the invoice's create() refuses any other one to a salesperson.
        wizard = self.with_context(default_credit_insured=order.credit_insured)
        return super(SaleAdvancePaymentInv, wizard)._create_invoice(
            order, so_line, amount
        )
