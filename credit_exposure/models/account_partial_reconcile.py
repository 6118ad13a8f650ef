from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import UserError


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model
    def create(self, vals):
        """Reject a reconciliation of journal items of different accounts."""
        partial = super(AccountPartialReconcile, self).create(vals)
        partial._credit_check_same_account()
        return partial

    @api.multi
    def write(self, vals):
        """Reject moving a reconciliation to items of different accounts."""
        result = super(AccountPartialReconcile, self).write(vals)
        if "debit_move_id" in vals or "credit_move_id" in vals:
            self._credit_check_same_account()
        return result

    @api.multi
    def _credit_check_same_account(self):
        """Raise UserError for a reconciliation across two accounts.

        Odoo 11's reconcile() matches items of one account only, but lets a
        Billing user create the record directly, which would pay a receivable
        with an income item and take it off the customer's exposure.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        # sudo: a Billing user may not read every item of the records.
        for partial in self.sudo():
            debit = partial.debit_move_id
            credit = partial.credit_move_id
            if debit.account_id != credit.account_id:
                raise UserError(
                    _(
                        "The journal items %(debit)s and %(credit)s are on the "
                        "accounts %(debit_account)s and %(credit_account)s, so "
                        "they cannot be reconciled together. Reconcile items of "
                        "one account, from the reconciliation screen."
                    )
                    % {
                        "debit": debit.display_name,
                        "credit": credit.display_name,
                        "debit_account": debit.account_id.display_name,
                        "credit_account": credit.account_id.display_name,
                    }
                )
