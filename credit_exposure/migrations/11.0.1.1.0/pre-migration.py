"""Create and fill in SQL the draft credit amount of the invoices.

Without the column, the update would compute it record by record for every
invoice of the database.
"""

from odoo.addons.credit_exposure.hooks import fill_invoice_draft_amounts


def migrate(cr, version):
    if version:
        fill_invoice_draft_amounts(cr)
