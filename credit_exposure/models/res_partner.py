import math

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .. import rules
from .credit_exposure import ZERO_FIGURES, decide_figures

CONTROLLER_GROUP = "credit_exposure.group_credit_controller"

# Fields that only a credit controller may set.
PROTECTED_FIELDS = (
    "credit_management_ceiling",
    "credit_insurance_ceiling",
    "credit_hold",
)
CEILING_FIELDS = ("credit_management_ceiling", "credit_insurance_ceiling")
# Fields whose change can give a partner, and the contacts under it, another
# commercial partner.
COMMERCIAL_FIELDS = ("parent_id", "is_company")
# Larger ceilings are typing errors: no customer owes a quadrillion.
MAX_CEILING = 1e15


def _percentage(amount, ceiling):
    """Return amount as a percentage of ceiling, or 0 without a ceiling."""
    return 100.0 * amount / ceiling if ceiling else 0.0


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_credit_currency_id",
        help="Currency of the ceilings and exposures: the company currency.",
    )
    credit_management_ceiling = fields.Monetary(
        string="Management Ceiling",
        currency_field="credit_currency_id",
        track_visibility="onchange",
        help="Credit the company accepts for this customer, compared with the "
        "total exposure, taxes included. 0 means no ceiling.",
    )
    credit_insurance_ceiling = fields.Monetary(
        string="Insurance Ceiling",
        currency_field="credit_currency_id",
        track_visibility="onchange",
        help="Cover granted by the credit insurer for this customer, compared "
        "with the insured total exposure, taxes included. 0 means no ceiling.",
    )
    credit_hold = fields.Boolean(
        track_visibility="onchange",
        help="Block every new order of this customer, whatever its ceilings.",
    )
    credit_check_count = fields.Integer(
        string="Credit Checks",
        readonly=True,
        copy=False,
        help="Incremented by every credit check of a new order, so that two "
        "concurrent checks of one customer write the same row and PostgreSQL "
        "serialises them.",
    )
    delivery_exposure = fields.Monetary(
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        help="Confirmed orders not yet delivered and deliveries not yet invoiced.",
    )
    insured_delivery_exposure = fields.Monetary(
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
    )
    financial_exposure = fields.Monetary(
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        help="Open receivable balance plus draft invoices. Credit notes count "
        "once posted.",
    )
    insured_financial_exposure = fields.Monetary(
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
    )
    total_exposure = fields.Monetary(
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
    )
    insured_total_exposure = fields.Monetary(
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
    )
    credit_management_usage = fields.Float(
        string="Management Ceiling Used (%)",
        compute="_compute_credit_exposure",
        help="Total exposure as a percentage of the management ceiling, or 0 "
        "without a ceiling.",
    )
    credit_insurance_usage = fields.Float(
        string="Insurance Ceiling Used (%)",
        compute="_compute_credit_exposure",
        help="Insured total exposure as a percentage of the insurance ceiling, "
        "or 0 without a ceiling.",
    )

    def _compute_credit_currency_id(self):
        currency = self.env.user.company_id.currency_id
        for partner in self:
            partner.credit_currency_id = currency

    def _compute_credit_exposure(self):
        """Compute the figures of all partners at once, in the user's company.

        The figures are computed when read, with no stored state, so each new
        request reads every change of an order, delivery, invoice or payment.
        The credit.exposure queries bypass record rules: every user reads the
        same figures.

        NOTE: the values stay cached in the environment until it is
        invalidated, so code that changes documents and then reads the
        figures in the same transaction must call invalidate_cache() first,
        or use credit.exposure.compute_figures().
        """
        company = self.env.user.company_id
        all_figures = self.env["credit.exposure"].compute_figures(self, company)
        currency = company.currency_id
        for partner in self:
            commercial = partner.commercial_partner_id
            figures = all_figures.get(commercial.id, ZERO_FIGURES)
            total = currency.round(figures.delivery + figures.financial)
            insured_total = currency.round(
                figures.insured_delivery + figures.insured_financial
            )
            partner.delivery_exposure = figures.delivery
            partner.insured_delivery_exposure = figures.insured_delivery
            partner.financial_exposure = figures.financial
            partner.insured_financial_exposure = figures.insured_financial
            partner.total_exposure = total
            partner.insured_total_exposure = insured_total
            partner.credit_management_usage = _percentage(
                total, commercial.credit_management_ceiling
            )
            partner.credit_insurance_usage = _percentage(
                insured_total, commercial.credit_insurance_ceiling
            )

    @api.constrains("credit_management_ceiling", "credit_insurance_ceiling")
    def _check_credit_ceilings(self):
        for partner in self:
            for name in ("credit_management_ceiling", "credit_insurance_ceiling"):
                if partner[name] < 0:
                    raise ValidationError(
                        _(
                            "The %(ceiling)s of %(partner)s is %(amount).2f: a "
                            "ceiling cannot be negative. Enter a positive amount, "
                            "or 0 for no ceiling."
                        )
                        % {
                            "ceiling": self._fields[name].get_description(self.env)[
                                "string"
                            ],
                            "partner": partner.display_name,
                            "amount": partner[name],
                        }
                    )

    @api.model
    def _credit_check_ceiling_values(self, vals):
        """Raise ValidationError for a ceiling that is not a finite amount."""
        for name in CEILING_FIELDS:
            value = vals.get(name)
            if value is None or value is False:
                continue
            try:
                amount = float(value)
            except (TypeError, ValueError):
                amount = None
            if (
                amount is not None
                and math.isfinite(amount)
                and (abs(amount) <= MAX_CEILING)
            ):
                continue
            raise ValidationError(
                _(
                    "The %(ceiling)s cannot be %(value)s. Enter an amount "
                    "between 0 and %(maximum)s, or 0 for no ceiling."
                )
                % {
                    "ceiling": self._fields[name].get_description(self.env)["string"],
                    "value": repr(value),
                    "maximum": "{:,.0f}".format(MAX_CEILING),
                }
            )

    @api.model
    def create(self, vals):
        context = self.env.context
        if any(
            vals.get(name) or context.get("default_" + name)
            for name in PROTECTED_FIELDS
        ):
            self._credit_check_controller(
                self._credit_describe_change(
                    vals,
                    _("the new partner %(name)s") % {"name": vals.get("name") or ""},
                )
            )
        self._credit_check_ceiling_values(vals)
        return super(ResPartner, self).create(vals)

    @api.multi
    def write(self, vals):
        """Check again the open orders of contacts moved to another customer."""
        self.env["credit.exposure"]._credit_check_computed_writes(self, vals)
        if any(name in vals for name in PROTECTED_FIELDS):
            self._credit_check_controller(
                self._credit_describe_change(
                    vals, ", ".join(self.mapped("display_name"))
                )
            )
        self._credit_check_ceiling_values(vals)
        customers = {}
        drafts = self.env["account.invoice"]
        if any(name in vals for name in COMMERCIAL_FIELDS):
            customers = {
                order.id: order.credit_partner_id.id
                for order in self._credit_open_orders()
            }
            drafts = self._credit_draft_invoices()
        before = {invoice.id: invoice.commercial_partner_id for invoice in drafts}
        result = super(ResPartner, self).write(vals)
        if customers:
            self._credit_check_moved_orders(customers)
        if drafts:
            self._credit_check_moved_drafts(drafts, before)
        return result

    @api.multi
    def action_view_credit_order_lines(self):
        """Open the order lines behind the delivery exposure."""
        return self._credit_drill_down(
            "sale.order.line",
            "_credit_domain_open_order_lines",
            _("Open Order Lines"),
            "sale.view_order_line_tree",
        )

    @api.multi
    def action_view_credit_receivables(self):
        """Open the unreconciled receivable lines behind the financial exposure."""
        return self._credit_drill_down(
            "account.move.line",
            "_credit_domain_open_receivables",
            _("Open Receivables"),
            "account.view_move_line_tree",
        )

    @api.multi
    def action_view_credit_draft_invoices(self):
        """Open the draft invoices behind the financial exposure."""
        return self._credit_drill_down(
            "account.invoice",
            "_credit_domain_draft_invoices",
            _("Draft Invoices"),
            "account.invoice_tree",
            "account.invoice_form",
        )

    @api.multi
    def _credit_drill_down(self, model, domain_method, name, tree_view, form_view=None):
        """Return the window action listing the documents behind one figure.

        The documents are read with the user's own rights, so a salesperson
        limited to their own orders gets only those.
        """
        self.ensure_one()
        company = self.env.user.company_id
        domain = getattr(self.env["credit.exposure"], domain_method)(self, company)
        views = [(self.env.ref(tree_view).id, "tree")]
        if form_view:
            views.append((self.env.ref(form_view).id, "form"))
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": ",".join(view_type for _view_id, view_type in views),
            "views": views,
            "domain": domain,
            "context": {"create": False},
        }

    @api.model
    def _credit_is_controller(self):
        """Tell whether the current user may set ceilings and release orders."""
        return self.env.uid == SUPERUSER_ID or self.env.user.has_group(CONTROLLER_GROUP)

    @api.model
    def _credit_check_controller(self, description=None, company=None):
        """Raise AccessError unless the current user is a credit controller.

        description names what was refused, such as "Insured of SO042", and the
        message then also names the controllers of company (the user's
        company by default) to ask.
        """
        if self._credit_is_controller():
            return
        if not description:
            raise AccessError(
                _(
                    "Only a credit controller may change credit ceilings, credit "
                    "holds or blocked orders. Ask a member of the Credit "
                    "Controller group."
                )
            )
        company = company or self.env.user.company_id
        controllers = (
            self.env.ref(CONTROLLER_GROUP)
            .sudo()
            .users.filtered(
                lambda user: user.active
                and not user.share
                and company in user.company_ids
            )
        )
        raise AccessError(
            _(
                "Only a credit controller may change %(change)s. Ask a member of "
                "the Credit Controller group (%(controllers)s)."
            )
            % {
                "change": description,
                "controllers": ", ".join(controllers.mapped("name"))
                or _("no member yet"),
            }
        )

    @api.model
    def _credit_describe_change(self, vals, records):
        """Return "<labels of the protected fields in vals> of <records>"."""
        names = [
            name
            for name in PROTECTED_FIELDS
            if name in vals or ("default_" + name) in self.env.context
        ]
        labels = self.fields_get(names, attributes=["string"])
        return _("%(fields)s of %(records)s") % {
            "fields": ", ".join(labels[name]["string"] for name in names),
            "records": records,
        }

    @api.multi
    def _credit_open_orders(self):
        """Return, as superuser, the open confirmed orders invoiced to these partners.

        Orders invoiced to their contacts, archived ones included, count too.
        An order is open while it has goods to deliver or an amount in the
        delivery exposure.
        """
        orders = (
            self.env["sale.order"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("partner_invoice_id", "child_of", self.ids),
                    ("state", "in", ("sale", "done")),
                ]
            )
        )
        return orders.filtered(
            lambda order: any(order.order_line.mapped("credit_open_amount"))
            or any(
                picking.state not in ("done", "cancel") for picking in order.picking_ids
            )
        )

    @api.multi
    def _credit_draft_invoices(self):
        """Return the draft customer invoices of these partners and their contacts."""
        return (
            self.env["account.invoice"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.ids),
                    ("state", "=", "draft"),
                    ("type", "=", "out_invoice"),
                ]
            )
        )

    @api.model
    def _credit_check_moved_drafts(self, drafts, before):
        """Refuse to move draft invoices to a customer they would block.

        A draft invoice has no order to block, so a move that takes its new
        customer over a ceiling, with blocking on, is for a credit controller
        to make. before maps invoice ids to their customer before the move.
        """
        if self._credit_is_controller():
            return
        self.recompute()
        drafts.invalidate_cache(["commercial_partner_id"], drafts.ids)
        moved = drafts.filtered(
            lambda invoice: invoice.commercial_partner_id != before[invoice.id]
        )
        for company in moved.mapped("company_id"):
            customers = (
                moved.filtered(
                    lambda invoice, company=company: invoice.company_id == company
                )
                .mapped("commercial_partner_id")
                .filtered(lambda customer: customer._credit_has_check())
            )
            if not customers:
                continue
            figures = self.env["credit.exposure"].compute_figures(customers, company)
            for customer in customers:
                decision = customer._credit_decide(
                    figures.get(customer.id, ZERO_FIGURES), company
                )
                if decision.action == rules.BLOCK:
                    raise ValidationError(
                        _(
                            "Moving %(contacts)s takes its draft invoices to "
                            "%(customer)s, which then exceeds a credit ceiling.\n"
                            "%(details)s\nAsk a credit controller to move it, or "
                            "post or cancel the draft invoices first."
                        )
                        % {
                            "contacts": ", ".join(self.mapped("display_name")),
                            "customer": customer.display_name,
                            "details": customer._credit_decision_message(
                                decision, company.currency_id, with_order=False
                            ),
                        }
                    )

    @api.model
    def _credit_check_moved_orders(self, customers):
        """Check again the orders that now count for another customer.

        customers maps order ids to the id of the customer each counted for
        before. As when an order's invoice address changes, a moved order is
        blocked, or marked over a ceiling, if its new customer is over a
        ceiling or on credit hold: a credit controller decides on its release.
        """
        # Inside a parent's write, such as one that adds the contact to its
        # child_ids, Odoo has not recomputed the stored customers yet.
        self.recompute()
        orders = self.env["sale.order"].sudo().browse(list(customers))
        orders.invalidate_cache(["credit_partner_id"], orders.ids)
        moved = orders.filtered(
            lambda order: order.credit_partner_id.id != customers[order.id]
        )
        moved._credit_check_growth(force=True)

    @api.multi
    def _credit_has_check(self):
        """Tell whether this customer is credit checked at all."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return bool(
            partner.credit_hold
            or partner.credit_management_ceiling
            or partner.credit_insurance_ceiling
        )

    @api.multi
    def _credit_lock(self):
        """Serialise concurrent credit checks of these commercial partners.

        Odoo runs transactions in REPEATABLE READ, where a row lock that is
        only taken does not make a concurrent transaction see the new order.
        Updating the row does: the second transaction fails with a
        serialisation error, and Odoo retries it on a fresh snapshot.
        """
        if self:
            self.env.cr.execute(
                "UPDATE res_partner SET credit_check_count = "
                "COALESCE(credit_check_count, 0) + 1 WHERE id IN %s",
                (tuple(self.ids),),
            )

    @api.multi
    def _credit_decide(self, figures, company, order_amount=None, **options):
        """Return the rules' Decision for this customer's figures and a new order.

        figures are the customer's Figures in company currency; options are
        passed to rules.decide (order_insured, released_amount).
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        return decide_figures(
            figures,
            partner.credit_management_ceiling,
            partner.credit_insurance_ceiling,
            rounding=company.currency_id.rounding,
            order_amount=order_amount,
            block_orders=company.credit_block_orders,
            on_hold=partner.credit_hold,
            **options,
        )

    @api.multi
    def _credit_decision_message(self, decision, currency, with_order=True):
        """Return the translated explanation of a warned or blocked decision.

        with_order is true when the decision's exposures include a new order,
        and false when they are the customer's current exposures.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        lines = []
        if decision.on_hold:
            lines.append(
                _(
                    "%(partner)s is on credit hold, so every new order is blocked "
                    "until a credit controller lifts the hold."
                )
                % {"partner": partner.display_name}
            )
        if with_order:
            templates = {
                rules.MANAGEMENT: _(
                    "With this order, the total exposure of %(partner)s would be "
                    "%(exposure)s, over its management ceiling of %(limit)s by "
                    "%(excess)s."
                ),
                rules.INSURANCE: _(
                    "With this order, the insured total exposure of %(partner)s "
                    "would be %(exposure)s, over its insurance ceiling of "
                    "%(limit)s by %(excess)s."
                ),
            }
        else:
            templates = {
                rules.MANAGEMENT: _(
                    "The total exposure of %(partner)s is %(exposure)s, over its "
                    "management ceiling of %(limit)s by %(excess)s."
                ),
                rules.INSURANCE: _(
                    "The insured total exposure of %(partner)s is %(exposure)s, "
                    "over its insurance ceiling of %(limit)s by %(excess)s."
                ),
            }
        for overrun in decision.overruns:
            lines.append(
                templates[overrun.ceiling]
                % {
                    "partner": partner.display_name,
                    "exposure": self._credit_format_amount(overrun.exposure, currency),
                    "limit": self._credit_format_amount(overrun.limit, currency),
                    "excess": self._credit_format_amount(overrun.excess, currency),
                }
            )
        return "\n".join(lines)

    @api.model
    def _credit_format_amount(self, amount, currency):
        """Format amount with its currency symbol, for messages."""
        formatted = "{:,.{digits}f}".format(amount, digits=currency.decimal_places)
        if currency.position == "before":
            return "%s\N{NO-BREAK SPACE}%s" % (currency.symbol, formatted)
        return "%s\N{NO-BREAK SPACE}%s" % (formatted, currency.symbol)
