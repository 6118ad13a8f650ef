from odoo import _, api, models
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
