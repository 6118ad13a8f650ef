import collections

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_round

from .. import rules
from . import exposure_sql

# Exposure figures of one commercial partner, in company currency, taxes
# included.
Figures = collections.namedtuple(
    "Figures",
    ["delivery", "insured_delivery", "financial", "insured_financial"],
)
ZERO_FIGURES = Figures(0.0, 0.0, 0.0, 0.0)

# A check merges a customer's movements once they outnumber their keys by this.
MERGE_THRESHOLD = 50


def decide_figures(figures, management_ceiling, insurance_ceiling, **options):
    """Return rules.decide() for a customer's Figures and ceilings.

    The total exposure, checked against the management ceiling, is the
    delivery plus the financial figure, and likewise for the insured total.
    options are passed to rules.decide.
    """
    return rules.decide(
        figures.delivery + figures.financial,
        figures.insured_delivery + figures.insured_financial,
        management_ceiling,
        insurance_ceiling,
        **options,
    )


class CreditExposure(models.AbstractModel):
    """Set-based computation of customers' exposure figures.

    compute_figures() adds up the customers' exposure movements, which
    database triggers keep in step with the documents (see
    credit.exposure.movement). The components, listed by _credit_components(),
    sum the documents themselves, in one SQL query for any number of
    customers, per (commercial partner, currency, insured flag): they check
    the movements and rebuild them. The queries read without record rules, so
    that every user gets the same figures, without access to the documents.
    """

    _name = "credit.exposure"
    _description = "Customer credit exposure computation"

    @api.model
    def _credit_components(self):
        """Return the components as (figure, method name) pairs.

        figure is "delivery" or "financial". Each method takes a tuple of
        commercial partner ids and a company, and returns rows of (partner id,
        currency id, insured, amount in that currency). The movements that
        compute_figures() adds up follow the same documents, through the
        triggers of credit.exposure.movement.
        """
        return [
            ("delivery", "_credit_rows_open_order_lines"),
            ("financial", "_credit_rows_open_receivables"),
            ("financial", "_credit_rows_draft_invoices"),
        ]

    @api.model
    def compute_figures(self, partners, company=None, merge=False):
        """Return {commercial partner id: Figures} for partners' commercial partners.

        The figures are the sums of the customers' exposure movements, so that
        their cost does not grow with the customers' history. Amounts in
        another currency are converted to the company currency at today's
        rate. merge=True also merges the movements read, for a caller that
        holds the customers' lock.
        """
        company = company or self.env.user.company_id
        commercial_ids = self._credit_commercial_ids(partners)
        if not commercial_ids:
            return {}
        currency = company.currency_id
        return self._credit_sum_movements(
            commercial_ids, company.id, currency.id, currency.rounding, merge=merge
        )

    @api.model
    def _credit_sum_movements(
        self, commercial_ids, company_id, currency_id, rounding, merge=False
    ):
        """Return compute_figures() for a tuple of commercial partner ids.

        currency_id and rounding are those of the company's currency. It reads
        no record, so that a caller that has them from SQL saves the ORM reads
        of the company and its currency.
        """
        # The triggers see only what is written: write the stored computed
        # fields still pending in this transaction first.
        self.recompute()
        self.env.cr.execute(
            """
            SELECT partner_id, currency_id, insured, figure, SUM(amount), COUNT(*)
              FROM credit_exposure_movement
             WHERE partner_id IN %s AND company_id = %s
             GROUP BY 1, 2, 3, 4
            """,
            (commercial_ids, company_id),
        )
        rows = self.env.cr.fetchall()
        if merge and sum(row[5] for row in rows) > MERGE_THRESHOLD + len(rows):
            self.env["credit.exposure.movement"]._credit_merge(commercial_ids)
        return self._credit_totals(
            commercial_ids,
            self._credit_converter(company_id, currency_id),
            rounding,
            [
                (figure, (partner_id, currency_id, insured, amount))
                for partner_id, currency_id, insured, figure, amount, _count in rows
            ],
        )

    @api.model
    def _credit_figures_from_documents(self, partners, company=None):
        """Return the same as compute_figures(), summing the documents themselves.

        Its cost grows with the customers' history: it serves to check the
        movements and to compare with them.
        """
        company = company or self.env.user.company_id
        commercial_ids = self._credit_commercial_ids(partners)
        if not commercial_ids:
            return {}
        self.recompute()
        rows = [
            (figure, row)
            for figure, method_name in self._credit_components()
            for row in getattr(self, method_name)(commercial_ids, company)
        ]
        currency = company.currency_id
        return self._credit_totals(
            commercial_ids,
            self._credit_converter(company.id, currency.id),
            currency.rounding,
            rows,
        )

    def _credit_totals(self, commercial_ids, convert, rounding, rows):
        """Add up rows of (figure, (partner id, currency id, insured, amount)).

        convert is a _credit_converter() function, and rounding the company
        currency's rounding, which the totals are rounded to.
        """
        totals = {pid: dict.fromkeys(Figures._fields, 0.0) for pid in commercial_ids}
        for figure, (partner_id, currency_id, insured, amount) in rows:
            amount = convert(currency_id, float(amount or 0.0))
            totals[partner_id][figure] += amount
            if insured:
                totals[partner_id]["insured_" + figure] += amount
        return {
            pid: Figures(
                *(
                    float_round(values[name], precision_rounding=rounding)
                    for name in Figures._fields
                )
            )
            for pid, values in totals.items()
        }

    @api.model
    def _credit_commercial_ids(self, partners):
        """Return the ids of partners' commercial partners saved in the database.

        Records of a form not yet saved have no documents, so they are left out.
        """
        ids = partners.mapped("commercial_partner_id").ids
        return tuple(set(pid for pid in ids if isinstance(pid, int)))

    def _credit_converter(self, company_id, currency_id):
        """Return a function converting (currency id, amount) to currency_id.

        It converts at today's rates of the company company_id.
        """
        company_currency = self.env["res.currency"].browse(currency_id)
        currencies = {}

        def convert(from_currency_id, amount):
            if not amount or not from_currency_id or from_currency_id == currency_id:
                return amount or 0.0
            currency = currencies.get(from_currency_id)
            if currency is None:
                currency = (
                    self.env["res.currency"]
                    .browse(from_currency_id)
                    .with_context(
                        date=fields.Date.context_today(self), company_id=company_id
                    )
                )
                currencies[from_currency_id] = currency
            return currency.compute(amount, company_currency, round=False)

        return convert

    def _credit_component_rows(self, template, where, partner_ids, company):
        """Return (partner id, currency id, insured, amount) rows of a template."""
        query = exposure_sql.component_query(template, where)
        self.env.cr.execute(query, (partner_ids, company.id))
        return [
            (partner_id, currency_id, insured, amount)
            for partner_id, _company, currency_id, insured, _figure, amount in (
                self.env.cr.fetchall()
            )
        ]

    def _credit_rows_open_order_lines(self, partner_ids, company):
        """Return what confirmed orders still have to deliver or invoice.

        The order currency is read from the pricelist: the currency stored on
        order lines is not updated when the pricelist of the order changes.
        """
        return self._credit_component_rows(
            exposure_sql.ORDER_LINES,
            "so.credit_partner_id IN %s AND so.company_id = %s",
            partner_ids,
            company,
        )

    def _credit_rows_open_receivables(self, partner_ids, company):
        """Return the open balance of posted receivable lines.

        A line in a foreign currency counts its residual in that currency, so
        that it converts at today's rate; any other line counts its residual
        in company currency. Unreconciled payments and manual entries count
        too. Only lines of insured invoices count as insured.
        """
        return self._credit_component_rows(
            exposure_sql.RECEIVABLES,
            "partner.commercial_partner_id IN %s AND aml.company_id = %s",
            partner_ids,
            company,
        )

    def _credit_rows_draft_invoices(self, partner_ids, company):
        """Return draft customer invoices.

        Draft credit notes count only once posted, so that a credit note
        drafted and deleted afterwards cannot make room for an order.
        """
        return self._credit_component_rows(
            exposure_sql.DRAFT_INVOICES,
            "inv.commercial_partner_id IN %s AND inv.company_id = %s",
            partner_ids,
            company,
        )

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
            ("credit_draft_amount", "!=", 0.0),
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

    @api.model
    def _credit_check_computed_writes(self, records, vals):
        """Raise AccessError when a user writes a stored computed field of records.

        Odoo 11 stores what is written to a computed field that has no
        inverse, such as an order line's total or an invoice's customer, and
        keeps it until a field it depends on changes. The exposure reads
        those fields, so only the superuser may write them.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        names = []
        for name in vals:
            field = records._fields.get(name)
            if field and field.compute and field.store and not field.inverse:
                names.append(name)
        if not names:
            return
        descriptions = records.fields_get(names, ["string"])
        message = _(
            "The fields %(fields)s of %(records)s are computed, so they cannot "
            "be written directly. Change the values they are computed from "
            "instead."
        )
        if len(names) == 1:
            message = _(
                "The field %(fields)s of %(records)s is computed, so it cannot "
                "be written directly. Change the values it is computed from "
                "instead."
            )
        raise AccessError(
            message
            % {
                "fields": ", ".join(
                    sorted(descriptions[name]["string"] for name in names)
                ),
                "records": self._credit_record_names(records),
            }
        )

    @api.model
    def _credit_record_names(self, records):
        """Return the names of up to five records, for a message."""
        records = records.sudo()[:5]
        if records._name == "account.invoice":
            # A draft invoice's display name is only its type.
            return records._credit_names()
        return ", ".join(records.mapped("display_name"))
