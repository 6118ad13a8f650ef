import logging

from odoo import api, fields, models

from .exposure_sql import (
    DRAFT_INVOICES,
    MOVEMENT_COLUMNS,
    ORDER_LINES,
    OWN_ROWS,
    RECEIVABLES,
    TRIGGERS,
)

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

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(
        "res.currency", string="Currency", required=True, ondelete="cascade"
    )
    insured = fields.Boolean(string="Insured")
    figure = fields.Selection(
        [("delivery", "Delivery Exposure"), ("financial", "Financial Exposure")],
        string="Figure",
        required=True,
    )
    amount = fields.Monetary(string="Amount", currency_field="currency_id")

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
        for name, table, templates, columns in TRIGGERS:
            self._credit_create_trigger(name, table, templates, columns)
        self._credit_rebuild()

    def _credit_create_trigger(self, name, table, templates, columns):
        """Create the two trigger functions and the triggers of one table."""
        cr = self.env.cr
        for when, row, sign in (("before", "OLD", -1), ("after", "NEW", 1)):
            function = "credit_exposure_%s_%s" % (name, when)
            statements = "".join(
                "INSERT INTO credit_exposure_movement (%s) %s;\n"
                % (
                    MOVEMENT_COLUMNS,
                    template.format(sign=sign, where=where.format(row=row)),
                )
                for template, where in templates
            )
            # A BEFORE trigger returns the row to write (NEW) or to delete (OLD),
            # and PostgreSQL ignores what an AFTER trigger returns. The body is
            # the addon's own SQL, with no user value in it.
            result = "RETURN NULL;"
            if when == "before":
                result = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
            cr.execute(
                "CREATE OR REPLACE FUNCTION %s() RETURNS trigger "
                "LANGUAGE plpgsql AS $body$\nBEGIN\n%s%s\nEND\n$body$"
                % (function, statements, result)
            )
            changed = " OR ".join(
                "OLD.{0} IS DISTINCT FROM NEW.{0}".format(column) for column in columns
            )
            cr.execute("DROP TRIGGER IF EXISTS %s_update ON %s" % (function, table))
            cr.execute(
                "CREATE TRIGGER %s_update %s UPDATE ON %s FOR EACH ROW WHEN (%s) "
                "EXECUTE PROCEDURE %s()" % (function, when, table, changed, function)
            )
            # A deleted row takes its contributions away. An inserted document
            # row brings its own, while a new parent row has none yet.
            if when == "before":
                event = "DELETE"
            elif name in OWN_ROWS:
                event = "INSERT"
            else:
                continue
            cr.execute("DROP TRIGGER IF EXISTS %s ON %s" % (function, table))
            cr.execute(
                "CREATE TRIGGER %s %s %s ON %s FOR EACH ROW EXECUTE PROCEDURE %s()"
                % (function, when, event, table, function)
            )

    @api.model
    def _credit_rebuild(self):
        """Replace every movement by the contributions of today's documents."""
        cr = self.env.cr
        cr.execute("DELETE FROM credit_exposure_movement")
        for template in (ORDER_LINES, RECEIVABLES, DRAFT_INVOICES):
            cr.execute(
                "INSERT INTO credit_exposure_movement (%s) %s"
                % (MOVEMENT_COLUMNS, template.format(sign=1, where="TRUE"))
            )
        cr.execute("SELECT COUNT(*) FROM credit_exposure_movement")
        _logger.info("credit exposure: %s movements rebuilt", cr.fetchone()[0])

    @api.model
    def _credit_differences(self):
        """Return the keys whose movements do not add up to their documents.

        Rows of (partner id, company id, currency id, insured, figure, sum of
        the movements, sum of the documents): empty when all is in step.
        """
        documents = " UNION ALL ".join(
            template.format(sign=1, where="TRUE")
            for template in (ORDER_LINES, RECEIVABLES, DRAFT_INVOICES)
        )
        self.env.cr.execute(
            """
            WITH movements AS (
                SELECT partner_id, company_id, currency_id, insured, figure,
                       SUM(amount) AS amount
                  FROM credit_exposure_movement
                 GROUP BY 1, 2, 3, 4, 5
            ), documents AS (
                SELECT partner_id, company_id, currency_id, insured, figure,
                       SUM(amount) AS amount
                  FROM ({documents}) AS document ({columns})
                 GROUP BY 1, 2, 3, 4, 5
            )
            SELECT partner_id, company_id, currency_id, insured, figure,
                   movements.amount, documents.amount
              FROM movements
              FULL JOIN documents
             USING (partner_id, company_id, currency_id, insured, figure)
             WHERE COALESCE(movements.amount, 0) != COALESCE(documents.amount, 0)
            """.format(documents=documents, columns=MOVEMENT_COLUMNS)
        )
        return self.env.cr.fetchall()

    @api.model
    def _credit_merge(self, partner_ids=None):
        """Merge the movements of partner_ids, or of every customer, per key.

        The figures stay the same, and each customer keeps one row per key.
        """
        where = "TRUE"
        params = ()
        if partner_ids is not None:
            where = "partner_id IN %s"
            params = (tuple(partner_ids),)
        self.env.cr.execute(
            """
            WITH merged AS (
                DELETE FROM credit_exposure_movement WHERE {where}
                RETURNING {columns}
            )
            INSERT INTO credit_exposure_movement ({columns})
            SELECT partner_id, company_id, currency_id, insured, figure, SUM(amount)
              FROM merged
             GROUP BY 1, 2, 3, 4, 5
            HAVING SUM(amount) != 0
            """.format(where=where, columns=MOVEMENT_COLUMNS),
            params,
        )

    @api.model
    def _credit_merge_all(self):
        """Merge the movements of every customer: the nightly cron's job."""
        self._credit_merge()

    @api.model
    def _credit_drop_triggers(self):
        """Drop the triggers and their functions, before the tables they use."""
        cr = self.env.cr
        for name, _table, _templates, _columns in TRIGGERS:
            for when in ("before", "after"):
                function = "credit_exposure_%s_%s" % (name, when)
                cr.execute("DROP FUNCTION IF EXISTS %s() CASCADE" % function)
