from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.multi
    def write(self, vals):
        """Reject resetting to draft an open invoice's entry or a reconciled one."""
        if vals.get("state") == "draft":
            posted = self.filtered(lambda move: move.state != "draft")
            posted._credit_check_resettable()
        return super(AccountMove, self).write(vals)

    @api.multi
    def button_cancel(self):
        """Reject cancelling an open invoice's entry or a reconciled one.

        Odoo 11 resets the entries to draft in SQL here, without write().
        """
        self._credit_check_resettable()
        return super(AccountMove, self).button_cancel()

    @api.multi
    def _credit_check_resettable(self):
        """Raise UserError for entries that may not go back to draft."""
        self._credit_check_no_invoice()
        self._credit_check_not_reconciled()

    @api.multi
    def _credit_check_no_invoice(self):
        """Raise UserError for entries of open or paid customer invoices.

        A draft entry leaves the financial exposure while its invoice stays
        open, so its order lines still count as invoiced. Cancelling the
        invoice passes: Odoo 11 sets it to cancelled and detaches the entry
        before cancelling the entry.
        """
        if self.env.uid == SUPERUSER_ID or not self:
            return
        # sudo: a Billing user may not read every invoice of the entries. The
        # invoice_id of the journal items is no guide, because the items of a
        # payment registered from an invoice carry it too.
        open_invoices = (
            self.env["account.invoice"]
            .sudo()
            .search(
                [
                    ("move_id", "in", self.ids),
                    ("type", "in", ("out_invoice", "out_refund")),
                    ("state", "in", ("open", "paid")),
                ]
            )
        )
        if not open_invoices:
            return
        raise UserError(
            _(
                "The journal entry %(entries)s of the customer invoice "
                "%(invoices)s cannot be reset to draft while the invoice is "
                "open or paid. Cancel the invoice instead."
            )
            % {
                "entries": ", ".join(open_invoices.mapped("move_id.name")),
                "invoices": open_invoices._credit_names(),
            }
        )

    @api.multi
    def _credit_check_not_reconciled(self):
        """Raise UserError for entries whose receivable items are reconciled.

        A draft payment entry still reconciled with an invoice leaves the
        invoice paid. Odoo's own cancel of a payment removes the
        reconciliation before it resets the entry.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        # sudo: a Billing user may not read every item of the entries.
        reconciled = self.sudo().filtered(
            lambda move: move.line_ids.filtered(
                lambda line: line.account_id.internal_type == "receivable"
                and (line.matched_debit_ids or line.matched_credit_ids)
            )
        )
        if reconciled:
            raise UserError(
                _(
                    "The journal entry %(entries)s is reconciled with customer "
                    "invoices, so it cannot be reset to draft. Cancel the "
                    "payment, or remove the reconciliation first."
                )
                % {"entries": ", ".join(reconciled.mapped("name"))}
            )
