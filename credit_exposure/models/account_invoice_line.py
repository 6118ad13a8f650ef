from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AccountInvoiceLine(models.Model):
    _inherit = "account.invoice.line"

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
