from . import models
from . import wizards
from . import report


def uninstall_hook(cr, registry):
    """Drop the exposure triggers before the columns and tables they read."""
    from odoo import SUPERUSER_ID, api

    env = api.Environment(cr, SUPERUSER_ID, {})
    env["credit.exposure.movement"]._credit_drop_triggers()
