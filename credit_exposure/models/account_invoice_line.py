from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# Fields of a customer invoice line that change its amount, or the quantity
# its order lines count as invoiced. A posted invoice's lines may still lose
# their links to order lines (sale_line_ids), as the refund wizard's modify
# mode does: the order lines then count their quantity as open again. A
# posted credit note's lines keep theirs.
INVOICED_FIELDS = (
    "quantity",
    "uom_id",
    "price_unit",
    "discount",
    "invoice_line_tax_ids",
    "invoice_id",
)


class AccountInvoiceLine(models.Model):
    _inherit = "account.invoice.line"

    @api.model
    def create(self, vals):
        """Refuse a new line in a customer invoice that is no longer a draft."""
        line = super(AccountInvoiceLine, self).create(vals)
        line._credit_check_draft_invoice()
        return line

    @api.multi
    def write(self, vals):
        """Refuse to change what a line of a posted customer invoice invoices."""
        self.env["credit.exposure"]._credit_check_computed_writes(self, vals)
        invoiced = any(name in vals for name in INVOICED_FIELDS)
        if not invoiced and "sale_line_ids" not in vals:
            return super(AccountInvoiceLine, self).write(vals)
        if invoiced:
            self._credit_check_draft_invoice()
        # sudo: a salesperson may not read every order the lines link to.
        links = {line.id: line.sale_line_ids for line in self.sudo()}
        result = super(AccountInvoiceLine, self).write(vals)
        if "invoice_id" in vals:
            self._credit_check_draft_invoice()
        if "sale_line_ids" in vals:
            relinked = self.sudo().filtered(
                lambda line: line.sale_line_ids - links[line.id]
                or (
                    line.invoice_id.type == "out_refund"
                    and line.sale_line_ids != links[line.id]
                )
            )
            self.browse(relinked.ids)._credit_check_draft_invoice()
        return result

    @api.multi
    def _credit_check_draft_invoice(self):
        """Raise UserError for lines of customer invoices that are not drafts.

        The receivable of a posted invoice is in its journal entry, which a
        change of its lines does not follow, while their order lines would
        count the new quantities as invoiced.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        # sudo: a salesperson may not read every invoice of the lines.
        invoices = (
            self.sudo()
            .mapped("invoice_id")
            .filtered(
                lambda invoice: invoice.type in ("out_invoice", "out_refund")
                and invoice.state != "draft"
            )
        )
        if invoices:
            raise UserError(
                _(
                    "The invoice %(invoices)s is no longer a draft, so its lines "
                    "cannot be added, moved or changed. Create a credit note "
                    "instead, or set a cancelled invoice back to draft first."
                )
                % {"invoices": invoices._credit_names()}
            )

    @api.constrains("sale_line_ids", "invoice_id")
    def _check_credit_sale_lines(self):
        """Link invoice lines only to open orders of the invoice's customer."""
        self._credit_check_sale_lines(linking=True)

    @api.multi
    def _credit_check_sale_lines(self, linking=False):
        """Raise ValidationError for a line invoicing another customer's order.

        With linking, also refuse to link a customer invoice line to a blocked
        order: invoiced quantities lower the order's delivery exposure.
        """
        # sudo: a salesperson may not read every order the line links to.
        for line in self.sudo():
            customer = line.invoice_id.commercial_partner_id
            for order in line.sale_line_ids.mapped("order_id"):
                if order.credit_partner_id != customer:
                    raise ValidationError(
                        _(
                            "The invoice line %(line)s links to the sales order "
                            "%(order)s of %(order_customer)s, but the invoice is "
                            "for %(customer)s. Invoice the order for its own "
                            "customer, or remove the link."
                        )
                        % {
                            "line": line.name or "",
                            "order": order.name,
                            "order_customer": order.credit_partner_id.display_name,
                            "customer": customer.display_name,
                        }
                    )
                if (
                    linking
                    and order.credit_blocked
                    and (line.invoice_id.type == "out_invoice")
                ):
                    raise ValidationError(
                        _(
                            "Credit control blocked the sales order %(order)s, "
                            "so the invoice line %(line)s cannot be linked to "
                            "it. A credit controller must release the order "
                            "first."
                        )
                        % {"order": order.name, "line": line.name or ""}
                    )

    @api.multi
    def _credit_counted_amount(self):
        """Return what this line of a draft invoice counts, in the invoice currency.

        That is its total, taxes included, but at least what its quantity
        takes off the open amount of the order lines it invoices, and at
        least zero for a line made without an order.
        """
        self.ensure_one()
        # sudo: a salesperson may not read every order the line links to.
        order_lines = self.sudo().sale_line_ids
        if not order_lines:
            return max(self.price_total, 0.0)
        invoice = self.invoice_id
        order_amount = 0.0
        for order_line in order_lines:
            quantity = order_line._credit_quantity_from(self.quantity, self.uom_id.id)
            amount = order_line._credit_amount_of(quantity)
            currency = order_line.order_id.currency_id
            if currency != invoice.currency_id:
                # The rates of the invoice's company, as the exposure converts.
                amount = currency.with_context(
                    date=fields.Date.context_today(self),
                    company_id=invoice.company_id.id,
                ).compute(amount, invoice.currency_id, round=False)
            order_amount += amount
        return max(self.price_total, order_amount)
