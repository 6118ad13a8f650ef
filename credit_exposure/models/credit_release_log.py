from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError


class CreditReleaseLog(models.Model):
    """Audit record of a blocked order released by a credit controller."""

    _name = "credit.release.log"
    _description = "Credit Release Log"
    _order = "date desc, id desc"

    # restrict: sale.order.unlink() rejects the deletion of a released order
    # first, with a message, so that the audit trail survives.
    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Released by", required=True, readonly=True
    )
    date = fields.Datetime(required=True, readonly=True)
    reason = fields.Text(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    order_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one(
        "res.currency",
        string="Company Currency",
        related="company_id.currency_id",
        readonly=True,
    )
    order_amount = fields.Monetary(currency_field="order_currency_id", readonly=True)
    total_exposure = fields.Monetary(readonly=True)
    insured_total_exposure = fields.Monetary(readonly=True)
    management_ceiling = fields.Monetary(readonly=True)
    insurance_ceiling = fields.Monetary(readonly=True)

    @api.multi
    def write(self, vals):
        self._check_superuser()
        return super(CreditReleaseLog, self).write(vals)

    @api.multi
    def unlink(self):
        self._check_superuser()
        return super(CreditReleaseLog, self).unlink()

    def _check_superuser(self):
        if self.env.uid != SUPERUSER_ID:
            raise AccessError(
                _(
                    "Credit release logs are an audit trail: they cannot be "
                    "changed or deleted."
                )
            )

    @api.model
    def _credit_record(self, order, reason, figures):
        """Record the release of order, with the customer's figures at that moment."""
        partner = order.credit_partner_id
        return self.create(
            {
                "order_id": order.id,
                "partner_id": partner.id,
                "user_id": order.env.uid,
                "date": fields.Datetime.now(),
                "reason": reason.strip(),
                "company_id": order.company_id.id,
                "order_currency_id": order.currency_id.id,
                "order_amount": order.amount_total,
                "total_exposure": figures.delivery + figures.financial,
                "insured_total_exposure": figures.insured_delivery
                + figures.insured_financial,
                "management_ceiling": partner.credit_management_ceiling,
                "insurance_ceiling": partner.credit_insurance_ceiling,
            }
        )
