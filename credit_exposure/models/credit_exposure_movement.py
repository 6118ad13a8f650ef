import logging

from odoo import api, fields, models

from . import exposure_sql

_logger = logging.getLogger(__name__)


class CreditExposureMovement(models.Model):
    """A change of a customer's exposure, written by database triggers.

    The sum of a customer's movements per currency, insured flag and figure is
    its exposure in that currency. The movements of a customer are merged into
    one row per key when a check reads them, and every night for all.
    """

    _name = "credit.exposure.movement"
    _description = "Customer credit exposure movement"
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    currency_id = fields.Many2one("res.currency", required=True, ondelete="cascade")
    insured = fields.Boolean()
    figure = fields.Selection(
        [("delivery", "Delivery Exposure"), ("financial", "Financial Exposure")],
        required=True,
    )
    amount = fields.Monetary(currency_field="currency_id")

    @api.model_cr
    def init(self):
        """Create the triggers, then fill the movements from the documents.

        Run at installation and at every update of the addon, so that an
        update also repairs the movements.
        """
        cr = self.env.cr
        cr.execute(
            "CREATE INDEX IF NOT EXISTS credit_exposure_movement_partner_index"
            " ON credit_exposure_movement (partner_id, company_id)"
        )
        for name, table, templates, columns in exposure_sql.TRIGGERS:
            for statement in exposure_sql.trigger_statements(
                name, table, templates, columns
            ):
                cr.execute(statement)
        self._credit_rebuild()

    @api.model
    def _credit_rebuild(self):
        """Replace every movement by the contributions of today's documents."""
        cr = self.env.cr
        cr.execute("DELETE FROM credit_exposure_movement")
        for statement in exposure_sql.rebuild_statements():
            cr.execute(statement)
        cr.execute("SELECT COUNT(*) FROM credit_exposure_movement")
        _logger.info("credit exposure: %s movements rebuilt", cr.fetchone()[0])

    @api.model
    def _credit_differences(self):
        """Return the keys whose movements do not add up to their documents.

        Rows of (partner id, company id, currency id, insured, figure, sum of
        the movements, sum of the documents): empty when all is in step.
        """
        query = exposure_sql.differences_query()
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    @api.model
    def _credit_merge(self, partner_ids=None):
        """Merge the movements of partner_ids, or of every customer, per key.

        The figures stay the same, and each customer keeps one row per key.
        """
        if partner_ids is None:
            query = exposure_sql.merge_query("TRUE")
            self.env.cr.execute(query)
            return
        query = exposure_sql.merge_query("partner_id IN %s")
        self.env.cr.execute(query, (tuple(partner_ids),))

    @api.model
    def _credit_merge_all(self):
        """Merge the movements of every customer: the nightly cron's job."""
        self._credit_merge()

    @api.model
    def _credit_drop_triggers(self):
        """Drop the triggers and their functions, before the tables they use."""
        for statement in exposure_sql.drop_statements():
            self.env.cr.execute(statement)
