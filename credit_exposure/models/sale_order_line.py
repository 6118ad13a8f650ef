from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .stock_picking import PROCUREMENT_KEY


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    credit_open_amount = fields.Monetary(
        string="Open Credit Amount",
        compute="_compute_credit_open_amount",
        store=True,
        help="What this line still adds to its customer's delivery exposure, "
        "taxes included, in the order currency: the larger of the ordered and "
        "delivered quantities, less the invoiced quantity (draft invoices "
        "included, credit notes once posted), at the discounted unit price. "
        "Zero unless the order is confirmed, and zero for a line at a negative "
        "price until it is invoiced. Negative when more is invoiced than "
        "ordered or delivered, as on a down payment line, so that the invoice "
        "is counted once, but the lines of an order add up to no less than "
        "zero.",
    )

    @api.depends(
        "state",
        "product_uom_qty",
        "qty_delivered",
        "qty_invoiced",
        "invoice_lines.invoice_id.state",
        "invoice_lines.quantity",
        "invoice_lines.uom_id",
        "price_unit",
        "discount",
        "tax_id",
    )
    def _compute_credit_open_amount(self):
        draft_quantities = self._credit_draft_quantities()
        for line in self:
            if line.state not in ("sale", "done"):
                line.credit_open_amount = 0.0
                continue
            invoiced = line.qty_invoiced + draft_quantities.get(line.id, 0.0)
            quantity = max(line.product_uom_qty, line.qty_delivered) - invoiced
            line.credit_open_amount = line._credit_amount_of(quantity)

    @api.depends(
        "invoice_lines.invoice_id.state",
        "invoice_lines.invoice_id.type",
        "invoice_lines.quantity",
        "invoice_lines.uom_id",
        "product_uom",
    )
    def _get_invoice_qty(self):
        """Compute the invoiced quantity as sale does, on more changes.

        sale follows only the invoices' state and the lines' quantity, so a
        change of unit or of invoice type left the invoiced quantity, and the
        open amount that deducts it, as they were.
        """
        return super(SaleOrderLine, self)._get_invoice_qty()

    @api.multi
    def _credit_amount_of(self, quantity):
        """Return the exposure of quantity of this line, in the order currency.

        That is the quantity at the discounted unit price, taxes included. A
        positive quantity at a negative price counts zero: a discount line
        lowers no exposure until it is invoiced, so that a negative line
        cannot make room for another order.
        """
        self.ensure_one()
        if not quantity:
            return 0.0
        price = self._credit_discounted_price()
        if quantity > 0 and price < 0:
            return 0.0
        if quantity == self.product_uom_qty:
            # sale computes the line total with the same taxes and price.
            return self.price_total
        order = self.order_id
        taxes = self.tax_id.compute_all(
            price,
            order.currency_id,
            quantity,
            product=self.product_id,
            partner=order.partner_shipping_id,
        )
        return taxes["total_included"]

    @api.multi
    def _credit_discounted_price(self):
        """Return the line's unit price after discount, before taxes."""
        self.ensure_one()
        return self.price_unit * (1.0 - (self.discount or 0.0) / 100.0)

    @api.constrains("invoice_lines")
    def _check_credit_invoice_lines(self):
        """Link order lines only to invoice lines of their own customer.

        The same check as on the invoice line's side, so that a link written
        from either side cannot move an amount to another customer or invoice
        a blocked order.
        """
        self.sudo().mapped("invoice_lines")._credit_check_sale_lines(linking=True)

    @api.model
    def create(self, vals):
        """Check again a confirmed order that a new line makes grow."""
        if not self.env.context.get("recompute", True):
            # The check reads the order total that the new line changes.
            return self.with_context(recompute=True).create(vals)
        procuring = self.with_context(**{PROCUREMENT_KEY: True})
        line = super(SaleOrderLine, procuring).create(vals)
        line = self.browse(line.id)
        line.order_id._credit_check_growth()
        return line

    @api.multi
    def write(self, vals):
        """Check again the confirmed orders that grew, e.g. by a higher price."""
        if not self.env.context.get("recompute", True):
            # The check reads the order total that the change makes grow.
            return self.with_context(recompute=True).write(vals)
        self.env["credit.exposure"]._credit_check_computed_writes(self, vals)
        if "order_id" in vals:
            self._credit_check_order_change(vals["order_id"])
        self._credit_check_invoiced_change(vals)
        linked = None
        if "invoice_lines" in vals:
            # sudo: a salesperson may not read every invoice line of the lines.
            linked = self.sudo().mapped("invoice_lines")
        procuring = self.with_context(**{PROCUREMENT_KEY: True})
        result = super(SaleOrderLine, procuring).write(vals)
        if linked is not None:
            # Linking a line of a posted invoice would count its quantity as
            # invoiced a second time.
            new_links = self.sudo().mapped("invoice_lines") - linked
            invoice_lines = self.env["account.invoice.line"].browse(new_links.ids)
            invoice_lines._credit_check_draft_invoice()
        self.mapped("order_id")._credit_check_growth()
        return result

    @api.multi
    def _credit_check_invoiced_change(self, vals):
        """Raise UserError when a change would count invoiced goods below zero.

        A line counts negative where more is invoiced than ordered, so that a
        down payment, invoiced on a line of no ordered quantity, is counted
        once. Lowering an ordered quantity below the invoiced one, changing
        the price of such a line, or the unit of a delivered or invoiced line,
        would lower the order's open amount with nothing paid.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        confirmed = self.filtered(lambda line: line.state in ("sale", "done"))
        if "product_uom_qty" in vals:
            quantity = vals["product_uom_qty"]
            for line in confirmed:
                rounding = line.product_uom.rounding
                lowered = float_compare(
                    quantity, line.product_uom_qty, precision_rounding=rounding
                )
                below = float_compare(
                    quantity, line.qty_invoiced, precision_rounding=rounding
                )
                if lowered < 0 and below < 0:
                    raise UserError(
                        _(
                            "The ordered quantity of %(line)s on %(order)s "
                            "cannot go below its invoiced quantity, "
                            "%(invoiced)s. Create a credit note for the "
                            "difference first."
                        )
                        % {
                            "line": line.name,
                            "order": line.order_id.name,
                            "invoiced": line.qty_invoiced,
                        }
                    )
        if "product_uom" in vals:
            for line in confirmed:
                if line.product_uom.id != vals["product_uom"] and (
                    line.qty_invoiced or line.qty_delivered
                ):
                    raise UserError(
                        _(
                            "%(line)s on %(order)s is already delivered or "
                            "invoiced, so its unit of measure cannot change. "
                            "Add a line in the other unit instead."
                        )
                        % {"line": line.name, "order": line.order_id.name}
                    )
        if any(name in vals for name in ("price_unit", "discount", "tax_id")):
            for line in confirmed:
                ordered = max(line.product_uom_qty, line.qty_delivered)
                over = float_compare(
                    line.qty_invoiced,
                    ordered,
                    precision_rounding=line.product_uom.rounding,
                )
                if over > 0:
                    raise UserError(
                        _(
                            "%(line)s on %(order)s is invoiced beyond its ordered "
                            "quantity, as a down payment is, so its price and "
                            "taxes cannot change. Invoice the order, or create "
                            "a credit note, instead."
                        )
                        % {"line": line.name, "order": line.order_id.name}
                    )

    @api.multi
    def _credit_check_order_change(self, order_id):
        """Raise UserError when a line of a confirmed order moves to another order.

        Its goods would leave the exposure of its order's customer unchecked.
        """
        if self.env.uid == SUPERUSER_ID:
            return
        moved = self.filtered(
            lambda line: line.order_id.id != order_id
            and line.order_id.state in ("sale", "done")
        )
        if moved:
            raise UserError(
                _(
                    "The lines of the confirmed order %(orders)s cannot move to "
                    "another order. Add a new line to that order instead."
                )
                % {"orders": ", ".join(moved.mapped("order_id.name"))}
            )

    @api.multi
    def _action_launch_procurement_rule(self):
        """Hold back the procurement of blocked orders until their release.

        sale_stock procures a higher quantity inside write(), so the order is
        checked again here first, and blocked before its goods are procured.
        """
        self.mapped("order_id")._credit_check_growth()
        lines = self.filtered(lambda line: not line.order_id.credit_blocked)
        return super(SaleOrderLine, lines)._action_launch_procurement_rule()

    @api.multi
    def _credit_draft_quantities(self):
        """Return {line id: quantity to add to its invoiced quantity, in its unit}.

        sale's qty_invoiced deducts draft credit notes, but a draft credit
        note lowers no exposure until it is posted. One query for all the
        lines, without record rules: the figures do not depend on who may
        read credit notes.
        """
        ids = tuple(line_id for line_id in self.ids if isinstance(line_id, int))
        if not ids:
            return {}
        self.env.cr.execute(
            """
            SELECT rel.order_line_id, invoice_line.quantity, invoice_line.uom_id
              FROM sale_order_line_invoice_rel rel
              JOIN account_invoice_line invoice_line
                ON invoice_line.id = rel.invoice_line_id
              JOIN account_invoice invoice ON invoice.id = invoice_line.invoice_id
             WHERE rel.order_line_id IN %s
               AND invoice.state = 'draft'
               AND invoice.type = 'out_refund'
            """,
            (ids,),
        )
        quantities = {}
        for line_id, quantity, uom_id in self.env.cr.fetchall():
            line = self.browse(line_id)
            quantity = line._credit_quantity_from(quantity, uom_id)
            quantities[line_id] = quantities.get(line_id, 0.0) + quantity
        return quantities

    @api.multi
    def _credit_quantity_from(self, quantity, uom_id):
        """Return quantity, given in the unit uom_id, in this line's unit."""
        self.ensure_one()
        if not uom_id or uom_id == self.product_uom.id:
            return quantity
        uom = self.env["product.uom"].browse(uom_id)
        return uom._compute_quantity(quantity, self.product_uom)
