from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_block_orders = fields.Boolean(
        string="Block Orders over a Credit Ceiling",
        help="When set, confirming an order that takes its customer over a "
        "credit ceiling confirms it as blocked: no delivery and no invoice "
        "until a credit controller releases it. When not set, the order is "
        "confirmed with a warning.",
    )
