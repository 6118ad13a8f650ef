from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.multi
    def write(self, vals):
        """Reject writes that take a posted receivable from its customer.

        Odoo 11 checks only the amounts, accounts, journal, date and entry of
        the lines of a posted entry, and stores what is written to a computed
        field such as the residual amount or the reconciled flag.
        """
        self.env["credit.exposure"]._credit_check_computed_writes(self, vals)
        if "partner_id" in vals:
            self._credit_check_partner_change(vals["partner_id"])
        if "invoice_id" in vals:
            self._credit_check_invoice_change(vals["invoice_id"])
        return super(AccountMoveLine, self).write(vals)

    @api.multi
    def _credit_posted_receivables(self):
        """Return the lines of posted entries on receivable accounts."""
        return self.filtered(
            lambda line: line.move_id.state == "posted"
            and line.account_id.internal_type == "receivable"
        )

    @api.multi
    def _credit_check_partner_change(self, partner_id):
        """Raise UserError for a posted receivable moved to another customer.

        The line would leave its customer's financial exposure. A line without
        a partner counts for no customer, so giving it one is allowed. This is
        how a payment from an unknown payer is matched to its customer, and a
        Billing user may post such an entry with the partner set anyway.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        partner = self.env["res.partner"].browse(partner_id)
        commercial_partner = partner.commercial_partner_id
        changed = self._credit_posted_receivables().filtered(
            lambda line: line.partner_id
            and line.partner_id.commercial_partner_id != commercial_partner
        )
        if changed:
            raise UserError(
                _(
                    "The customer of the receivable journal items of the posted "
                    "entry %(entries)s cannot change, because they count in the "
                    "credit exposure of %(customers)s. Reverse the entry, then "
                    "post a new one for the right customer."
                )
                % {
                    "entries": ", ".join(sorted(set(changed.mapped("move_id.name")))),
                    "customers": ", ".join(
                        sorted(
                            set(
                                changed.mapped(
                                    "partner_id.commercial_partner_id.display_name"
                                )
                            )
                        )
                    ),
                }
            )

    @api.multi
    def _credit_check_invoice_change(self, invoice_id):
        """Raise UserError for a posted receivable linked to another invoice.

        The line counts as insured when its invoice is insured.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        changed = self._credit_posted_receivables().filtered(
            lambda line: line.invoice_id.id != (invoice_id or False)
        )
        if changed:
            raise UserError(
                _(
                    "The invoice of the receivable journal items of the posted "
                    "entry %(entries)s cannot change. Cancel the invoice, or "
                    "reverse the entry, instead."
                )
                % {"entries": ", ".join(sorted(set(changed.mapped("move_id.name"))))}
            )
