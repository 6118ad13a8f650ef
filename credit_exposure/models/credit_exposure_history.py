import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# Figures and ceilings copied from the credit_customer_exposure view.
SNAPSHOT_COLUMNS = (
    "company_id",
    "currency_id",
    "partner_id",
    "user_id",
    "management_ceiling",
    "insurance_ceiling",
    "delivery_exposure",
    "insured_delivery_exposure",
    "financial_exposure",
    "insured_financial_exposure",
    "total_exposure",
    "insured_total_exposure",
    "overrun",
)


class CreditExposureHistory(models.Model):
    """Daily snapshot of each customer's exposure figures and ceilings."""

    _name = "credit.exposure.history"
    _description = "Credit Exposure History"
    _rec_name = "partner_id"
    _order = "date desc, partner_id"

    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    management_ceiling = fields.Monetary(group_operator="avg", readonly=True)
    insurance_ceiling = fields.Monetary(group_operator="avg", readonly=True)
    delivery_exposure = fields.Monetary(readonly=True)
    insured_delivery_exposure = fields.Monetary(readonly=True)
    financial_exposure = fields.Monetary(readonly=True)
    insured_financial_exposure = fields.Monetary(readonly=True)
    total_exposure = fields.Monetary(readonly=True)
    insured_total_exposure = fields.Monetary(readonly=True)
    overrun = fields.Monetary(readonly=True)

    _sql_constraints = [
        (
            "date_partner_company_unique",
            "UNIQUE (date, partner_id, company_id)",
            "A customer has one exposure snapshot per company and day.",
        )
    ]

    @api.model
    def _credit_snapshot(self, date=None):
        """Record today's (or date's) figures of every customer, replacing any
        snapshot already taken that day, so that running it twice is harmless.

        Return the number of customers recorded.
        """
        date = date or fields.Date.context_today(self)
        self.check_access_rights("create")
        # The view is read without record rules: flush the stored fields it
        # reads first.
        self.recompute()
        columns = ", ".join(SNAPSHOT_COLUMNS)
        self.env.cr.execute(
            "DELETE FROM credit_exposure_history WHERE date = %s", (date,)
        )
        self.env.cr.execute(
            """
            INSERT INTO credit_exposure_history
                   (date, create_uid, create_date, write_uid, write_date, {columns})
            SELECT %s, %s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC',
                   {columns}
              FROM credit_customer_exposure
             WHERE total_exposure != 0 OR insured_total_exposure != 0
                OR has_ceiling OR credit_hold
            """.format(columns=columns),
            (date, self.env.uid, self.env.uid),
        )
        count = self.env.cr.rowcount
        self.invalidate_cache()
        _logger.info("Credit exposure snapshot of %s: %s customers", date, count)
        return count
