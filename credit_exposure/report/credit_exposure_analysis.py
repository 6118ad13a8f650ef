from odoo import api, fields, models, tools

# Latest rate of each currency for each company on the current date, as
# res.currency._compute_current_rate() reads it in Odoo 11: a company-specific
# rate before a shared one, a missing or zero rate counting as 1.
TODAY_RATES_SQL = """
    SELECT company.id AS company_id, currency.id AS currency_id,
           COALESCE(NULLIF((
               SELECT rate.rate
                 FROM res_currency_rate rate
                WHERE rate.currency_id = currency.id
                  AND rate.name <= CURRENT_DATE
                  AND (rate.company_id IS NULL OR rate.company_id = company.id)
                ORDER BY rate.company_id, rate.name DESC
                LIMIT 1
           ), 0), 1.0) AS rate
      FROM res_company company
     CROSS JOIN res_currency currency
"""

# The ratio converting an amount in currency_id to the company currency, at the
# rates of TODAY_RATES_SQL, which must be the CTE today_rate.
TODAY_RATIOS_SQL = """
    SELECT document_rate.company_id, document_rate.currency_id,
           company_rate.rate / document_rate.rate AS ratio
      FROM today_rate document_rate
      JOIN res_company company
        ON company.id = document_rate.company_id
      JOIN today_rate company_rate
        ON company_rate.company_id = company.id
       AND company_rate.currency_id = company.currency_id
"""

# The keys sort in age order, which is the order of the pivot's columns.
AGES = [
    ("0_not_invoiced", "Not Invoiced"),
    ("1_not_due", "Not Due"),
    ("2_1_30", "1-30 Days Overdue"),
    ("3_31_60", "31-60 Days Overdue"),
    ("4_61_90", "61-90 Days Overdue"),
    ("5_over_90", "Over 90 Days Overdue"),
]


