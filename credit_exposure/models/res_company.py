from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_block_orders = fields.Boolean(
        string="Block Orders over a Credit Ceiling",
        help="When set, confirming an order that takes its customer over a "
        "credit ceiling confirms it as blocked: no delivery and no invoice "
        "until a credit controller releases it. When not set, the order is "
        "confirmed with a warning.",
    )
    credit_risk_threshold = fields.Float(
        string="Credit Risk Threshold (%)",
        default=80.0,
        help="Share of a credit ceiling, in percent, from which a customer's "
        "exposure lists it among the customers at risk.",
    )

    @api.constrains("credit_risk_threshold")
    def _check_credit_risk_threshold(self):
        for company in self:
            if not 0.0 < company.credit_risk_threshold <= 100.0:
                raise ValidationError(
                    _(
                        "The credit risk threshold of %(company)s is %(threshold)s "
                        "%%: enter a percentage above 0 and at most 100."
                    )
                    % {
                        "company": company.name,
                        "threshold": company.credit_risk_threshold,
                    }
                )
