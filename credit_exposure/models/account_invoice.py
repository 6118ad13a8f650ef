from odoo import _, api, fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    credit_insured = fields.Boolean(
        string="Insured",
        default=True,
        readonly=True,
        states={"draft": [("readonly", False)]},
        track_visibility="onchange",
        help="Count this invoice in the insured financial exposure, checked "
        "against the insurance ceiling. Set from the sales order.",
    )

    @api.multi
    def action_invoice_open(self):
        """Refuse to post an invoice of a blocked order; refunds always pass."""
        invoices = self.filtered(lambda invoice: invoice.type == "out_invoice")
        invoices.mapped("invoice_line_ids.sale_line_ids.order_id")._credit_check_not_blocked(
            _("invoiced")
        )
        return super(AccountInvoice, self).action_invoice_open()
