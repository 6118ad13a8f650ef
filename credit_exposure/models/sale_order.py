import collections

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import rules
from .credit_exposure import ZERO_FIGURES

# Fields that only the addon's own code (as superuser) or a credit controller
# may write: the block itself and what a release records.
PROTECTED_FIELDS = (
    "credit_state",
    "credit_blocked",
    "credit_released_amount",
    "credit_blocked_date",
)

# Context key of the blocking dialog's "Save as blocked" button. It can only
# confirm an order as blocked, never let an order through a check.
ACCEPT_BLOCK_KEY = "credit_exposure_accept_block"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_partner_id = fields.Many2one(
        "res.partner",
        string="Credit Customer",
        related="partner_invoice_id.commercial_partner_id",
        store=True,
        index=True,
        readonly=True,
        help="Commercial partner of the invoice address, whose exposure this "
        "order counts in.",
    )
    credit_insured = fields.Boolean(
        string="Insured",
        default=True,
        readonly=True,
        states={"draft": [("readonly", False)], "sent": [("readonly", False)]},
        track_visibility="onchange",
        help="Count this order, its deliveries and its invoices in the "
        "insured exposure, checked against the insurance ceiling.",
    )
    credit_state = fields.Selection(
        [
            ("ok", "Within Ceilings"),
            ("warned", "Over a Ceiling"),
            ("blocked", "Blocked"),
            ("released", "Released"),
        ],
        string="Credit Status",
        default="ok",
        required=True,
        readonly=True,
        copy=False,
        track_visibility="onchange",
    )
    credit_blocked = fields.Boolean(
        string="Credit Blocked",
        compute="_compute_credit_blocked",
        store=True,
        index=True,
        help="Blocked by credit control: no delivery and no invoice until a "
        "credit controller releases it.",
    )
    credit_released_amount = fields.Monetary(
        string="Released Amount",
        readonly=True,
        copy=False,
        help="Order total when a credit controller released it. If the order "
        "grows beyond it, it is checked again.",
    )
    credit_message = fields.Text(
        string="Credit Check",
        readonly=True,
        copy=False,
        help="Explanation of the last credit warning or block of this order.",
    )
    credit_blocked_date = fields.Datetime(
        string="Blocked On",
        readonly=True,
        copy=False,
        help="When credit control last blocked this order.",
    )

    @api.depends("credit_state")
    def _compute_credit_blocked(self):
        for order in self:
            order.credit_blocked = order.credit_state == "blocked"

    @api.onchange("partner_id", "partner_invoice_id")
    def _onchange_credit_partner(self):
        """Warn when the customer is already over a ceiling."""
        partner = self.partner_invoice_id or self.partner_id
        if not partner or not partner._credit_has_check():
            return {}
        company = self.company_id or self.env.user.company_id
        figures = self.env["credit.exposure"].compute_figures(partner, company)
        commercial = partner.commercial_partner_id
        decision = partner._credit_decide(
            figures.get(commercial.id, ZERO_FIGURES), company
        )
        if not decision.exceeded:
            return {}
        return {
            "warning": {
                "title": _("Customer over a credit ceiling"),
                "message": partner._credit_decision_message(
                    decision, company.currency_id
                ),
            }
        }

    @api.multi
    def write(self, vals):
        if any(name in vals for name in PROTECTED_FIELDS):
            self.env["res.partner"]._credit_check_controller()
        return super(SaleOrder, self).write(vals)

    @api.multi
    def action_confirm(self):
        """Confirm the orders once their customers' credit is checked.

        An order over a ceiling is confirmed with a warning, or, when the
        company blocks orders, the blocking dialog is returned and nothing is
        confirmed; from that dialog the orders are confirmed as blocked.
        """
        decisions = self.filtered(
            lambda order: order.state in ("draft", "sent")
        )._credit_decide_confirmation()
        blocked = self.browse(
            [order.id for order, decision in decisions if decision.action == rules.BLOCK]
        )
        if blocked and not self.env.context.get(ACCEPT_BLOCK_KEY):
            return self._credit_block_dialog(blocked, decisions)
        self._credit_apply_decisions(decisions)
        return super(SaleOrder, self).action_confirm()

    @api.multi
    def action_draft(self):
        """Reset the credit status, so that the next confirmation checks again."""
        result = super(SaleOrder, self).action_draft()
        self.sudo().write(
            {"credit_state": "ok", "credit_released_amount": 0.0, "credit_message": False}
        )
        return result

    @api.multi
    def action_invoice_create(self, grouped=False, final=False):
        """Refuse to invoice blocked orders, and pass the insured flag on."""
        self._credit_check_not_blocked(_("invoiced"))
        invoice_ids = super(SaleOrder, self).action_invoice_create(
            grouped=grouped, final=final
        )
        for invoice in self.env["account.invoice"].browse(invoice_ids):
            orders = invoice.invoice_line_ids.mapped("sale_line_ids.order_id")
            insured = all(orders.mapped("credit_insured"))
            if invoice.credit_insured != insured:
                invoice.credit_insured = insured
        return invoice_ids

    @api.multi
    def credit_release(self, reason):
        """Release blocked orders, recording the reason, and start their deliveries.

        Raise AccessError for a user outside the credit controller group and
        UserError for an empty reason or an order that is not blocked.
        """
        self.env["res.partner"]._credit_check_controller()
        if not reason or not reason.strip():
            raise UserError(
                _("Enter the reason for releasing %(orders)s: a release needs one.")
                % {"orders": ", ".join(self.mapped("name"))}
            )
        not_blocked = self.filtered(lambda order: order.credit_state != "blocked")
        if not_blocked:
            raise UserError(
                _("%(orders)s is not blocked, so there is nothing to release.")
                % {"orders": ", ".join(not_blocked.mapped("name"))}
            )
        figures_by_company = {}
        for order in self:
            company = order.company_id
            if company not in figures_by_company:
                figures_by_company[company] = self.env[
                    "credit.exposure"
                ].compute_figures(self.mapped("credit_partner_id"), company)
            figures = figures_by_company[company].get(
                order.credit_partner_id.id, ZERO_FIGURES
            )
            self.env["credit.release.log"].sudo()._credit_record(order, reason, figures)
            order.sudo().write(
                {
                    "credit_state": "released",
                    "credit_released_amount": order.amount_total,
                }
            )
            order.message_post(
                body=_("Credit block released by %(user)s: %(reason)s")
                % {"user": self.env.user.name, "reason": reason.strip()}
            )
        self.mapped("order_line")._action_launch_procurement_rule()
        return True

    @api.multi
    def _credit_decide_confirmation(self):
        """Return [(order, Decision)] for the orders about to be confirmed.

        Orders confirmed together count cumulatively, each in its own customer's
        exposure. Customers with neither ceiling nor hold are not checked.
        """
        decisions = []
        added = collections.defaultdict(lambda: [0.0, 0.0])
        for company in self.mapped("company_id"):
            orders = self.filtered(lambda order: order.company_id == company)
            partners = orders.mapped("credit_partner_id").filtered(
                lambda partner: partner._credit_has_check()
            )
            if not partners:
                continue
            partners._credit_lock()
            all_figures = self.env["credit.exposure"].compute_figures(partners, company)
            for order in orders.sorted("id"):
                partner = order.credit_partner_id
                if partner not in partners:
                    continue
                figures = all_figures.get(partner.id, ZERO_FIGURES)
                total, insured = added[partner.id]
                amount = order._credit_amount_in(company.currency_id)
                decision = partner._credit_decide(
                    figures._replace(
                        delivery=figures.delivery + total,
                        insured_delivery=figures.insured_delivery + insured,
                    ),
                    company,
                    order_amount=amount,
                    order_insured=order.credit_insured,
                    released_amount=order._credit_released_amount_in(
                        company.currency_id
                    ),
                )
                decisions.append((order, decision))
                added[partner.id][0] += amount
                if order.credit_insured:
                    added[partner.id][1] += amount
        return decisions

    def _credit_amount_in(self, currency):
        """Return the order total converted to currency at today's rate."""
        return self.currency_id.with_context(
            date=fields.Date.context_today(self)
        ).compute(self.amount_total, currency, round=False)

    def _credit_released_amount_in(self, currency):
        if self.credit_state != "released":
            return None
        return self.currency_id.with_context(
            date=fields.Date.context_today(self)
        ).compute(self.credit_released_amount, currency, round=False)

    @api.multi
    def _credit_apply_decisions(self, decisions):
        """Record each decision on its order before it is confirmed."""
        states = {rules.WARN: "warned", rules.BLOCK: "blocked"}
        for order, decision in decisions:
            if decision.action == rules.ACCEPT:
                continue
            message = order.credit_partner_id._credit_decision_message(
                decision, order.company_id.currency_id
            )
            vals = {"credit_state": states[decision.action], "credit_message": message}
            if decision.action == rules.BLOCK:
                vals["credit_blocked_date"] = fields.Datetime.now()
            order.sudo().write(vals)
            if decision.action == rules.BLOCK:
                body = _("Blocked by credit control.")
            else:
                body = _("Confirmed over a credit ceiling.")
            order.message_post(body=u"%s<br/>%s" % (body, message.replace("\n", "<br/>")))

    @api.multi
    def _credit_block_dialog(self, blocked, decisions):
        """Return the action of the dialog that explains why orders would block."""
        messages = [
            u"%s: %s"
            % (order.name, order.credit_partner_id._credit_decision_message(
                decision, order.company_id.currency_id
            ))
            for order, decision in decisions
            if order in blocked
        ]
        wizard = self.env["credit.block.wizard"].create(
            {"order_ids": [(6, 0, self.ids)], "message": "\n\n".join(messages)}
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit ceiling exceeded"),
            "res_model": "credit.block.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.multi
    def _credit_check_not_blocked(self, operation):
        """Raise UserError if any order is blocked; operation names what is refused."""
        blocked = self.filtered("credit_blocked")
        if blocked:
            raise UserError(
                _(
                    "%(orders)s is blocked by credit control and cannot be "
                    "%(operation)s. A member of the Credit Controller group can "
                    "release it from Sales > Credit Control > Blocked Orders."
                )
                % {"orders": ", ".join(blocked.mapped("name")), "operation": operation}
            )
