from odoo import api, models

from ..models.account_invoice import REFUND_MODE_KEY


class AccountInvoiceRefund(models.TransientModel):
    _inherit = "account.invoice.refund"

    @api.multi
    def compute_refund(self, mode="refund"):
        """Create the credit notes, telling account.invoice the wizard's mode."""
        wizard = self.with_context(**{REFUND_MODE_KEY: mode})
        return super(AccountInvoiceRefund, wizard).compute_refund(mode=mode)
