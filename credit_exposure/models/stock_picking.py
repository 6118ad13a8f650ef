from odoo import api, fields, models

# Context key set while order lines are procured. procurement_jit then reserves
# the pickings of every order of the lines, blocked orders included, and their
# moves are skipped without the error that Check Availability raises. The key
# reserves nothing: the moves of blocked orders are skipped either way.
PROCUREMENT_KEY = "credit_exposure_procuring"


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Not stored: both follow the order, and storing them would write every
    # new delivery twice more. Related fields stay searchable.

    credit_insured = fields.Boolean(
        string="Insured",
        related="sale_id.credit_insured",
        readonly=True,
    )
    credit_blocked = fields.Boolean(
        string="Credit Blocked",
        related="sale_id.credit_blocked",
        readonly=True,
        help="The sales order is blocked by credit control: this delivery "
        "cannot be reserved or validated until a credit controller releases it.",
    )

    @api.multi
    def action_assign(self):
        """Refuse to reserve stock for a blocked order (Check Availability)."""
        if not self.env.context.get(PROCUREMENT_KEY):
            self.mapped("move_lines")._credit_check_reservable()
        return super(StockPicking, self).action_assign()

    @api.multi
    def force_assign(self):
        """Refuse to force the availability of a blocked order's moves."""
        self.mapped("move_lines")._credit_check_reservable()
        return super(StockPicking, self).force_assign()

    @api.multi
    def button_validate(self):
        """Refuse to open the validation of a blocked delivery."""
        self._credit_check_not_blocked()
        return super(StockPicking, self).button_validate()

    @api.multi
    def action_done(self):
        """Refuse to validate a blocked delivery, whatever the path."""
        self._credit_check_not_blocked()
        return super(StockPicking, self).action_done()

    @api.multi
    def _credit_check_not_blocked(self):
        """Raise UserError for a transfer of a blocked order's goods. Returns pass."""
        self.mapped("move_lines")._credit_check_not_blocked()
