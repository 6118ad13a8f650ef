import collections
from email.utils import formataddr

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tools import float_compare, html_escape, plaintext2html

from .. import rules
from . import exposure_sql
from .credit_exposure import ZERO_FIGURES, decide_figures
from .res_partner import CONTROLLER_GROUP

# Fields that only the addon's own code writes, as superuser, in its release,
# cut-off and confirmation methods: the block, what a release records and what
# the last check accepted. Not even a credit controller may write them directly.
PROTECTED_FIELDS = (
    "credit_state",
    "credit_blocked",
    "credit_released_amount",
    "credit_checked_amount",
    "credit_message",
    "credit_blocked_date",
)

# Context key of the blocking dialog's "Save as blocked" button. It only skips
# the dialog: the orders are still checked, and confirmed as blocked if need be.
ACCEPT_BLOCK_KEY = "credit_exposure_accept_block"

# Context key under which write() raises at a block instead of recording it,
# so that action_confirm() can show the blocking dialog. It cannot skip a
# check: the orders are either refused or checked and recorded.
BLOCK_DIALOG_KEY = "credit_exposure_block_dialog"

# States an order leaves when it is confirmed, and the confirmed states.
QUOTATION_STATES = ("draft", "sent", "cancel")
CONFIRMED_STATES = ("sale", "done")


