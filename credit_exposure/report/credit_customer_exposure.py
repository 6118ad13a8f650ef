from odoo import api, fields, models, tools

from .credit_exposure_analysis import TODAY_RATES_SQL, TODAY_RATIOS_SQL

RISK_STATES = [
    ("over", "Over a Ceiling"),
    ("at_risk", "Near a Ceiling"),
    ("ok", "Within Ceilings"),
    ("no_ceiling", "No Ceiling"),
]


class CreditCustomerExposure(models.Model):
    """Exposure of each customer against its ceilings (SQL view).

    One row per company and commercial partner that has open exposure, a
    ceiling or a credit hold. The figures are the sums of the customers'
    exposure movements, converted and rounded to the company currency, as
    credit.exposure.compute_figures() adds them up, so that the view's cost
    does not grow with the customers' history. Searching and sorting run in
    SQL.
    """

    _name = "credit.customer.exposure"
    _description = "Customer Credit Exposure"
    _auto = False
    _rec_name = "partner_id"
    _order = "overrun desc, total_exposure desc, partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        help="Salesperson of the customer.",
    )
    team_id = fields.Many2one("crm.team", string="Sales Channel", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    credit_hold = fields.Boolean(readonly=True)
    has_ceiling = fields.Boolean(
        string="Has a Ceiling",
        readonly=True,
        help="The customer has a management or an insurance ceiling. Without "
        "either, and without a credit hold, its orders are not checked.",
    )
    management_ceiling = fields.Monetary(readonly=True)
    insurance_ceiling = fields.Monetary(readonly=True)
    delivery_exposure = fields.Monetary(readonly=True)
    insured_delivery_exposure = fields.Monetary(readonly=True)
    financial_exposure = fields.Monetary(readonly=True)
    insured_financial_exposure = fields.Monetary(readonly=True)
    total_exposure = fields.Monetary(readonly=True)
    insured_total_exposure = fields.Monetary(readonly=True)
    management_usage = fields.Float(
        string="Management Ceiling Used (%)",
        group_operator="max",
        readonly=True,
        help="Total exposure as a percentage of the management ceiling. Empty "
        "without a management ceiling.",
    )
    insurance_usage = fields.Float(
        string="Insurance Ceiling Used (%)",
        group_operator="max",
        readonly=True,
        help="Insured total exposure as a percentage of the insurance ceiling. "
        "Empty without an insurance ceiling.",
    )
    management_overrun = fields.Monetary(
        readonly=True,
        help="Total exposure over the management ceiling, or 0.",
    )
    insurance_overrun = fields.Monetary(
        readonly=True,
        help="Insured total exposure over the insurance ceiling, or 0.",
    )
    overrun = fields.Monetary(
        readonly=True,
        help="The larger of the management and the insurance overruns.",
    )
    risk_state = fields.Selection(
        RISK_STATES,
        string="Risk",
        readonly=True,
        help="Over a Ceiling: an exposure exceeds its ceiling. Near a Ceiling: "
        "an exposure reaches the company's risk threshold share of its "
        "ceiling. No Ceiling: neither ceiling is set.",
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE VIEW %s AS (%s)" % (self._table, self._credit_view_query())
        )

    def _credit_view_query(self):
        # NOTE: the id packs partner and company ids into one stable integer
        # that fits in XML-RPC's signed 32 bits: partner id x 64 + company
        # id, unique while company ids stay below 64 and partner ids below
        # 33,554,431.

        # PostgreSQL cannot estimate how many customers the aggregate returns,
        # and with the ORM's filters it planned loops over it that took 10
        # times longer than computing it once. So the CTEs are MATERIALIZED,
        # a keyword of PostgreSQL 12 and later. Earlier versions always
        # compute a CTE once.
        materialized = ""
        if self.env.cr._cnx.server_version >= 120000:
            materialized = "MATERIALIZED"
        return """
            WITH today_rate AS (%(rates)s),
            today_ratio AS (%(ratios)s),
            -- Keys whose movements add up to zero, such as those of closed
            -- documents not merged yet, are left out.
            movement_sum AS %(materialized)s (
                SELECT company_id, partner_id, currency_id, insured, figure,
                       SUM(amount) AS amount
                  FROM credit_exposure_movement
                 GROUP BY company_id, partner_id, currency_id, insured, figure
                HAVING SUM(amount) != 0
            ),
            movement AS (
                SELECT movement.company_id, movement.partner_id,
                       movement.insured, movement.figure,
                       CASE WHEN movement.currency_id = company.currency_id
                            THEN movement.amount
                            ELSE movement.amount * today_ratio.ratio
                       END AS amount
                  FROM movement_sum movement
                  JOIN res_company company ON company.id = movement.company_id
                  LEFT JOIN today_ratio
                    ON today_ratio.company_id = movement.company_id
                   AND today_ratio.currency_id = movement.currency_id
            ),
            figures AS %(materialized)s (
                -- Customers with a ceiling or a hold count with zero figures
                -- even without open documents, in the same aggregation.
                SELECT company_id, partner_id,
                       SUM(delivery) AS delivery,
                       SUM(insured_delivery) AS insured_delivery,
                       SUM(financial) AS financial,
                       SUM(insured_financial) AS insured_financial
                  FROM (
                    SELECT company_id, partner_id,
                           CASE WHEN figure = 'delivery'
                                THEN amount ELSE 0 END AS delivery,
                           CASE WHEN figure = 'delivery' AND insured
                                THEN amount ELSE 0 END AS insured_delivery,
                           CASE WHEN figure = 'financial'
                                THEN amount ELSE 0 END AS financial,
                           CASE WHEN figure = 'financial' AND insured
                                THEN amount ELSE 0 END AS insured_financial
                      FROM movement
                     UNION ALL
                    SELECT company.id, partner.id, 0, 0, 0, 0
                      FROM res_partner partner
                      JOIN res_company company
                        ON partner.company_id IS NULL
                        OR partner.company_id = company.id
                     WHERE partner.id = partner.commercial_partner_id
                       AND partner.active
                       AND (partner.credit_management_ceiling > 0
                            OR partner.credit_insurance_ceiling > 0
                            OR partner.credit_hold)
                  ) customer_amount
                 GROUP BY company_id, partner_id
            ),
            company_setting AS %(materialized)s (
                SELECT company.id AS company_id, company.currency_id,
                       currency.rounding,
                       COALESCE(company.credit_risk_threshold, 80.0)
                           AS risk_threshold
                  FROM res_company company
                  JOIN res_currency currency ON currency.id = company.currency_id
            ),
            rounded AS (
                SELECT figures.company_id, figures.partner_id,
                       company.currency_id, company.risk_threshold,
                       COALESCE(partner.credit_management_ceiling, 0)
                           AS management_ceiling,
                       COALESCE(partner.credit_insurance_ceiling, 0)
                           AS insurance_ceiling,
                       ROUND(figures.delivery / company.rounding)
                           * company.rounding AS delivery,
                       ROUND(figures.insured_delivery / company.rounding)
                           * company.rounding AS insured_delivery,
                       ROUND(figures.financial / company.rounding)
                           * company.rounding AS financial,
                       ROUND(figures.insured_financial / company.rounding)
                           * company.rounding AS insured_financial
                  FROM figures
                  JOIN company_setting company
                    ON company.company_id = figures.company_id
                  JOIN res_partner partner ON partner.id = figures.partner_id
            ),
            total AS (
                SELECT rounded.*,
                       delivery + financial AS total,
                       insured_delivery + insured_financial AS insured_total
                  FROM rounded
            ),
            overrun AS (
                SELECT total.*,
                       CASE WHEN management_ceiling > 0
                                 AND total > management_ceiling
                            THEN total - management_ceiling ELSE 0
                       END AS management_overrun,
                       CASE WHEN insurance_ceiling > 0
                                 AND insured_total > insurance_ceiling
                            THEN insured_total - insurance_ceiling ELSE 0
                       END AS insurance_overrun,
                       management_ceiling > 0
                           AND total * 100 >= management_ceiling * risk_threshold
                           OR insurance_ceiling > 0
                           AND insured_total * 100
                               >= insurance_ceiling * risk_threshold
                           AS near_ceiling
                  FROM total
            )
            SELECT overrun.partner_id * 64 + overrun.company_id AS id,
                   overrun.company_id, overrun.currency_id, overrun.partner_id,
                   partner.user_id, partner.team_id, partner.country_id,
                   partner.industry_id,
                   COALESCE(partner.credit_hold, FALSE) AS credit_hold,
                   management_ceiling > 0 OR insurance_ceiling > 0 AS has_ceiling,
                   management_ceiling, insurance_ceiling,
                   delivery AS delivery_exposure,
                   insured_delivery AS insured_delivery_exposure,
                   financial AS financial_exposure,
                   insured_financial AS insured_financial_exposure,
                   total AS total_exposure,
                   insured_total AS insured_total_exposure,
                   CASE WHEN management_ceiling > 0
                        THEN ROUND(100 * total / management_ceiling, 2)
                   END AS management_usage,
                   CASE WHEN insurance_ceiling > 0
                        THEN ROUND(100 * insured_total / insurance_ceiling, 2)
                   END AS insurance_usage,
                   management_overrun, insurance_overrun,
                   GREATEST(management_overrun, insurance_overrun) AS overrun,
                   CASE WHEN management_overrun > 0 OR insurance_overrun > 0
                        THEN 'over'
                        WHEN near_ceiling THEN 'at_risk'
                        WHEN management_ceiling > 0 OR insurance_ceiling > 0
                        THEN 'ok'
                        ELSE 'no_ceiling'
                   END AS risk_state
              FROM overrun
              JOIN res_partner partner ON partner.id = overrun.partner_id
        """ % {
            "materialized": materialized,
            "rates": TODAY_RATES_SQL,
            "ratios": TODAY_RATIOS_SQL,
        }
