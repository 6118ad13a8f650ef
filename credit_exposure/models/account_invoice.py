from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError

# Context key that carries the refund wizard's mode (filter_refund) to the
# credit notes it creates.
REFUND_MODE_KEY = "credit_exposure_refund_mode"


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    credit_insured = fields.Boolean(
        string="Insured",
        default=True,
        readonly=True,
        states={"draft": [("readonly", False)]},
        track_visibility="onchange",
        help="Count this invoice in the insured financial exposure, checked "
        "against the insurance ceiling. Set from the sales order.",
    )
    credit_draft_amount = fields.Monetary(
        string="Draft Credit Amount",
        compute="_compute_credit_draft_amount",
        store=True,
        help="What this draft customer invoice adds to its customer's financial "
        "exposure, in the invoice currency: each line at its total, taxes "
        "included, but a line made from an order line at no less than what it "
        "takes off that order line's open amount, and a line at a negative "
        "total without an order line at zero. Zero once posted, and for credit "
        "notes.",
    )

    @api.depends(
        "state",
        "type",
        "currency_id",
        "invoice_line_ids.price_total",
        "invoice_line_ids.quantity",
        "invoice_line_ids.uom_id",
        "invoice_line_ids.sale_line_ids.price_unit",
        "invoice_line_ids.sale_line_ids.discount",
        "invoice_line_ids.sale_line_ids.tax_id",
    )
    def _compute_credit_draft_amount(self):
        """Count a draft at no less than the order amounts its lines take over.

        Its lines lower the open amount of their order lines at once, so that
        a draft at a lower price, or with a negative line, would lower the
        customer's exposure and make room for another order until it is
        deleted. Posting the invoice makes the lower amount real.
        """
        for invoice in self:
            amount = 0.0
            if invoice.state == "draft" and invoice.type == "out_invoice":
                amount = sum(
                    line._credit_counted_amount() for line in invoice.invoice_line_ids
                )
            invoice.credit_draft_amount = amount

    @api.constrains("partner_id")
    def _check_credit_partner(self):
        """Keep the lines linked only to orders of the invoice's customer."""
        self.mapped("invoice_line_ids")._credit_check_sale_lines()

    @api.model
    def create(self, vals):
        """Create the invoice, then check its Insured flag against its origin."""
        invoice = super(AccountInvoice, self).create(vals)
        invoice._credit_check_created_insured()
        return invoice

    @api.multi
    def write(self, vals):
        """Refuse to open or pay a draft invoice of a blocked order directly.

        Also refuse a change of Insured on a customer invoice or credit note by
        anyone but a credit controller: it would move the invoice in or out of
        the insured exposure after the checks that counted it.
        """
        self.env["credit.exposure"]._credit_check_computed_writes(self, vals)
        if "credit_insured" in vals:
            changed = self.filtered(
                lambda invoice: invoice.type in ("out_invoice", "out_refund")
                and invoice.credit_insured != bool(vals["credit_insured"])
            )
            if changed and self.env.uid != SUPERUSER_ID:
                self.env["res.partner"]._credit_check_controller(
                    _("%(field)s of the invoice %(invoices)s")
                    % {
                        "field": self._fields["credit_insured"].get_description(
                            self.env
                        )["string"],
                        "invoices": changed._credit_names(),
                    },
                    company=changed[0].company_id,
                )
        if vals.get("state") in ("open", "paid"):
            self.filtered(
                lambda invoice: invoice.state not in ("open", "paid")
            )._credit_check_not_blocked()
        self._credit_check_state_and_type(vals)
        return super(AccountInvoice, self).write(vals)

    @api.multi
    def _credit_check_state_and_type(self, vals):
        """Raise UserError for a customer invoice opened unposted or changing type.

        Its order lines would count its quantities as invoiced while the
        invoice leaves the financial exposure: an open invoice counts through
        its journal items. Odoo's own buttons post the entry before the state.
        A draft may change type, as sale turns one of a negative total into a
        credit note: the invoiced quantities follow the type, and a draft
        credit note counts nothing. A posted one keeps its journal items.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        customer = self.filtered(
            lambda invoice: invoice.type in ("out_invoice", "out_refund")
        )
        if "type" in vals:
            changed = customer.filtered(
                lambda invoice: invoice.type != vals["type"]
                and invoice.state != "draft"
            )
            if changed:
                raise UserError(
                    _(
                        "The type of the customer invoice %(invoices)s cannot "
                        "change once it is posted. Cancel it, then create a "
                        "credit note or a new invoice instead."
                    )
                    % {"invoices": changed._credit_names()}
                )
        if vals.get("state") in ("open", "paid") and not vals.get("move_id"):
            unposted = customer.filtered(lambda invoice: not invoice.move_id)
            if unposted:
                raise UserError(
                    _(
                        "The invoice %(invoices)s has no journal entry, so it "
                        "cannot be set to %(state)s directly. Validate it to post "
                        "it, then register its payment."
                    )
                    % {"invoices": unposted._credit_names(), "state": vals["state"]}
                )

    @api.multi
    def _credit_names(self):
        """Return the invoices' numbers, or a description of each draft."""
        names = []
        for invoice in self:
            name = invoice.number
            if not name:
                name = _("(draft of %(customer)s, %(origin)s)") % {
                    "customer": invoice.commercial_partner_id.display_name,
                    "origin": invoice.origin or _("no source document"),
                }
            names.append(name)
        return ", ".join(names)

    @api.multi
    def action_invoice_open(self):
        """Refuse to post an invoice of a blocked order. Refunds always pass."""
        self._credit_check_not_blocked()
        return super(AccountInvoice, self).action_invoice_open()

    @api.multi
    def action_move_create(self):
        """Refuse to post the entries of an invoice of a blocked order."""
        self._credit_check_not_blocked()
        return super(AccountInvoice, self).action_move_create()

    @api.multi
    def invoice_validate(self):
        """Refuse to validate an invoice of a blocked order."""
        self._credit_check_not_blocked()
        return super(AccountInvoice, self).invoice_validate()

    @api.model
    def _prepare_refund(
        self, invoice, date_invoice=None, date=None, description=None, journal_id=None
    ):
        """Give a credit note the insured flag of the invoice it credits."""
        values = super(AccountInvoice, self)._prepare_refund(
            invoice,
            date_invoice=date_invoice,
            date=date,
            description=description,
            journal_id=journal_id,
        )
        values["credit_insured"] = invoice.credit_insured
        return values

    @api.model
    def _refund_cleanup_lines(self, lines):
        """Link the lines of a cancelling credit note to the invoice's order lines.

        Odoo 11 copies no order line link into a credit note, so the invoiced
        quantity of the order lines ignores it. In cancel mode, the refund
        wizard posts the credit note against the whole invoice. With the link,
        the order lines count the invoice's quantities as not invoiced, as when
        the invoice is cancelled, so they are to invoice again and back in the
        delivery exposure. The refund mode (a commercial credit) and the modify
        mode (which moves the links to its new invoice) keep Odoo's behaviour.
        """
        values = super(AccountInvoice, self)._refund_cleanup_lines(lines)
        if (
            self.env.context.get(REFUND_MODE_KEY) != "cancel"
            or lines._name != "account.invoice.line"
        ):
            return values
        for (_command, _id, line_values), line in zip(values, lines):
            line_values["sale_line_ids"] = [(6, 0, line.sale_line_ids.ids)]
        return values

    @api.model
    def _get_refund_modify_read_fields(self):
        """Copy the insured flag to the invoice that replaces a credited one."""
        fields_list = super(AccountInvoice, self)._get_refund_modify_read_fields()
        return fields_list + ["credit_insured"]

    @api.multi
    def _credit_check_created_insured(self):
        """Raise AccessError if a non-controller flags a new invoice unlike its origin.

        The origin is the credited invoice for a credit note, else the sales
        orders of the lines, else the default: insured. Insured and uninsured
        orders on one invoice always differ from one of them. Our own invoicing
        paths pass the flag of the origin, or create the invoice without lines
        and set the flag as superuser.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        # sudo: a salesperson may not read every order the lines link to.
        invoice = self.sudo()
        if invoice.type not in ("out_invoice", "out_refund"):
            return
        orders = invoice.mapped("invoice_line_ids.sale_line_ids.order_id")
        flags = set(orders.mapped("credit_insured"))
        field = self._fields["credit_insured"].get_description(self.env)["string"]
        values = {
            "field": field,
            "customer": invoice.commercial_partner_id.display_name,
            "orders": ", ".join(orders.mapped("name")),
        }
        if invoice.type == "out_refund" and invoice.refund_invoice_id:
            differs = invoice.credit_insured != invoice.refund_invoice_id.credit_insured
            description = _(
                "%(field)s of the new credit note for %(customer)s to differ from "
                "the invoice %(invoice)s it credits"
            )
            values["invoice"] = invoice.refund_invoice_id.number or ""
        elif len(flags) > 1:
            differs = True
            description = _(
                "%(field)s of the new invoice for %(customer)s to differ from some "
                "of its sales orders (%(orders)s). Invoice insured and uninsured "
                "orders separately"
            )
        elif flags:
            differs = invoice.credit_insured not in flags
            description = _(
                "%(field)s of the new invoice for %(customer)s to differ from its "
                "sales orders (%(orders)s)"
            )
        else:
            differs = not invoice.credit_insured
            description = _(
                "%(field)s of the new invoice for %(customer)s from its default, "
                "insured"
            )
        if differs:
            self.env["res.partner"]._credit_check_controller(
                description % values, company=invoice.company_id
            )

    @api.multi
    def _credit_check_not_blocked(self):
        """Raise UserError for a customer invoice of a blocked order."""
        # sudo: an accountant may not read the sales order.
        invoices = self.sudo().filtered(lambda invoice: invoice.type == "out_invoice")
        orders = invoices.mapped("invoice_line_ids.sale_line_ids.order_id")
        orders._credit_check_not_blocked("invoice_validation")
