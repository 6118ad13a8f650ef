import collections

from odoo import api, fields, models

# Exposure figures of one commercial partner, in company currency, taxes
# included.
Figures = collections.namedtuple(
    "Figures",
    ["delivery", "insured_delivery", "financial", "insured_financial"],
)
ZERO_FIGURES = Figures(0.0, 0.0, 0.0, 0.0)


class CreditExposure(models.AbstractModel):
    """Set-based computation of customers' exposure figures.

    Each component returns, in one SQL query for any number of customers, the
    amounts per (commercial partner, currency, insured flag). The components
    are listed by _credit_components(), which an extending addon overrides to
    add its own. The queries read the documents without record rules, so that
    every user gets the same figures, without access to the documents.
    """

    _name = "credit.exposure"
    _description = "Customer credit exposure computation"

    @api.model
    def _credit_components(self):
        """Return the components as (figure, method name) pairs.

        figure is "delivery" or "financial". Each method takes a tuple of
        commercial partner ids and a company, and returns rows of (partner id,
        currency id, insured, amount in that currency).
        """
        return [
            ("delivery", "_credit_rows_open_order_lines"),
            ("financial", "_credit_rows_open_receivables"),
            ("financial", "_credit_rows_draft_invoices"),
        ]

    @api.model
    def compute_figures(self, partners, company=None):
        """Return {commercial partner id: Figures} for partners' commercial partners.

        Amounts in another currency are converted to the company currency at
        today's rate.
        """
        company = company or self.env.user.company_id
        commercial_ids = self._credit_commercial_ids(partners)
        if not commercial_ids:
            return {}
        totals = {pid: dict.fromkeys(Figures._fields, 0.0) for pid in commercial_ids}
        # Raw SQL reads the tables: write the stored computed fields still
        # pending in this transaction first.
        self.recompute()
        convert = self._credit_converter(company)
        for figure, method_name in self._credit_components():
            rows = getattr(self, method_name)(commercial_ids, company)
            for partner_id, currency_id, insured, amount in rows:
                amount = convert(currency_id, amount)
                totals[partner_id][figure] += amount
                if insured:
                    totals[partner_id]["insured_" + figure] += amount
        currency = company.currency_id
        return {
            pid: Figures(*(currency.round(values[name]) for name in Figures._fields))
            for pid, values in totals.items()
        }

    @api.model
    def _credit_commercial_ids(self, partners):
        """Return the ids of partners' commercial partners saved in the database.

        Records of a form not yet saved have no documents, so they are left out.
        """
        ids = partners.mapped("commercial_partner_id").ids
        return tuple(set(pid for pid in ids if isinstance(pid, int)))

    def _credit_converter(self, company):
        """Return a function converting (currency id, amount) to company currency."""
        company_currency = company.currency_id
        currencies = {}

        def convert(currency_id, amount):
            if not amount or not currency_id or currency_id == company_currency.id:
                return amount or 0.0
            currency = currencies.get(currency_id)
            if currency is None:
                currency = (
                    self.env["res.currency"]
                    .browse(currency_id)
                    .with_context(
                        date=fields.Date.context_today(self), company_id=company.id
                    )
                )
                currencies[currency_id] = currency
            return currency.compute(amount, company_currency, round=False)

        return convert

    def _credit_rows_open_order_lines(self, partner_ids, company):
        """Return what confirmed orders still have to deliver or invoice.

        The order currency is read from the pricelist: the currency stored on
        order lines is not updated when the pricelist of the order changes.
        """
        self.env.cr.execute(
            """
            SELECT so.credit_partner_id, pricelist.currency_id, so.credit_insured,
                   SUM(sol.credit_open_amount)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_pricelist pricelist ON pricelist.id = so.pricelist_id
             WHERE so.credit_partner_id IN %s
               AND so.company_id = %s
               AND so.state IN ('sale', 'done')
               AND sol.credit_open_amount != 0
             GROUP BY so.credit_partner_id, pricelist.currency_id, so.credit_insured
            """,
            (partner_ids, company.id),
        )
        return self.env.cr.fetchall()

    def _credit_rows_open_receivables(self, partner_ids, company):
        """Return the open balance of posted receivable lines.

        A line in a foreign currency counts its residual in that currency, so
        that it converts at today's rate; any other line counts its residual
        in company currency. Unreconciled payments and manual entries count
        too. Only lines of insured invoices count as insured.
        """
        self.env.cr.execute(
            """
            SELECT partner.commercial_partner_id,
                   CASE WHEN aml.currency_id IS NOT NULL AND aml.currency_id != %s
                        THEN aml.currency_id ELSE %s END,
                   COALESCE(inv.credit_insured, FALSE),
                   SUM(CASE WHEN aml.currency_id IS NOT NULL AND aml.currency_id != %s
                            THEN aml.amount_residual_currency
                            ELSE aml.amount_residual END)
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN account_move move ON move.id = aml.move_id
              JOIN res_partner partner ON partner.id = aml.partner_id
              LEFT JOIN account_invoice inv ON inv.id = aml.invoice_id
             WHERE partner.commercial_partner_id IN %s
               AND aml.company_id = %s
               AND account.internal_type = 'receivable'
               AND move.state = 'posted'
               AND aml.reconciled IS NOT TRUE
             GROUP BY 1, 2, 3
            """,
            (
                company.currency_id.id,
                company.currency_id.id,
                company.currency_id.id,
                partner_ids,
                company.id,
            ),
        )
        return self.env.cr.fetchall()

    def _credit_rows_draft_invoices(self, partner_ids, company):
        """Return draft customer invoices.

        Draft credit notes count only once posted, so that a credit note
        drafted and deleted afterwards cannot make room for an order.
        """
        self.env.cr.execute(
            """
            SELECT inv.commercial_partner_id, inv.currency_id, inv.credit_insured,
                   SUM(inv.amount_total)
              FROM account_invoice inv
             WHERE inv.commercial_partner_id IN %s
               AND inv.company_id = %s
               AND inv.state = 'draft'
               AND inv.type = 'out_invoice'
             GROUP BY 1, 2, 3
            """,
            (partner_ids, company.id),
        )
        return self.env.cr.fetchall()

    # Domains of the documents behind each figure, for the drill-down buttons
    # of the customer form. They select what the components above sum.

    @api.model
    def _credit_domain_open_order_lines(self, partner, company):
        """Return the domain of partner's order lines in the delivery exposure."""
        return [
            ("order_id.credit_partner_id", "=", partner.commercial_partner_id.id),
            ("order_id.company_id", "=", company.id),
            ("state", "in", ("sale", "done")),
            ("credit_open_amount", "!=", 0.0),
        ]

    @api.model
    def _credit_domain_open_receivables(self, partner, company):
        """Return the domain of partner's open receivable lines."""
        return [
            ("partner_id", "in", self._credit_contact_ids(partner)),
            ("company_id", "=", company.id),
            ("account_id.internal_type", "=", "receivable"),
            ("move_id.state", "=", "posted"),
            ("reconciled", "=", False),
        ]

    @api.model
    def _credit_domain_draft_invoices(self, partner, company):
        """Return the domain of partner's draft customer invoices."""
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("state", "=", "draft"),
            ("type", "=", "out_invoice"),
        ]

    @api.model
    def _credit_contact_ids(self, partner):
        """Return the ids of the commercial partner and all its contacts.

        Archived contacts are included: their documents still count.
        """
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("commercial_partner_id", "=", partner.commercial_partner_id.id)])
            .ids
        )
