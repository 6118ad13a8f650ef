import xmlrpc.client

from odoo.exceptions import AccessError, UserError, ValidationError

from .test_blocking import ACCEPT_BLOCK, BlockingCase


class TestBypassDocuments(BlockingCase):
    """Raw RPC writes on invoices, moves and ceilings cannot bypass credit control.

    An order line of the test products costs 110 a unit, taxes included.
    """

    def draft_invoice(
        self, partner, order_line, invoice_type="out_invoice", quantity=9.0, price=0.01
    ):
        """Create as the salesperson a draft invoice linking a line to order_line.

        The line has no taxes, and invoices quantity at price.
        """
        product = self.product
        income_account = (
            product.property_account_income_id
            or product.categ_id.property_account_income_categ_id
        )
        return (
            self.env["account.invoice"]
            .sudo(self.salesperson)
            .create(
                {
                    "partner_id": partner.id,
                    "type": invoice_type,
                    "account_id": partner.property_account_receivable_id.id,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Linked line",
                                "account_id": income_account.id,
                                "quantity": quantity,
                                "price_unit": price,
                                "sale_line_ids": [(6, 0, order_line.ids)],
                            },
                        )
                    ],
                }
            )
        )

    def draft_credit_note(self, amount):
        """Create as the salesperson a draft credit note of amount, untaxed."""
        income_account = self.product.categ_id.property_account_income_categ_id
        return (
            self.env["account.invoice"]
            .sudo(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "type": "out_refund",
                    "account_id": self.customer.property_account_receivable_id.id,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Credit test goodwill",
                                "account_id": income_account.id,
                                "quantity": 1.0,
                                "price_unit": amount,
                            },
                        )
                    ],
                }
            )
        )

    def blocked_draft_invoice(self):
        """Return a draft invoice of an order cut off after invoicing."""
        order = self.create_order(quantity=5, product=self.product_ordered)
        self.confirm(order)
        invoice = self.invoice(order, post=False)
        order.sudo(self.controller).action_credit_block()
        return order, invoice.sudo(self.salesperson)

    def assertBlockedInvoiceRefused(self, order, invoice, method, *args):
        with self.assertRaises(UserError) as caught:
            getattr(invoice, method)(*args)
        self.assertIn(
            "Credit control blocked the sales order %s" % order.name,
            caught.exception.name,
        )

    # Invoice lines linked to orders

    def test_invoice_line_other_customer_refused(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        with self.assertRaises(ValidationError) as caught:
            self.draft_invoice(self.other_customer, order.order_line)
        self.assertIn(order.name, caught.exception.name)
        self.assertIn(self.customer.name, caught.exception.name)
        self.assertIn(self.other_customer.name, caught.exception.name)

    def test_invoice_line_other_customer_keeps_exposure(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        with self.assertRaises(ValidationError):
            self.draft_invoice(self.other_customer, order.order_line)
        self.assertFigures(self.customer, delivery=1100.0, financial=0.0)

    def test_invoice_partner_change_refused(self):
        order = self.create_order(quantity=10, product=self.product_ordered)
        self.confirm(order)
        invoice = self.invoice(order, post=False).sudo(self.salesperson)
        with self.assertRaises(ValidationError):
            invoice.write({"partner_id": self.other_customer.id})

    def test_invoice_line_own_customer_allowed(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        invoice = self.draft_invoice(self.customer, order.order_line)
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, order.order_line)

    def test_invoice_line_blocked_order_refused(self):
        order = self.blocked_order()
        with self.assertRaises(ValidationError) as caught:
            self.draft_invoice(self.customer, order.order_line)
        self.assertIn(order.name, caught.exception.name)

    def test_refund_line_blocked_order_allowed(self):
        order = self.blocked_order()
        refund = self.draft_invoice(self.customer, order.order_line, "out_refund")
        self.assertEqual(refund.invoice_line_ids.sale_line_ids, order.order_line)

    def test_linked_draft_refund_keeps_figures(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        self.draft_invoice(self.customer, order.order_line, "out_refund")
        self.assertFigures(self.customer, delivery=1100.0, financial=0.0)

    # Draft invoices at another price than their orders

    def test_cheap_draft_invoice_keeps_exposure(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        invoice = self.draft_invoice(self.customer, order.order_line)
        # Its 9 units at 0.01 take 990 off the order line, so it counts 990.
        self.assertAlmostEqual(invoice.amount_total, 0.09)
        self.assertAlmostEqual(invoice.credit_draft_amount, 990.0)
        self.assertFigures(self.customer, delivery=110.0, financial=990.0)

    def test_cheap_draft_invoice_makes_no_room(self):
        self.enable_blocking()
        invoiced = self.create_order(quantity=7, product=self.product_ordered)
        self.confirm(invoiced)
        self.draft_invoice(self.customer, invoiced.order_line, quantity=7.0)
        self.assertFigures(self.customer, delivery=0.0, financial=770.0)
        order = self.create_order(quantity=3, product=self.product_ordered)
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)

    def test_cheap_draft_line_edit_keeps_exposure(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        invoice = self.draft_invoice(self.customer, order.order_line, price=110.0)
        self.assertAlmostEqual(invoice.credit_draft_amount, 990.0)
        invoice.invoice_line_ids.sudo(self.salesperson).write({"price_unit": 1.0})
        self.assertAlmostEqual(invoice.credit_draft_amount, 990.0)
        self.assertFigures(self.customer, delivery=110.0, financial=990.0)

    def test_dear_draft_invoice_counts_its_total(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        invoice = self.draft_invoice(self.customer, order.order_line, price=200.0)
        self.assertAlmostEqual(invoice.credit_draft_amount, 1800.0)
        self.assertFigures(self.customer, delivery=110.0, financial=1800.0)

    def test_order_price_change_moves_draft_amount(self):
        order = self.create_order(quantity=10, product=self.product_ordered)
        self.confirm(order)
        invoice = self.draft_invoice(self.customer, order.order_line)
        order.order_line.write({"price_unit": 200.0})
        # 9 units at 200 plus 10 % taxes.
        self.assertAlmostEqual(invoice.credit_draft_amount, 1980.0)
        self.assertFigures(self.customer, delivery=220.0, financial=1980.0)

    def test_unlinked_negative_line_counts_zero(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        invoice = self.draft_invoice(self.customer, order.order_line, price=110.0)
        account = invoice.invoice_line_ids.account_id
        invoice.sudo(self.salesperson).write(
            {
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Credit test rebate",
                            "account_id": account.id,
                            "quantity": 1.0,
                            "price_unit": -500.0,
                        },
                    )
                ]
            }
        )
        self.assertAlmostEqual(invoice.amount_total, 490.0)
        self.assertAlmostEqual(invoice.credit_draft_amount, 990.0)
        self.assertFigures(self.customer, delivery=110.0, financial=990.0)

    def test_posted_cheap_invoice_lowers_exposure(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        invoice = self.draft_invoice(self.customer, order.order_line)
        invoice.with_env(self.env).action_invoice_open()
        self.assertEqual(invoice.credit_draft_amount, 0.0)
        self.assertFigures(self.customer, delivery=110.0, financial=0.09)

    # Draft credit notes

    def test_draft_credit_note_makes_no_room(self):
        self.enable_blocking()
        invoiced = self.create_order(quantity=7, product=self.product_ordered)
        self.confirm(invoiced)
        self.invoice(invoiced)
        self.draft_credit_note(770.0)
        self.assertFigures(self.customer, delivery=0.0, financial=770.0)
        order = self.create_order(quantity=3, product=self.product_ordered)
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)

    def test_posted_credit_note_makes_room(self):
        self.enable_blocking()
        invoiced = self.create_order(quantity=7, product=self.product_ordered)
        self.confirm(invoiced)
        self.invoice(invoiced)
        credit_note = self.draft_credit_note(770.0)
        credit_note.with_env(self.env).action_invoice_open()
        self.assertFigures(self.customer, delivery=0.0, financial=0.0)
        order = self.create_order(quantity=3, product=self.product_ordered)
        self.confirm(order)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_blocked)

    # Validation paths of a blocked order's draft invoice

    def test_invoice_validate_refused(self):
        order, invoice = self.blocked_draft_invoice()
        self.assertBlockedInvoiceRefused(order, invoice, "invoice_validate")
        self.assertEqual(invoice.state, "draft")

    def test_invoice_move_create_refused(self):
        order, invoice = self.blocked_draft_invoice()
        self.assertBlockedInvoiceRefused(order, invoice, "action_move_create")
        self.assertFalse(invoice.move_id)

    def test_invoice_write_open_refused(self):
        order, invoice = self.blocked_draft_invoice()
        self.assertBlockedInvoiceRefused(order, invoice, "write", {"state": "open"})
        self.assertEqual(invoice.state, "draft")

    def test_invoice_write_paid_refused(self):
        order, invoice = self.blocked_draft_invoice()
        self.assertBlockedInvoiceRefused(order, invoice, "write", {"state": "paid"})
        self.assertEqual(invoice.state, "draft")

    def test_open_invoice_of_blocked_order_paid(self):
        order = self.create_order(quantity=5, product=self.product_ordered)
        self.confirm(order)
        invoice = self.invoice(order)
        order.sudo(self.controller).action_credit_block()
        self.pay(invoice, 550.0)
        self.assertEqual(invoice.state, "paid")

    # Delivery moves of a blocked order

    def test_move_write_done_refused(self):
        order = self.cut_off_order()
        picking = order.picking_ids
        moves = picking.move_lines.sudo(self.salesperson)
        with self.assertRaises(UserError) as caught:
            moves.write({"state": "done"})
        self.assertIn("its goods cannot be delivered", caught.exception.name)
        self.assertEqual(picking.move_lines.state, "confirmed")

    def test_done_move_line_quantity_refused(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        picking = self.deliver(order, 2)
        order.sudo(self.controller).action_credit_block()
        move_line = picking.move_line_ids.sudo(self.salesperson)
        with self.assertRaises(UserError) as caught:
            move_line.write({"qty_done": 5})
        self.assertIn("its goods cannot be delivered", caught.exception.name)
        self.assertEqual(order.order_line.qty_delivered, 2.0)

    # Reports read over XML-RPC

    def test_key_figures_order_without_confirmation_date(self):
        order = self.create_order(quantity=10)
        self.confirm(order)
        self.env.cr.execute(
            "UPDATE sale_order SET confirmation_date = NULL, date_order = %s "
            "WHERE id = %s",
            ("2031-03-15 10:00:00", order.id),
        )
        self.env.cr.execute("SELECT COUNT(*) FROM credit_key_figure WHERE id IS NULL")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        month = (
            self.env["credit.key.figure"]
            .sudo(self.controller)
            .search(
                [("company_id", "=", self.company.id), ("month", "=", "2031-03-01")]
            )
        )
        self.assertEqual(month.overrun_order_count, 1)

    def test_key_figures_ids_fit_xmlrpc(self):
        self.confirm(self.create_order(quantity=10))
        rows = self.env["credit.key.figure"].sudo(self.controller).search_read([])
        self.assertTrue(rows)
        xmlrpc.client.dumps((rows,), methodresponse=True)

    def test_customer_exposure_ids_fit_xmlrpc(self):
        rows = (
            self.env["credit.customer.exposure"]
            .sudo(self.controller)
            .search_read([], ["partner_id"])
        )
        self.assertIn(self.customer.id, [row["partner_id"][0] for row in rows])
        xmlrpc.client.dumps((rows,), methodresponse=True)

    # Ceiling values

    def assertCeilingRefused(self, value):
        with self.assertRaises(ValidationError) as caught:
            self.customer.sudo(self.controller).write(
                {"credit_management_ceiling": value}
            )
        self.assertIn("Management Ceiling", caught.exception.name)
        self.assertIn(repr(value), caught.exception.name)

    def test_ceiling_nan_refused(self):
        self.assertCeilingRefused(float("nan"))

    def test_ceiling_infinite_refused(self):
        self.assertCeilingRefused(float("inf"))

    def test_ceiling_text_refused(self):
        self.assertCeilingRefused("abc")

    def test_ceiling_too_large_refused(self):
        self.assertCeilingRefused(1e16)

    def test_ceiling_new_customer_text_refused(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].sudo(self.controller).create(
                {"name": "Credit Text Ceiling", "credit_insurance_ceiling": "abc"}
            )

    # Insured flag of invoices

    def test_salesperson_cannot_uninsure_invoice(self):
        order = self.create_order(quantity=5, product=self.product_ordered)
        self.confirm(order)
        invoice = self.invoice(order, post=False)
        with self.assertRaises(AccessError):
            invoice.sudo(self.salesperson).write({"credit_insured": False})
        self.assertTrue(invoice.credit_insured)

    def test_controller_uninsures_invoice(self):
        order = self.create_order(quantity=5, product=self.product_ordered)
        self.confirm(order)
        invoice = self.invoice(order, post=False)
        invoice.sudo(self.controller).write({"credit_insured": False})
        self.assertFalse(invoice.credit_insured)

    def test_salesperson_invoices_uninsured_order(self):
        order = self.create_order(
            quantity=5, product=self.product_ordered, insured=False
        )
        self.confirm(order)
        invoice_ids = order.sudo(self.salesperson).action_invoice_create()
        invoice = self.env["account.invoice"].browse(invoice_ids)
        self.assertFalse(invoice.credit_insured)
