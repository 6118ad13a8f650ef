from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_block_orders = fields.Boolean(
        related="company_id.credit_block_orders",
        string="Block Orders over a Credit Ceiling",
    )
    credit_risk_threshold = fields.Float(
        related="company_id.credit_risk_threshold",
        string="Credit Risk Threshold (%)",
    )