class CreditBlockDialog(UserError):
    """Raised by write() when action_confirm() is to show the blocking dialog."""

    def __init__(self, blocked):
        super(CreditBlockDialog, self).__init__(
            _("An order is over a credit ceiling: confirm it from its form.")
        )
        self.blocked = blocked


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
    credit_checked_amount = fields.Monetary(
        string="Checked Amount",
        readonly=True,
        copy=False,
        help="Order total accepted by the last credit check or release. When a "
        "confirmed order grows beyond it, it is checked again.",
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

    @api.onchange("partner_invoice_id")
    def _onchange_credit_partner(self):
        """Warn when the customer is on credit hold or already over a ceiling.

        Changing the customer sets its invoice address, which triggers this
        once. Triggering it on partner_id as well would repeat the warning.
        """
        partner = self.partner_invoice_id or self.partner_id
        if not partner or not partner._credit_has_check():
            return {}
        company = self.company_id or self.env.user.company_id
        figures = self.env["credit.exposure"].compute_figures(partner, company)
        commercial = partner.commercial_partner_id
        decision = partner._credit_decide(
            figures.get(commercial.id, ZERO_FIGURES), company
        )
        if not decision.exceeded and not decision.on_hold:
            return {}
        return {
            "warning": {
                "title": _("Customer over a credit ceiling"),
                "message": partner._credit_decision_message(
                    decision, company.currency_id, with_order=False
                ),
            }
        }

    @api.model_cr_context
    def _init_column(self, column_name):
        """Count the orders found at installation as checked for their total.

        Otherwise the next edit of any confirmed order would check it again.
        """
        if column_name != "credit_checked_amount":
            return super(SaleOrder, self)._init_column(column_name)
        self.env.cr.execute(
            "UPDATE sale_order SET credit_checked_amount = amount_total"
        )

    @api.model
    def create(self, vals):
        """Check an order created directly in a confirmed state."""
        if not self.env.context.get("recompute", True):
            # The check reads and the block writes stored computed fields.
            return self.with_context(recompute=True).create(vals)
        self._credit_check_protected(vals)
        state = vals.get("state", self.env.context.get("default_state"))
        if state in CONFIRMED_STATES and not vals.get("confirmation_date"):
            # sale_stock's procurement, which runs inside create() for the
            # lines of a confirmed order, reads the confirmation date.
            vals = dict(vals, confirmation_date=fields.Datetime.now())
        order = super(SaleOrder, self).create(vals)
        order._credit_check_growth(force=True)
        return order

    @api.multi
    def unlink(self):
        """Reject the deletion of orders that credit release logs record."""
        # sudo: a sales manager may not read every release log.
        logs = (
            self.env["credit.release.log"].sudo().search([("order_id", "in", self.ids)])
        )
        if logs:
            raise UserError(
                _(
                    "The sales order %(orders)s cannot be deleted, because credit "
                    "release logs record its release. They are an audit trail "
                    "that only the superuser may delete. Keep the order "
                    "cancelled instead."
                )
                % {"orders": ", ".join(logs.mapped("order_id.name"))}
            )
        return super(SaleOrder, self).unlink()

    @api.multi
    def write(self, vals):
        """Check orders confirmed by any path, and reset reopened ones.

        The check runs here, on the change of state, so that writing the state
        over RPC is checked like the Confirm button.
        """
        if not self.env.context.get("recompute", True):
            # Without recomputation, the stored credit_blocked and the lines'
            # credit_open_amount would keep their values from before the check.
            return self.with_context(recompute=True).write(vals)
        self._credit_check_protected(vals)
        self.env["credit.exposure"]._credit_check_computed_writes(self, vals)
        self._credit_check_insured(vals)
        self._credit_check_fixed_terms(vals)
        state = vals.get("state")
        self._credit_check_reopening(state)
        confirmed = reopened = cancelled = self.browse()
        if state in CONFIRMED_STATES:
            confirmed = self.filtered(lambda order: order.state in QUOTATION_STATES)
        elif state == "draft":
            reopened = self.filtered(lambda order: order.state == "cancel")
        elif state == "cancel":
            # As sale_stock's action_cancel does, so that writing the state
            # cannot leave a delivery open: a delivered order is refused.
            pickings = self.mapped("picking_ids").filtered(
                lambda picking: picking.state != "cancel"
            )
            if pickings:
                pickings.action_cancel()
            cancelled = self.filtered("credit_blocked")
        if confirmed:
            decisions = confirmed._credit_decisions()
            if self.env.context.get(BLOCK_DIALOG_KEY):
                blocked = [
                    (order, decision)
                    for order, decision in decisions
                    if decision and decision.action == rules.BLOCK
                ]
                if blocked:
                    raise CreditBlockDialog(blocked)
            confirmed._credit_record_decisions(decisions)
        result = super(SaleOrder, self).write(vals)
        if confirmed and not vals.get("confirmation_date"):
            confirmed._credit_set_confirmation_date()
        if reopened:
            reopened.sudo().write(
                {
                    "credit_state": "ok",
                    "credit_released_amount": 0.0,
                    "credit_checked_amount": 0.0,
                    "credit_message": False,
                }
            )
        if cancelled:
            # A cancelled order is out of the exposure, so its block is lifted.
            # The chatter keeps the history of the block.
            cancelled.sudo().write({"credit_state": "ok"})
            cancelled.sudo()._credit_close_activities(_("The order was cancelled."))
        if "partner_invoice_id" in vals:
            # The order now counts in another customer's exposure.
            self._credit_check_growth(force=True)
        return result

    @api.multi
    def action_confirm(self):
        """Confirm the orders once their customers' credit is checked.

        An order over a ceiling is confirmed with a warning. If an order would
        be blocked, nothing is confirmed and the blocking dialog is returned.
        Its "Save as Blocked" button confirms the orders, blocking those over a
        ceiling.
        """
        if not self.env.context.get("recompute", True):
            return self.with_context(recompute=True).action_confirm()
        if self.env.context.get(ACCEPT_BLOCK_KEY):
            return super(SaleOrder, self).action_confirm()
        # The check runs once, in write(), which stops at a block under this
        # key; the savepoint then undoes what the confirmation had done.
        try:
            with self.env.cr.savepoint():
                return super(
                    SaleOrder, self.with_context(**{BLOCK_DIALOG_KEY: True})
                ).action_confirm()
        except CreditBlockDialog as dialog:
            self.invalidate_cache()
            blocked = [
                (self.browse(order.id), decision) for order, decision in dialog.blocked
            ]
            return self.env["credit.block.wizard"]._credit_open(self, blocked)

    @api.multi
    def _action_confirm(self):
        """Confirm the orders one by one.

        In Odoo 11.0, sale's _action_confirm reads self.order_line and
        self.analytic_account_id on the whole set, so confirming several
        orders at once fails there with "Expected singleton".
        """
        for order in self:
            super(SaleOrder, order)._action_confirm()
        return True

    @api.multi
    def action_invoice_create(self, grouped=False, final=False):
        """Refuse to invoice blocked orders, and pass the insured flag on.

        Insured and uninsured orders are invoiced separately, so that each
        invoice carries the flag of all its orders.
        """
        self._credit_check_not_blocked("invoice")
        groups = [
            orders
            for orders in (
                self.filtered("credit_insured"),
                self.filtered(lambda order: not order.credit_insured),
            )
            if orders._credit_has_lines_to_invoice(final)
        ]
        if not groups:
            # sale raises its own "no invoiceable line" error.
            groups = [self]
        invoice_ids = []
        for orders in groups:
            invoice_ids += super(SaleOrder, orders).action_invoice_create(
                grouped=grouped, final=final
            )
        for invoice in self.env["account.invoice"].browse(invoice_ids):
            orders = invoice.invoice_line_ids.mapped("sale_line_ids.order_id")
            insured = all(orders.mapped("credit_insured"))
            if invoice.credit_insured != insured:
                invoice.sudo().credit_insured = insured
        return invoice_ids

    @api.multi
    def action_credit_block(self):
        """Cut confirmed orders off from delivery and invoicing until a release.

        Raise AccessError for a user outside the credit controller group and
        UserError for an order that is not confirmed.
        """
        if not self.env.context.get("recompute", True):
            return self.with_context(recompute=True).action_credit_block()
        self.env["res.partner"]._credit_check_controller()
        not_confirmed = self.filtered(lambda order: order.state not in CONFIRMED_STATES)
        if not_confirmed:
            raise UserError(
                _(
                    "%(orders)s is not confirmed, so there is no delivery or "
                    "invoicing to cut off. Confirm it first: the credit check "
                    "then blocks it if its customer is over a ceiling."
                )
                % {"orders": ", ".join(not_confirmed.mapped("name"))}
            )
        message = _("Delivery and invoicing cut off by %(user)s.") % {
            "user": self.env.user.name
        }
        for order in self.filtered(lambda order: not order.credit_blocked):
            order._credit_block(message)
        return True

    @api.multi
    def credit_release(self, reason):
        """Release blocked orders, recording the reason, and start their deliveries.

        Raise AccessError for a user outside the credit controller group and
        UserError for an empty reason or an order that is not blocked.
        """
        if not self.env.context.get("recompute", True):
            return self.with_context(recompute=True).credit_release(reason)
        self.env["res.partner"]._credit_check_controller()
        if not reason or not reason.strip():
            raise UserError(
                _("Enter the reason for releasing %(orders)s: a release needs one.")
                % {"orders": ", ".join(self.mapped("name"))}
            )
        reason = reason.strip()
        not_blocked = self.filtered(lambda order: order.credit_state != "blocked")
        if not_blocked:
            raise UserError(
                _("%(orders)s is not blocked, so there is nothing to release.")
                % {"orders": ", ".join(not_blocked.mapped("name"))}
            )
        for company in self.mapped("company_id"):
            orders = self.filtered(
                lambda order, company=company: order.company_id == company
            )
            all_figures = self.env["credit.exposure"].compute_figures(
                orders.mapped("credit_partner_id"), company
            )
            for order in orders:
                figures = all_figures.get(order.credit_partner_id.id, ZERO_FIGURES)
                self.env["credit.release.log"].sudo()._credit_record(
                    order, reason, figures
                )
        for order in self:
            order.sudo().write(
                {
                    "credit_state": "released",
                    "credit_released_amount": order._credit_counted_amount(),
                    "credit_checked_amount": order._credit_counted_amount(),
                }
            )
            order._credit_message_post(
                _("%(user)s released the credit block. Reason: %(reason)s")
                % {
                    "user": html_escape(self.env.user.name),
                    "reason": html_escape(reason),
                }
            )
        self._credit_close_activities(reason)
        self.mapped("order_line")._action_launch_procurement_rule()
        return True

    @api.multi
    def _credit_check_protected(self, vals):
        """Raise AccessError if anyone but the addon's own code sets a credit field.

        Default values passed in the context count as set.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        context = self.env.context
        names = [
            name
            for name in PROTECTED_FIELDS
            if name in vals or ("default_" + name) in context
        ]
        if not names:
            return
        raise AccessError(
            _(
                "%(fields)s of %(orders)s cannot be written directly: only credit "
                "control sets them. Use Release Credit Block to release a blocked "
                "order, or Action > Cut off delivery and invoicing to block a "
                "confirmed one. Confirming an order runs the credit check."
            )
            % {
                "fields": self._credit_field_labels(names),
                "orders": ", ".join(self.mapped("name")) or _("a new order"),
            }
        )

    @api.multi
    def _credit_check_reopening(self, state):
        """Raise UserError when a confirmed order is written back to a quotation.

        A quotation is out of the exposure, so its delivered goods and its
        open lines would make room for other orders. Odoo's own buttons
        only reopen cancelled orders: cancelling first cancels the deliveries.
        """
        if state not in ("draft", "sent") or self.env.uid == SUPERUSER_ID:
            return
        confirmed = self.filtered(lambda order: order.state in CONFIRMED_STATES)
        if confirmed:
            raise UserError(
                _(
                    "The confirmed order %(orders)s cannot go back to quotation. "
                    "Cancel it first, then set it to quotation."
                )
                % {"orders": ", ".join(confirmed.mapped("name"))}
            )

    @api.multi
    def _credit_check_insured(self, vals):
        """Raise AccessError if a non-controller changes Insured on a confirmed order.

        The credit check of the confirmation counted the order as insured or
        not, so changing the flag afterwards would move it out of the insured
        exposure unchecked.
        """
        if "credit_insured" not in vals:
            return
        changed = self.filtered(
            lambda order: order.state in CONFIRMED_STATES
            and order.credit_insured != bool(vals["credit_insured"])
        )
        if changed:
            self.env["res.partner"]._credit_check_controller(
                _("%(field)s of the confirmed order %(orders)s")
                % {
                    "field": self._credit_field_labels(["credit_insured"]),
                    "orders": ", ".join(changed.mapped("name")),
                },
                company=changed[0].company_id,
            )

    @api.multi
    def _credit_check_fixed_terms(self, vals):
        """Raise UserError on a change of pricelist or company of a confirmed order.

        Either change moves the order's amount to another currency or its
        exposure to another company without a new credit check. Setting the
        order back to quotation first makes its next confirmation check it.
        """
        self._credit_check_customer_change(vals)
        names = [name for name in ("pricelist_id", "company_id") if name in vals]
        if not names or self.env.uid == SUPERUSER_ID:
            return
        changed = self.filtered(
            lambda order: order.state in CONFIRMED_STATES
            and any(order[name].id != vals[name] for name in names)
        )
        if changed:
            raise UserError(
                _(
                    "%(fields)s of the confirmed order %(orders)s cannot change, "
                    "because the credit check counted the order with them. "
                    "Cancel the order and set it back to quotation to change "
                    "them: its next confirmation checks it again."
                )
                % {
                    "fields": self._credit_field_labels(names),
                    "orders": ", ".join(changed.mapped("name")),
                }
            )

    @api.multi
    def _credit_check_customer_change(self, vals):
        """Raise UserError when a delivered or invoiced order changes customer.

        Its delivered goods and invoices would leave the customer's exposure,
        and a later change back would only block what is left to deliver. An
        open order may change: it is checked against its new customer.
        """
        partner_id = vals.get("partner_invoice_id")
        if not partner_id or self.env.uid == SUPERUSER_ID:
            return
        customer = self.env["res.partner"].browse(partner_id).commercial_partner_id
        changed = self.filtered(
            lambda order: order.state in CONFIRMED_STATES
            and order.credit_partner_id != customer
            and any(
                line.qty_delivered or line.qty_invoiced for line in order.order_line
            )
        )
        if changed:
            raise UserError(
                _(
                    "The order %(orders)s has delivered or invoiced goods, so "
                    "its invoice address cannot move to another customer. "
                    "Create a new order for %(customer)s instead."
                )
                % {
                    "orders": ", ".join(changed.mapped("name")),
                    "customer": customer.display_name,
                }
            )

    @api.model
    def _credit_field_labels(self, names):
        """Return the labels of the fields in names, separated by commas."""
        labels = self.fields_get(names, attributes=["string"])
        return ", ".join(labels[name]["string"] for name in names)

    @api.multi
    def _credit_set_confirmation_date(self):
        """Set the confirmation date of confirmed orders that have none to now.

        action_confirm sets it, but an order confirmed by writing its state has
        none, and sale_stock's procurement then fails on it. create() sets it
        in the values instead, because the procurement runs inside create().
        """
        undated = self.filtered(
            lambda order: order.state in CONFIRMED_STATES
            and not order.confirmation_date
        )
        if undated:
            undated.sudo().write({"confirmation_date": fields.Datetime.now()})

    @api.multi
    def _credit_check_growth(self, force=False):
        """Check again the confirmed orders that grew beyond their checked amount.

        force checks them whatever their amount, for an order that moved to
        another customer. Blocked orders stay blocked and are not checked.
        """
        if not force:
            self = self.browse(self._credit_changed_ids())
            if not self:
                return
        # sudo: line writes of other flows, such as a warehouse user's delivery
        # updating qty_delivered, come here from users who may not read orders.
        self.sudo()._credit_lower_checked_amounts()
        orders = self.sudo().filtered(
            lambda order: order.state in CONFIRMED_STATES and not order.credit_blocked
        )
        if not force:
            orders = orders.filtered(
                lambda order: order.currency_id.compare_amounts(
                    order._credit_counted_amount(), order.credit_checked_amount
                )
                > 0
            )
        if orders:
            orders = self.browse(orders.ids)
            orders._credit_record_decisions(orders._credit_decisions(confirming=False))

    @api.multi
    def _credit_changed_ids(self):
        """Return the ids of the confirmed orders whose counted total moved.

        One query, without record rules, that leaves out the orders still at
        the counted total of their last check (see _credit_counted_amount):
        most writes of order lines change no total. It keeps every total that
        moved by more than a quarter of the currency's rounding, a superset of
        what compare_amounts sees as moved.
        """
        ids = [order_id for order_id in self.ids if isinstance(order_id, int)]
        if not ids:
            return []
        self.recompute()
        query = exposure_sql.changed_orders_query()
        self.env.cr.execute(query, (tuple(ids),))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.multi
    def _credit_lower_checked_amounts(self):
        """Lower the checked and released amounts of shrunk orders to their total.

        Otherwise an order that shrinks frees room that other orders take,
        and then grows back to its old total would not be checked again.
        """
        for order in self.filtered(lambda order: order.state in CONFIRMED_STATES):
            compare = order.currency_id.compare_amounts
            amount = order._credit_counted_amount()
            vals = {}
            if compare(amount, order.credit_checked_amount) < 0:
                vals["credit_checked_amount"] = amount
            if compare(amount, order.credit_released_amount) < 0:
                vals["credit_released_amount"] = amount
            if vals:
                order.write(vals)

    @api.multi
    def _credit_decisions(self, confirming=True):
        """Return [(order, Decision or None)], under a lock of the customers' rows.

        Orders being confirmed are not in their customers' exposure yet, so
        each adds its total, after the orders before it in the same call.
        Confirmed orders (confirming=False) are already in it, so the decision
        adds nothing, but it still blocks an order of a customer on hold. The
        decision is None for a customer with neither ceiling nor hold.
        """
        facts = self._credit_check_facts()
        company_ids = []
        for order in self:
            company_id = facts[order.id].company_id
            if company_id and company_id not in company_ids:
                company_ids.append(company_id)
        decisions = []
        for company_id in company_ids:
            # Each company has its own exposure, so the orders before this one
            # add up per company.
            added = collections.defaultdict(lambda: [0.0, 0.0])
            orders = sorted(
                (order for order in self if facts[order.id].company_id == company_id),
                key=lambda order: order.id,
            )
            company_facts = [facts[order.id] for order in orders]
            all_figures = self._credit_lock_and_sum(company_facts)
            convert = self.env["credit.exposure"]._credit_converter(
                company_id, company_facts[0].currency_id
            )
            for order, fact in zip(orders, company_facts):
                if fact.partner_id not in all_figures:
                    decisions.append((order, None))
                    continue
                figures = all_figures[fact.partner_id]
                amount = 0.0
                if confirming:
                    total, insured = added[fact.partner_id]
                    figures = figures._replace(
                        delivery=figures.delivery + total,
                        insured_delivery=figures.insured_delivery + insured,
                    )
                    # At the order company's rates, as the exposure figures.
                    amount = convert(fact.order_currency_id, fact.amount)
                    added[fact.partner_id][0] += amount
                    if fact.insured:
                        added[fact.partner_id][1] += amount
                decision = decide_figures(
                    figures,
                    fact.management_ceiling,
                    fact.insurance_ceiling,
                    rounding=fact.rounding,
                    order_amount=amount,
                    order_insured=fact.insured,
                    block_orders=fact.block_orders,
                    on_hold=fact.on_hold,
                )
                decisions.append((order, decision))
        return decisions

    @api.multi
    def _credit_check_facts(self):
        """Return {order id: CheckFacts} of the orders, read in one SQL query.

        The query reads without record rules, as the exposure figures do, so
        that every user gets the same decision. Raise MissingError if an order
        was deleted.
        """
        ids = tuple(set(self.ids))
        if not ids:
            return {}
        # Write the stored computed fields still pending, such as line totals.
        self.recompute()
        query = exposure_sql.check_facts_query()
        self.env.cr.execute(query, (ids,))
        facts = {
            row[0]: exposure_sql.CheckFacts(*row) for row in self.env.cr.fetchall()
        }
        if len(facts) < len(ids):
            raise MissingError(_("Record does not exist or has been deleted."))
        return facts

    @api.model
    def _credit_lock_and_sum(self, company_facts):
        """Lock the checked customers of one company's orders and sum their figures.

        company_facts are the CheckFacts of orders of one company. Return
        {credit partner id: Figures} for the credit partners whose customer
        has a ceiling or a credit hold, which are the ones locked.
        """
        checked = [
            fact
            for fact in company_facts
            if fact.on_hold or fact.management_ceiling or fact.insurance_ceiling
        ]
        if not checked:
            return {}
        partner_ids = set(fact.partner_id for fact in checked)
        self.env["res.partner"].browse(sorted(partner_ids))._credit_lock()
        all_figures = self.env["credit.exposure"]._credit_sum_movements(
            tuple(set(fact.customer_id for fact in checked)),
            checked[0].company_id,
            checked[0].currency_id,
            checked[0].rounding,
            merge=True,
        )
        return {
            partner_id: all_figures.get(partner_id, ZERO_FIGURES)
            for partner_id in partner_ids
        }

    def _credit_counted_amount(self):
        """Return the order total without its lines at a negative price.

        The exposure counts no discount line until it is invoiced, so checks
        and checked amounts leave them out too: otherwise an order could grow
        with its total unchanged. exposure_sql.COUNTED_AMOUNT is the same sum
        in SQL.
        """
        return sum(
            line.price_total
            for line in self.order_line
            if line._credit_discounted_price() >= 0
        )

    @api.multi
    def _credit_record_decisions(self, decisions):
        """Record each decision on its order, and the order total it accepted."""
        # In SQL: the field has no dependants, and a write as superuser would
        # read the orders again in an environment of its own.
        order_ids = list(set(order.id for order, _decision in decisions))
        if order_ids:
            self.recompute()
            query = exposure_sql.record_checked_amounts_query()
            self.env.cr.execute(query, (tuple(order_ids),))
            self.invalidate_cache(["credit_checked_amount"], order_ids)
        for order, decision in decisions:
            if not decision or decision.action == rules.ACCEPT:
                continue
            message = order.credit_partner_id._credit_decision_message(
                decision, order.company_id.currency_id
            )
            if decision.action == rules.BLOCK:
                order._credit_block(message)
                continue
            order.sudo().write({"credit_state": "warned", "credit_message": message})
            order._credit_post(_("Confirmed over a credit ceiling."), message)

    @api.multi
    def _credit_block(self, message):
        """Block the order, tell the chatter, give the controllers an activity
        and release the stock reserved for its deliveries."""
        self.ensure_one()
        self.sudo().write(
            {
                "credit_state": "blocked",
                "credit_message": message,
                "credit_blocked_date": fields.Datetime.now(),
            }
        )
        self._credit_post(_("Blocked by credit control."), message)
        self._credit_schedule_activities(message)
        self.env["stock.move"]._credit_unreserve_orders(self)

    @api.multi
    def _credit_post(self, title, message):
        """Post title and the multi-line message in the order's chatter."""
        self.ensure_one()
        self._credit_message_post(
            "<p>%s</p>%s" % (html_escape(title), plaintext2html(message))
        )

    @api.multi
    def _credit_message_post(self, body):
        """Post body in the chatter, also for a user who has no email address.

        mail.message refuses to create a message without a sender address, so
        a salesperson or controller without one could otherwise neither
        confirm an order over a ceiling nor release it.
        """
        user = self.env.user
        email_from = user.email and formataddr((user.name, user.email))
        for order in self:
            order.message_post(
                body=body,
                email_from=email_from or order.company_id.email or False,
            )

    @api.multi
    def _credit_controllers(self):
        """Return the active credit controllers who may open this order's company."""
        self.ensure_one()
        company = self.company_id
        return (
            self.env.ref(CONTROLLER_GROUP)
            .sudo()
            .users.filtered(
                lambda user: user.active
                and not user.share
                and company in user.company_ids
            )
        )

    @api.multi
    def _credit_schedule_activities(self, message):
        """Give each credit controller of the order's company a review activity.

        Every controller gets one, so that whoever is available can take the
        block up. The release marks the releasing controller's activity as done
        and deletes the others.
        """
        self.ensure_one()
        activity_type = self.env.ref("credit_exposure.mail_activity_type_credit_block")
        for user in self._credit_controllers():
            self.env["mail.activity"].sudo().create(
                {
                    "res_model_id": self.env.ref("sale.model_sale_order").id,
                    "res_id": self.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": _("Review the credit block of %(order)s")
                    % {"order": self.name},
                    "note": plaintext2html(message),
                    "date_deadline": fields.Date.context_today(self),
                }
            )

    @api.multi
    def _credit_close_activities(self, feedback):
        """Mark one credit block activity per order done with feedback, drop the rest.

        The current user's own activity is the one marked done, if there is one.
        """
        activity_type = self.env.ref("credit_exposure.mail_activity_type_credit_block")
        for order in self:
            activities = order.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )
            done = (
                activities.filtered(lambda activity: activity.user_id == self.env.user)[
                    :1
                ]
                or activities[:1]
            )
            (activities - done).unlink()
            if done and not self.env.user.email:
                # Marking an activity done posts a message that mail.message
                # refuses without a sender address. The release message
                # already records the reason.
                done.unlink()
            elif done:
                done.action_feedback(feedback)

    @api.multi
    def _credit_check_not_blocked(self, operation):
        """Raise UserError if any order is blocked.

        operation is "delivery", "reservation" (reserving stock for the order),
        "invoice" (creating an invoice) or "invoice_validation" (validating a
        draft invoice of the order).
        """
        blocked = self.filtered("credit_blocked")
        if not blocked:
            return
        messages = {
            "delivery": _(
                "Credit control blocked the sales order %(orders)s, so its goods "
                "cannot be delivered. A member of the Credit Controller group "
                "(%(controllers)s) can release it in Sales > Credit Control > "
                "Blocked Orders."
            ),
            "reservation": _(
                "Credit control blocked the sales order %(orders)s, so no stock "
                "can be reserved for it. A member of the Credit Controller group "
                "(%(controllers)s) can release it in Sales > Credit Control > "
                "Blocked Orders."
            ),
            "invoice": _(
                "Credit control blocked the sales order %(orders)s, so it cannot "
                "be invoiced. A member of the Credit Controller group "
                "(%(controllers)s) can release it in Sales > Credit Control > "
                "Blocked Orders."
            ),
            "invoice_validation": _(
                "Credit control blocked the sales order %(orders)s, so its "
                "invoices cannot be validated. A member of the Credit Controller "
                "group (%(controllers)s) can release it in Sales > Credit "
                "Control > Blocked Orders."
            ),
        }
        order = blocked[0]
        controllers = order._credit_controllers().mapped("name")
        raise UserError(
            messages[operation]
            % {
                "orders": order.name,
                "controllers": ", ".join(controllers) or _("no member yet"),
            }
        )

    @api.multi
    def _credit_has_lines_to_invoice(self, final):
        """Tell whether action_invoice_create would invoice a line of the orders.

        Like sale, it invoices positive quantities, and negative ones only
        when final is set.
        """
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        for line in self.mapped("order_line"):
            quantity = line.qty_to_invoice
            if float_compare(quantity, 0.0, precision_digits=precision) > 0:
                return True
            if final and float_compare(quantity, 0.0, precision_digits=precision) < 0:
                return True
        return False
