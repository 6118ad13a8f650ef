from odoo import api, models


# NOTE: a blocked order's deliveries can still be reserved, only validating
# them is refused. Orders blocked after confirmation keep the moves and the
# upstream procurements (purchase, manufacturing) they already have.


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.multi
    def _action_done(self):
        """Refuse to deliver goods of a blocked order, even move by move."""
        # sudo: a warehouse user may not read the sales order.
        deliveries = self.sudo().filtered(
            lambda move: move.sale_line_id and move.location_dest_id.usage == "customer"
        )
        deliveries.mapped("sale_line_id.order_id")._credit_check_not_blocked("delivery")
        return super(StockMove, self)._action_done()
