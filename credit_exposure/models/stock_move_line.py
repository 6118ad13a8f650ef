from odoo import api, models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    @api.multi
    def write(self, vals):
        """Refuse to change the done quantity of a blocked order's delivery."""
        # On a done move, the done quantity becomes the delivered quantity.
        if "qty_done" in vals:
            self.filtered(lambda line: line.move_id.state == "done").mapped(
                "move_id"
            )._credit_check_not_blocked()
        return super(StockMoveLine, self).write(vals)
