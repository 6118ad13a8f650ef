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
        """Pass the order's insured flag on to its down payment invoice."""
        invoice = super(SaleAdvancePaymentInv, self)._create_invoice(
            order, so_line, amount
        )
        if invoice.credit_insured != order.credit_insured:
            invoice.sudo().credit_insured = order.credit_insured
        return invoice