class CreditExposureAnalysis(models.Model):
    """Exposure of customers, one row per open document (SQL view).

    The rows are those that credit.exposure.compute_figures() adds up: open
    confirmed orders, open receivable lines and draft invoices
    (credit notes count once posted), converted to company currency at
    today's rate. Summed per
    commercial partner and company, they give the same four figures.
    """

    _name = "credit.exposure.analysis"
    _description = "Credit Exposure Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "partner_id, date desc, id"

    source = fields.Selection(
        [
            ("order", "Open Order Line"),
            ("receivable", "Open Receivable"),
            ("draft_invoice", "Draft Invoice"),
        ],
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        help="Salesperson of the order or invoice, or else of the customer.",
    )
    team_id = fields.Many2one("crm.team", string="Sales Channel", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    category_id = fields.Many2one(
        "res.partner.category",
        string="Customer Tag",
        readonly=True,
        help="First tag of the customer (lowest id), so that each amount "
        "counts once.",
    )
    order_id = fields.Many2one("sale.order", readonly=True)
    invoice_id = fields.Many2one("account.invoice", readonly=True)
    date = fields.Date(string="Document Date", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    age = fields.Selection(AGES, readonly=True)
    days_overdue = fields.Integer(group_operator="max", readonly=True)
    insured = fields.Boolean(readonly=True)
    delivery_exposure = fields.Monetary(readonly=True)
    insured_delivery_exposure = fields.Monetary(readonly=True)
    financial_exposure = fields.Monetary(readonly=True)
    insured_financial_exposure = fields.Monetary(readonly=True)
    total_exposure = fields.Monetary(readonly=True)
    insured_total_exposure = fields.Monetary(readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE VIEW %s AS (%s)" % (self._table, self._credit_view_query())
        )

    @api.model
    def _credit_sources(self):
        """Return the SQL queries of the exposure sources, joined by UNION ALL.

        Each query returns id, source, company_id, company_currency_id,
        partner_id (commercial partner), currency_id, insured, figure
        ('delivery' or 'financial'), amount (in currency_id), user_id, team_id,
        order_id, invoice_id, date and date_maturity. Ids are line ids spread
        over the sources (3 x id + source number) so that they stay unique and
        stable. An addon that adds a component to credit.exposure adds its query
        here too.
        """
        return [
            self._credit_source_open_order_lines(),
            self._credit_source_open_receivables(),
            self._credit_source_draft_invoices(),
        ]

    def _credit_source_open_order_lines(self):
        # One row per order, since an order counts no less than zero, as in
        # exposure_sql.ORDER_LINES.
        return """
            SELECT so.id * 3 AS id, 'order' AS source, so.company_id,
                   company.currency_id AS company_currency_id,
                   so.credit_partner_id AS partner_id,
                   pricelist.currency_id AS currency_id,
                   so.credit_insured AS insured, 'delivery' AS figure,
                   open_line.amount, so.user_id, so.team_id,
                   so.id AS order_id, NULL::integer AS invoice_id,
                   so.date_order::date AS date, NULL::date AS date_maturity
              FROM sale_order so
              JOIN product_pricelist pricelist ON pricelist.id = so.pricelist_id
              JOIN res_company company ON company.id = so.company_id
             CROSS JOIN LATERAL (
                   SELECT GREATEST(SUM(sol.credit_open_amount), 0) AS amount
                     FROM sale_order_line sol
                    WHERE sol.order_id = so.id
                   ) open_line
             WHERE so.state IN ('sale', 'done')
               AND so.credit_partner_id IS NOT NULL
               AND open_line.amount != 0
        """

    def _credit_source_open_receivables(self):
        return """
            SELECT aml.id * 3 + 1 AS id, 'receivable' AS source, aml.company_id,
                   company.currency_id AS company_currency_id,
                   partner.commercial_partner_id AS partner_id,
                   CASE WHEN aml.currency_id IS NOT NULL
                             AND aml.currency_id != company.currency_id
                        THEN aml.currency_id ELSE company.currency_id END,
                   COALESCE(inv.credit_insured, FALSE) AS insured,
                   'financial' AS figure,
                   CASE WHEN aml.currency_id IS NOT NULL
                             AND aml.currency_id != company.currency_id
                        THEN aml.amount_residual_currency
                        ELSE aml.amount_residual END AS amount,
                   inv.user_id, inv.team_id, NULL::integer AS order_id,
                   aml.invoice_id, aml.date, aml.date_maturity
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN account_move move ON move.id = aml.move_id
              JOIN res_partner partner ON partner.id = aml.partner_id
              JOIN res_company company ON company.id = aml.company_id
              LEFT JOIN account_invoice inv ON inv.id = aml.invoice_id
             WHERE account.internal_type = 'receivable'
               AND move.state = 'posted'
               AND aml.reconciled IS NOT TRUE
        """

    def _credit_source_draft_invoices(self):
        # A draft is not due yet, whatever due date it shows: no date_maturity.
        return """
            SELECT inv.id * 3 + 2 AS id, 'draft_invoice' AS source,
                   inv.company_id, company.currency_id AS company_currency_id,
                   inv.commercial_partner_id AS partner_id,
                   inv.currency_id, inv.credit_insured AS insured,
                   'financial' AS figure,
                   inv.credit_draft_amount AS amount,
                   inv.user_id, inv.team_id, NULL::integer AS order_id,
                   inv.id AS invoice_id,
                   COALESCE(inv.date_invoice, inv.create_date::date) AS date,
                   NULL::date AS date_maturity
              FROM account_invoice inv
              JOIN res_company company ON company.id = inv.company_id
             WHERE inv.state = 'draft'
               AND inv.type = 'out_invoice'
               AND inv.credit_draft_amount != 0
        """

    def _credit_view_query(self):
        # NOTE: rates and ages use the database server's CURRENT_DATE, but the
        # Python figures use the user's time zone. Both can differ for a few
        # hours around midnight.
        # PostgreSQL has no statistics on the columns of the UNION ALL, so it
        # misestimates joins on them and may loop over one side for each row
        # of the other. Hence the sources carry the company currency, the
        # conversion is one join on (company, currency) of a table of ratios,
        # and the customer join is a LEFT JOIN, which PostgreSQL drops when no
        # customer column is read.
        return """
            WITH today_rate AS (%(rates)s),
            today_ratio AS (%(ratios)s),
            source AS (%(sources)s),
            converted AS (
                SELECT source.*,
                       CASE WHEN source.currency_id = source.company_currency_id
                            THEN source.amount
                            ELSE source.amount * today_ratio.ratio
                       END AS company_amount,
                       CURRENT_DATE - source.date_maturity AS days_overdue
                  FROM source
                  LEFT JOIN today_ratio
                    ON today_ratio.company_id = source.company_id
                   AND today_ratio.currency_id = source.currency_id
            )
            SELECT converted.id, converted.source, converted.company_id,
                   converted.company_currency_id AS currency_id,
                   converted.partner_id,
                   COALESCE(converted.user_id, customer.user_id) AS user_id,
                   COALESCE(converted.team_id, customer.team_id) AS team_id,
                   customer.country_id, customer.industry_id,
                   (SELECT MIN(tag.category_id)
                      FROM res_partner_res_partner_category_rel tag
                     WHERE tag.partner_id = converted.partner_id)
                       AS category_id,
                   converted.order_id, converted.invoice_id, converted.date,
                   converted.date_maturity,
                   CASE WHEN converted.source = 'order' THEN '0_not_invoiced'
                        WHEN converted.days_overdue IS NULL
                             OR converted.days_overdue <= 0 THEN '1_not_due'
                        WHEN converted.days_overdue <= 30 THEN '2_1_30'
                        WHEN converted.days_overdue <= 60 THEN '3_31_60'
                        WHEN converted.days_overdue <= 90 THEN '4_61_90'
                        ELSE '5_over_90'
                   END AS age,
                   GREATEST(converted.days_overdue, 0) AS days_overdue,
                   converted.insured,
                   CASE WHEN converted.figure = 'delivery'
                        THEN converted.company_amount ELSE 0 END
                       AS delivery_exposure,
                   CASE WHEN converted.figure = 'delivery' AND converted.insured
                        THEN converted.company_amount ELSE 0 END
                       AS insured_delivery_exposure,
                   CASE WHEN converted.figure = 'financial'
                        THEN converted.company_amount ELSE 0 END
                       AS financial_exposure,
                   CASE WHEN converted.figure = 'financial' AND converted.insured
                        THEN converted.company_amount ELSE 0 END
                       AS insured_financial_exposure,
                   converted.company_amount AS total_exposure,
                   CASE WHEN converted.insured
                        THEN converted.company_amount ELSE 0 END
                       AS insured_total_exposure
              FROM converted
              LEFT JOIN res_partner customer ON customer.id = converted.partner_id
        """ % {
            "rates": TODAY_RATES_SQL,
            "ratios": TODAY_RATIOS_SQL,
            "sources": " UNION ALL ".join(self._credit_sources()),
        }
