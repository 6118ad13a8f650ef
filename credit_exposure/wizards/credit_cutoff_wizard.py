from odoo import api, fields, models


class CreditCutoffWizard(models.TransientModel):
    """Dialog in which a credit controller confirms the cut-off of orders.

    It opens from a window action, because Odoo 11 filters the Action menu's
    window actions by their groups but shows server actions to every user.
    """

    _name = "credit.cutoff.wizard"
    _description = "Cut Off Delivery and Invoicing"

    order_ids = fields.Many2many(
        "sale.order",
        string="Orders",
        default=lambda self: self._default_order_ids(),
    )

    @api.model
    def _default_order_ids(self):
        if self.env.context.get("active_model") != "sale.order":
            return self.env["sale.order"]
        return self.env["sale.order"].browse(self.env.context.get("active_ids", []))

    @api.multi
    def action_cut_off(self):
        """Block the orders until a credit controller releases them."""
        self.ensure_one()
        self.order_ids.action_credit_block()
        return {"type": "ir.actions.act_window_close"}
