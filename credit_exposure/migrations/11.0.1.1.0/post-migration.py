"""Compute the draft credit amount of the draft customer invoices."""

from odoo import SUPERUSER_ID, api
from odoo.addons.credit_exposure.hooks import compute_null_amounts


def migrate(cr, version):
    if version:
        compute_null_amounts(api.Environment(cr, SUPERUSER_ID, {}))
