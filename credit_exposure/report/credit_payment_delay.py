from odoo import api, fields, models, tools

# Reconciled parts of customer invoices, each with its payment date and delay.
# A payment line is a receivable line of an account.payment, registered
# directly or through a bank statement. Refunds and write-offs do not count.
PAYMENT_PARTS_SQL = """
    SELECT part.id, invoice_line.company_id, inv.commercial_partner_id AS partner_id,
           inv.id AS invoice_id, inv.date_invoice AS invoice_date,
           payment_line.date AS payment_date, part.amount,
           payment_line.date - inv.date_invoice AS delay
      FROM account_partial_reconcile part
      JOIN account_move_line invoice_line ON invoice_line.id = part.debit_move_id
      JOIN account_move_line payment_line ON payment_line.id = part.credit_move_id
      JOIN account_invoice inv ON inv.id = invoice_line.invoice_id
      JOIN account_account account ON account.id = invoice_line.account_id
     WHERE inv.type = 'out_invoice'
       AND inv.date_invoice IS NOT NULL
       AND account.internal_type = 'receivable'
       AND payment_line.payment_id IS NOT NULL
"""


class CreditPaymentDelay(models.Model):
    """Average payment delay per customer, and over all customers (SQL view).

    The delay of a payment is its date less the invoice date, in days, and
    the average weights each reconciled part by its amount: an invoice of
    1,000 paid 400 after 10 days and 600 after 30 days has an average delay of
    (400 x 10 + 600 x 30) / 1,000 = 22 days. Each company has one more row,
    without customer, that averages over all its customers.
    """

    _name = "credit.payment.delay"
    _description = "Customer Payment Delay"
    _auto = False
    _rec_name = "partner_id"
    _order = "is_overall desc, average_delay desc, partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    is_overall = fields.Boolean(
        string="All Customers",
        readonly=True,
        help="Row of the whole company, over all customers.",
    )
    paid_amount = fields.Monetary(
        readonly=True,
        help="Invoice amounts paid, in company currency.",
    )
    invoice_count = fields.Integer(string="Paid Invoices", readonly=True)
    # Not summed in grouped lists: a sum of averages means nothing.
    average_delay = fields.Float(
        string="Average Payment Delay (Days)",
        digits=(16, 1),
        group_operator=False,
        readonly=True,
        help="Days from the invoice date to the payment date, weighted by the "
        "amount paid.",
    )
    first_payment_date = fields.Date(
        string="First Payment", group_operator="min", readonly=True
    )
    last_payment_date = fields.Date(
        string="Last Payment", group_operator="max", readonly=True
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            "CREATE VIEW %s AS (%s)" % (self._table, self._credit_view_query())
        )

    def _credit_view_query(self):
        # NOTE: ids must fit XML-RPC's 32-bit integers, hence partner id * 64 +
        # company id (the overall row of a company uses partner 0). That holds
        # for company ids below 64 and partner ids below 33,554,431.
        return """
            WITH part AS (%(payment_parts)s)
            SELECT COALESCE(part.partner_id, 0) * 64 + part.company_id AS id,
                   part.company_id, company.currency_id, part.partner_id,
                   GROUPING(part.partner_id) = 1 AS is_overall,
                   SUM(part.amount) AS paid_amount,
                   COUNT(DISTINCT part.invoice_id) AS invoice_count,
                   SUM(part.amount * part.delay) / NULLIF(SUM(part.amount), 0)
                       AS average_delay,
                   MIN(part.payment_date) AS first_payment_date,
                   MAX(part.payment_date) AS last_payment_date
              FROM part
              JOIN res_company company ON company.id = part.company_id
             GROUP BY GROUPING SETS (
                 (part.company_id, company.currency_id, part.partner_id),
                 (part.company_id, company.currency_id)
             )
        """ % {"payment_parts": PAYMENT_PARTS_SQL}
