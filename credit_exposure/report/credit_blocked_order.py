from odoo import _, api, fields, models, tools

from .credit_exposure_analysis import TODAY_RATES_SQL


class CreditBlockedOrder(models.Model):
    """Orders blocked by credit control, still blocked or released (SQL view).

    One row per order whose credit status is blocked or released, with how
    long it has been (or was) blocked and its customer's current overrun.
    """

    _name = "credit.blocked.order"
    _description = "Blocked Order"
    _auto = False
    _rec_name = "order_id"
    _order = "blocked_date desc, id desc"

    order_id = fields.Many2one("sale.order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    order_currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Channel", readonly=True)
    credit_state = fields.Selection(
        [("blocked", "Blocked"), ("released", "Released")],
        string="Credit Status",
        readonly=True,
    )
    order_amount = fields.Monetary(currency_field="order_currency_id", readonly=True)
    amount = fields.Monetary(
        readonly=True,
        help="Order total converted to the company currency at today's rate.",
    )
    overrun = fields.Monetary(
        string="Customer Overrun",
        readonly=True,
        help="How far the customer's exposure is over its ceilings now.",
    )
    blocked_date = fields.Datetime(
        string="Blocked On",
        readonly=True,
        help="When credit control blocked the order, or its confirmation date "
        "for an order blocked before that date was recorded.",
    )
    release_date = fields.Datetime(string="Released On", readonly=True)
    days_blocked = fields.Integer(
        group_operator="max",
        readonly=True,
        help="Days from the block to the release, or to today while blocked.",
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE VIEW %s AS (%s)" % (self._table, self._credit_view_query())
        )

    def _credit_view_query(self):
        return """
            WITH today_rate AS (%(rates)s),
            release AS (
                SELECT order_id, MAX(date) AS release_date
                  FROM credit_release_log
                 GROUP BY order_id
            ),
            blocked AS (
                -- sale_order.currency_id is not stored: read the pricelist's.
                SELECT so.*, pricelist.currency_id AS order_currency_id,
                       COALESCE(so.credit_blocked_date, so.confirmation_date,
                                so.create_date) AS blocked_date,
                       CASE WHEN so.credit_state = 'released'
                            THEN release.release_date END AS release_date
                  FROM sale_order so
                  JOIN product_pricelist pricelist ON pricelist.id = so.pricelist_id
                  LEFT JOIN release ON release.order_id = so.id
                 WHERE so.credit_state IN ('blocked', 'released')
            )
            SELECT blocked.id, blocked.id AS order_id, blocked.company_id,
                   company.currency_id, blocked.order_currency_id,
                   blocked.credit_partner_id AS partner_id, blocked.user_id,
                   blocked.team_id, blocked.credit_state,
                   blocked.amount_total AS order_amount,
                   ROUND(CASE WHEN blocked.order_currency_id = company.currency_id
                              THEN blocked.amount_total
                              ELSE blocked.amount_total * company_rate.rate
                                   / order_rate.rate END
                         / currency.rounding) * currency.rounding AS amount,
                   COALESCE(customer.overrun, 0) AS overrun,
                   blocked.blocked_date, blocked.release_date,
                   GREATEST(COALESCE(blocked.release_date::date, CURRENT_DATE)
                            - blocked.blocked_date::date, 0) AS days_blocked
              FROM blocked
              JOIN res_company company ON company.id = blocked.company_id
              JOIN res_currency currency ON currency.id = company.currency_id
              JOIN today_rate company_rate
                ON company_rate.company_id = blocked.company_id
               AND company_rate.currency_id = company.currency_id
              JOIN today_rate order_rate
                ON order_rate.company_id = blocked.company_id
               AND order_rate.currency_id = blocked.order_currency_id
              LEFT JOIN credit_customer_exposure customer
                ON customer.company_id = blocked.company_id
               AND customer.partner_id = blocked.credit_partner_id
        """ % {"rates": TODAY_RATES_SQL}

    @api.multi
    def action_release(self):
        """Open the release dialog for the orders of these rows."""
        self.env["res.partner"]._credit_check_controller()
        action = self.env.ref("credit_exposure.credit_release_wizard_action").read()[0]
        action["name"] = _("Release Credit Block")
        order_ids = self.mapped("order_id").ids
        action["context"] = {
            "active_model": "sale.order",
            "active_ids": order_ids,
            "default_order_ids": [(6, 0, order_ids)],
        }
        return action

    @api.multi
    def action_open_order(self):
        """Open the order of this row."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
