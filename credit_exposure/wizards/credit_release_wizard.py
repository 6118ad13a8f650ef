from odoo import api, fields, models


class CreditReleaseWizard(models.TransientModel):
    """Dialog in which a credit controller gives the reason for a release."""

    _name = "credit.release.wizard"
    _description = "Release Blocked Orders"

    order_ids = fields.Many2many(
        "sale.order",
        string="Orders",
        default=lambda self: self._default_order_ids(),
    )
    reason = fields.Text(required=True)

    @api.model
    def _default_order_ids(self):
        if self.env.context.get("active_model") != "sale.order":
            return self.env["sale.order"]
        return self.env["sale.order"].browse(self.env.context.get("active_ids", []))

    @api.multi
    def action_release(self):
        """Release the orders with the reason given."""
        self.ensure_one()
        self.order_ids.credit_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
