"""Differences between the benchmark's databases: modules, ceilings, fixtures."""

import logging

from odoo import SUPERUSER_ID

import dataset

_logger = logging.getLogger("credit_exposure.bench")

VARIANTS = ("vanilla", "credit", "oca")
# Module installed on top of the vanilla modules, per variant.
VARIANT_MODULES = {"credit": "credit_exposure", "oca": "sale_financial_risk"}
LABELS = {
    "vanilla": "vanilla Odoo 11",
    "credit": "credit_exposure",
    "oca": "OCA financial risk",
}
# A ceiling that no benchmark customer reaches, so that every check accepts.
HIGH_CEILING = 1e9
# OCA counts a risk component in the total compared with credit_limit only
# when its include flag is set: all of them, so that it does the same work as
# credit_exposure (draft and open invoices, other receivables, open orders).
OCA_INCLUDE_ALL = {
    "risk_invoice_draft_include": True,
    "risk_invoice_open_include": True,
    "risk_invoice_unpaid_include": True,
    "risk_account_amount_include": True,
    "risk_account_amount_unpaid_include": True,
    "risk_sale_order_include": True,
}
# Ceiling of a crowd customer as a share of its opening balance.
CROWD_OVER_SHARE = 0.8
CROWD_NORMAL_SHARE = 3.0


def ceiling_values(variant, ceiling):
    """Return the partner values that set a ceiling in this variant."""
    if variant == "credit":
        return {"credit_management_ceiling": ceiling}
    if variant == "oca":
        return dict(OCA_INCLUDE_ALL, credit_limit=ceiling)
    return {}


def configure_template(variant, env, sizes):
    """Set the ceilings of the history customers and of the crowd."""
    env = env(user=SUPERUSER_ID, context=dict(env.context, **dataset.QUIET_CONTEXT))
    if variant == "vanilla":
        return
    if variant == "credit":
        # Over-ceiling orders are then refused, not only warned about, which
        # the load test relies on.
        env.user.company_id.credit_block_orders = True
    partners = env["res.partner"]
    history = partners.search([("ref", "in", [dataset.history_ref(s) for s in sizes])])
    history.write(ceiling_values(variant, HIGH_CEILING))
    groups = dataset.group_crowd_by_limit(env, CROWD_OVER_SHARE, CROWD_NORMAL_SHARE)
    for ceiling, crowd in sorted(groups.items()):
        crowd.write(ceiling_values(variant, ceiling))
    _logger.info(
        "%s: ceilings set on %d history and %d crowd customers",
        variant,
        len(history),
        sum(len(crowd) for crowd in groups.values()),
    )


class Fixtures(object):
    """Records of one run database that the measurements use, by id."""

    def __init__(self, env, sizes):
        env = env(user=SUPERUSER_ID, context=dict(env.context, **dataset.QUIET_CONTEXT))
        self.env = env
        self.builder = dataset.BaseBuilder(env, dataset.Deadline(0))
        self.builder.ensure_master_data()
        self.sales_uid = self.builder.salesperson.id
        self.history = {}
        for size in sizes:
            partner = env["res.partner"].search(
                [("ref", "=", dataset.history_ref(size))], limit=1
            )
            if partner:
                self.history[size] = partner.id
        self.crowd_ids = dataset.crowd_partners(env).ids

    def draft_order(self, partner_id, quantity=1.0, product=None):
        """Create a one-line quotation and return its id.

        The quotation sells the stocked goods unless `product` is given.
        """
        partner = self.env["res.partner"].browse(partner_id)
        product = product or self.builder.goods
        values = self.builder.order_values(partner, product, 1, quantity)
        return self.env["sale.order"].create(values).id

    def draft_invoice(self, partner_id):
        """Confirm a one-line service order and return the id of its draft invoice."""
        partner = self.env["res.partner"].browse(partner_id)
        values = self.builder.order_values(partner, self.builder.service, 1)
        order = self.env["sale.order"].create(values)
        order.action_confirm()
        return order.action_invoice_create()[0]

    def create_customer(self, ref, name, variant, ceiling):
        partner = self.builder._ensure_customer(ref, name)
        values = ceiling_values(variant, ceiling)
        if values:
            partner.write(values)
        return partner.id

    def commit(self):
        self.env.cr.commit()
