from odoo import api, models

# NOTE: a blocked order's deliveries can still be reserved, only validating
# them is refused. Orders blocked after confirmation keep the moves and the
# upstream procurements (purchase, manufacturing) they already have.


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.multi
    def write(self, vals):
        """Refuse to mark a blocked order's delivery done or raise its quantity."""
        if vals.get("state") == "done":
            self.filtered(lambda move: move.state != "done")._credit_check_not_blocked()
        if "product_uom_qty" in vals:
            self.filtered(lambda move: move.state == "done")._credit_check_not_blocked()
        return super(StockMove, self).write(vals)

    @api.multi
    def _action_done(self):
        """Refuse to deliver goods of a blocked order, even move by move."""
        self._credit_check_not_blocked()
        return super(StockMove, self)._action_done()

    @api.multi
    def _credit_check_not_blocked(self):
        """Raise UserError for a customer delivery move of a blocked order."""
        # sudo: a warehouse user may not read the sales order.
        deliveries = self.sudo().filtered(
            lambda move: move.sale_line_id and move.location_dest_id.usage == "customer"
        )
        deliveries.mapped("sale_line_id.order_id")._credit_check_not_blocked("delivery")
