from odoo import api, fields, models, tools

from .credit_payment_delay import PAYMENT_PARTS_SQL


class CreditKeyFigure(models.Model):
    """Credit control key figures per company and month (SQL view).

    The exposure figures come from the month's last snapshot in
    credit.exposure.history. The order counts are of the orders confirmed or
    blocked during the month, and the payment delay is of the invoices paid
    during the month.
    """

    _name = "credit.key.figure"
    _description = "Credit Control Key Figures"
    _auto = False
    _rec_name = "month"
    _order = "month desc, company_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True)
    snapshot_date = fields.Date(
        group_operator="max",
        readonly=True,
        help="Date of the month's last exposure snapshot, which the month's "
        "exposure figures come from.",
    )
    # A month-end balance, which a sum over months would overstate, so grouped
    # rows show the maximum.
    total_exposure = fields.Monetary(group_operator="max", readonly=True)
    overrun_customer_count = fields.Integer(
        string="Customers over a Ceiling",
        group_operator="max",
        readonly=True,
        help="Customers over a ceiling at the month's last snapshot.",
    )
    overrun_order_count = fields.Integer(
        string="Orders over a Ceiling",
        readonly=True,
        help="Orders confirmed during the month over a credit ceiling, "
        "warned, blocked or released.",
    )
    blocked_order_count = fields.Integer(
        string="Blocked Orders",
        readonly=True,
        help="Orders blocked by credit control during the month.",
    )
    paid_amount = fields.Monetary(
        readonly=True,
        help="Invoice amounts paid during the month, in company currency.",
    )
    average_payment_delay = fields.Float(
        string="Average Payment Delay (Days)",
        digits=(16, 1),
        group_operator=False,
        readonly=True,
        help="Days from the invoice date to the payment date of the invoices "
        "paid during the month, weighted by the amount paid.",
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE VIEW %s AS (%s)" % (self._table, self._credit_view_query())
        )

    def _credit_view_query(self):
        return """
            WITH last_snapshot AS (
                SELECT company_id, date_trunc('month', date)::date AS month,
                       MAX(date) AS snapshot_date
                  FROM credit_exposure_history
                 GROUP BY 1, 2
            ),
            exposure AS (
                SELECT last_snapshot.company_id, last_snapshot.month,
                       last_snapshot.snapshot_date,
                       SUM(history.total_exposure) AS total_exposure,
                       COUNT(*) FILTER (WHERE history.overrun > 0)
                           AS overrun_customer_count
                  FROM last_snapshot
                  JOIN credit_exposure_history history
                    ON history.company_id = last_snapshot.company_id
                   AND history.date = last_snapshot.snapshot_date
                 GROUP BY 1, 2, 3
            ),
            overrun_order AS (
                -- An order confirmed without a confirmation date (imported,
                -- or confirmed by a custom flow) counts in its order month.
                SELECT company_id,
                       date_trunc('month', COALESCE(confirmation_date,
                                                    date_order))::date AS month,
                       COUNT(*) AS overrun_order_count
                  FROM sale_order
                 WHERE state IN ('sale', 'done')
                   AND credit_state IN ('warned', 'blocked', 'released')
                 GROUP BY 1, 2
            ),
            blocked_order AS (
                -- The block date as credit_blocked_order defines it.
                SELECT company_id,
                       date_trunc('month', COALESCE(credit_blocked_date,
                                                    confirmation_date,
                                                    create_date))::date AS month,
                       COUNT(*) AS blocked_order_count
                  FROM sale_order
                 WHERE credit_state IN ('blocked', 'released')
                 GROUP BY 1, 2
            ),
            payment AS (
                SELECT company_id, date_trunc('month', payment_date)::date AS month,
                       SUM(amount) AS paid_amount,
                       SUM(amount * delay) / NULLIF(SUM(amount), 0)
                           AS average_payment_delay
                  FROM (%(payment_parts)s) part
                 GROUP BY 1, 2
            ),
            company_month AS (
                SELECT company_id, month FROM exposure
                 UNION SELECT company_id, month FROM overrun_order
                 UNION SELECT company_id, month FROM blocked_order
                 UNION SELECT company_id, month FROM payment
            )
            -- NOTE: the id must fit in a signed 32-bit integer for XML-RPC:
            -- company id x 100,000 + months since year 0, unique and stable
            -- for company ids up to 21,000 and years up to 8,333.
            SELECT (company_month.company_id * 100000
                    + EXTRACT(YEAR FROM company_month.month)::integer * 12
                    + EXTRACT(MONTH FROM company_month.month)::integer - 1)
                       AS id,
                   company_month.company_id, company.currency_id,
                   company_month.month, exposure.snapshot_date,
                   exposure.total_exposure,
                   COALESCE(exposure.overrun_customer_count, 0)
                       AS overrun_customer_count,
                   COALESCE(overrun_order.overrun_order_count, 0)
                       AS overrun_order_count,
                   COALESCE(blocked_order.blocked_order_count, 0)
                       AS blocked_order_count,
                   COALESCE(payment.paid_amount, 0) AS paid_amount,
                   payment.average_payment_delay
              FROM company_month
              JOIN res_company company ON company.id = company_month.company_id
              LEFT JOIN exposure USING (company_id, month)
              LEFT JOIN overrun_order USING (company_id, month)
              LEFT JOIN blocked_order USING (company_id, month)
              LEFT JOIN payment USING (company_id, month)
        """ % {"payment_parts": PAYMENT_PARTS_SQL}
