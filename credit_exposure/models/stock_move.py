from odoo import api, models

# NOTE: orders blocked after confirmation keep the moves and the upstream
# procurements (purchase, manufacturing) they already have. The block only
# releases the moves' reservations and refuses new ones.


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
    def _action_assign(self):
        """Reserve the moves, except those that would reserve stock for a blocked order.

        The scheduler and chained moves reserve through here, so the moves of
        blocked orders are skipped without an error. The reservation buttons of
        pickings raise one first.
        """
        blocked = self._credit_blocked_reservations()
        return super(StockMove, self - blocked)._action_assign()

    @api.multi
    def _force_assign(self):
        """Mark the moves available, except those of blocked orders."""
        blocked = self._credit_blocked_reservations()
        return super(StockMove, self - blocked)._force_assign()

    @api.multi
    def _action_done(self):
        """Refuse to deliver goods of a blocked order, even move by move."""
        self._credit_check_not_blocked()
        return super(StockMove, self)._action_done()

    @api.multi
    def _credit_check_not_blocked(self, operation="delivery"):
        """Raise UserError for a move that takes stock out for a blocked order.

        Whatever its destination: a delivery turned into an internal transfer
        would ship the goods all the same. Returns come from a customer and
        pass. operation names the refused step in the message.
        """
        blocked = self._credit_blocked_reservations()
        orders = blocked.mapped("group_id.sale_id") | blocked.mapped(
            "sale_line_id.order_id"
        )
        orders._credit_check_not_blocked(operation)

    @api.multi
    def _credit_check_reservable(self):
        """Raise UserError for a move that would reserve stock for a blocked order."""
        self._credit_check_not_blocked("reservation")

    @api.multi
    def _credit_blocked_reservations(self):
        """Return, as superuser, the moves that take stock for a blocked order.

        They are the moves of the order's procurement group, so the picking
        steps before the delivery count too. Moves from a customer, such as
        returns, reserve nothing and pass. One query finds the moves of blocked
        orders, without record rules: a warehouse user may not read orders.
        """
        ids = tuple(move_id for move_id in self.ids if isinstance(move_id, int))
        if not ids:
            return self.browse()
        self.recompute()
        self.env.cr.execute(
            """
            SELECT move.id
              FROM stock_move move
              LEFT JOIN procurement_group grp ON grp.id = move.group_id
              LEFT JOIN sale_order group_order ON group_order.id = grp.sale_id
              LEFT JOIN sale_order_line sol ON sol.id = move.sale_line_id
              LEFT JOIN sale_order line_order ON line_order.id = sol.order_id
             WHERE move.id IN %s
               AND (group_order.credit_blocked OR line_order.credit_blocked)
            """,
            (ids,),
        )
        blocked = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        return blocked.filtered(
            lambda move: not move.location_id.should_bypass_reservation()
        )

    @api.model
    def _credit_unreserve_orders(self, orders):
        """Release, as superuser, the stock reserved by the open moves of orders."""
        moves = self.sudo().search(
            [
                "|",
                ("group_id.sale_id", "in", orders.ids),
                ("sale_line_id.order_id", "in", orders.ids),
                ("state", "in", ("partially_available", "assigned")),
            ]
        )
        moves.filtered(
            lambda move: not move.location_id.should_bypass_reservation()
        )._do_unreserve()
