from odoo import _, api, fields, models

from ..models.sale_order import ACCEPT_BLOCK_KEY


class CreditBlockWizard(models.TransientModel):
    """Dialog shown when confirming orders would take a customer over a ceiling."""

    _name = "credit.block.wizard"
    _description = "Credit Ceiling Exceeded"

    order_ids = fields.Many2many("sale.order", string="Orders", readonly=True)
    message = fields.Text(string="Explanation", readonly=True)

    @api.model
    def _credit_open(self, orders, blocked):
        """Return the action of the dialog for confirming orders.

        blocked lists the (order, Decision) pairs that would block.
        """
        messages = [
            "%s: %s"
            % (
                order.name,
                order.credit_partner_id._credit_decision_message(
                    decision, order.company_id.currency_id
                ),
            )
            for order, decision in blocked
        ]
        wizard = self.create(
            {"order_ids": [(6, 0, orders.ids)], "message": "\n\n".join(messages)}
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit ceiling exceeded"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.multi
    def action_save_blocked(self):
        """Confirm the orders, those over a ceiling as blocked."""
        self.ensure_one()
        self.order_ids.with_context(**{ACCEPT_BLOCK_KEY: True}).action_confirm()
        # Closing the dialog reloads the order or list behind it.
        return {"type": "ir.actions.act_window_close"}
