"""Raw writes of computed fields, invoice states and invoiced lines make no room.

The customer has a management ceiling of 1,000; a unit costs 110, taxes
included, so an order of 9 units (990) fits and a second one does not.
"""

from odoo.exceptions import AccessError, UserError

from .test_blocking import ACCEPT_BLOCK, BlockingCase


class TestBypassWrites(BlockingCase):
    @classmethod
    def setUpClass(cls):
        super(TestBypassWrites, cls).setUpClass()
        cls.partner_editor = cls._create_user(
            "credit_partner_editor",
            [
                cls.env.ref("sales_team.group_sale_salesman"),
                cls.env.ref("base.group_partner_manager"),
            ],
        )
        cls.accountant = cls._create_user(
            "credit_writes_accountant", [cls.env.ref("account.group_account_invoice")]
        )
        cls.unit = cls.env.ref("product.product_uom_unit")
        cls.dozen = cls.env.ref("product.product_uom_dozen")

    def setUp(self):
        super(TestBypassWrites, self).setUp()
        self.set_ceilings(self.customer, management=1000.0, insurance=0.0)
        self.enable_blocking()

    def confirmed_order(self, quantity=9):
        order = self.create_order(quantity=quantity, product=self.product_ordered)
        self.confirm(order)
        self.assertEqual(order.credit_state, "ok")
        return order

    def assertNoRoom(self):
        """Assert that a second order of 990 is blocked."""
        order = self.create_order(quantity=9, product=self.product_ordered)
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertTrue(order.credit_blocked)

    def income_account(self):
        return self.product.categ_id.property_account_income_categ_id

    def draft_invoice(self, order_line, quantity, uom):
        """Create as the salesperson a draft invoice of order_line's product."""
        return (
            self.env["account.invoice"]
            .sudo(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "type": "out_invoice",
                    "account_id": self.customer.property_account_receivable_id.id,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Credit test line",
                                "product_id": order_line.product_id.id,
                                "account_id": self.income_account().id,
                                "quantity": quantity,
                                "uom_id": uom.id,
                                "price_unit": 100.0,
                                "invoice_line_tax_ids": [(6, 0, self.tax.ids)],
                                "sale_line_ids": [(6, 0, order_line.ids)],
                            },
                        )
                    ],
                }
            )
        )

    # Stored computed fields

    def test_order_line_computed_fields_refused(self):
        line = self.confirmed_order().order_line
        for name in ("credit_open_amount", "qty_invoiced", "price_total"):
            with self.subTest(field=name):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    line.sudo(self.salesperson).write({name: -5000.0})
        self.assertFigures(self.customer, 990.0, 0.0)
        self.assertNoRoom()

    def test_quotation_line_total_refused(self):
        order = self.create_order(quantity=50, product=self.product_ordered)
        with self.assertRaises(AccessError) as caught:
            order.order_line.sudo(self.salesperson).write({"price_total": 0.0})
        self.assertIn("Total", caught.exception.name)
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertTrue(order.credit_blocked)

    def test_order_credit_customer_refused(self):
        order = self.confirmed_order()
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            order.sudo(self.salesperson).write(
                {"credit_partner_id": self.other_customer.id}
            )
        order.invalidate_cache()
        self.assertEqual(order.credit_partner_id, self.customer)
        self.assertNoRoom()

    def test_invoice_computed_fields_refused(self):
        order = self.confirmed_order()
        invoice = self.invoice(order, post=False).sudo(self.salesperson)
        values = {
            "credit_draft_amount": 0.0,
            "amount_total": 0.0,
            "commercial_partner_id": self.other_customer.id,
        }
        for name, value in values.items():
            with self.subTest(field=name):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    invoice.write({name: value})
        self.assertFigures(self.customer, 0.0, 990.0)
        self.assertNoRoom()

    def test_computed_field_refusal_names_draft(self):
        invoice = self.invoice(self.confirmed_order(), post=False)
        with self.assertRaises(AccessError) as caught:
            invoice.sudo(self.salesperson).write({"amount_total": 0.0})
        self.assertIn("The field Total of (draft of", caught.exception.name)
        self.assertIn(self.customer.name, caught.exception.name)

    def test_partner_commercial_partner_refused(self):
        contact = self.env["res.partner"].create(
            {"name": "Credit Contact", "parent_id": self.customer.id}
        )
        with self.assertRaises(AccessError):
            contact.sudo(self.partner_editor).write(
                {"commercial_partner_id": contact.id}
            )

    def test_superuser_writes_computed_field(self):
        line = self.confirmed_order().order_line
        line.sudo().write({"price_total": 990.0})
        self.assertEqual(line.price_total, 990.0)

    # Invoice states and types

    def test_draft_invoice_set_paid_refused(self):
        order = self.confirmed_order()
        invoice = self.invoice(order, post=False).sudo(self.salesperson)
        for state in ("open", "paid"):
            with self.subTest(state=state):
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    invoice.write({"state": state})
        invoice.invalidate_cache()
        self.assertEqual(invoice.state, "draft")
        self.assertFigures(self.customer, 0.0, 990.0)
        self.assertNoRoom()

    def assertTypeChangeKeepsExposure(self, invoice_type):
        order = self.confirmed_order()
        invoice = self.invoice(order, post=False).sudo(self.salesperson)
        invoice.write({"type": invoice_type})
        # The order lines count as not invoiced again.
        self.assertFigures(self.customer, 990.0, 0.0)
        self.assertNoRoom()

    def test_draft_invoice_to_credit_note(self):
        self.assertTypeChangeKeepsExposure("out_refund")

    def test_draft_invoice_to_vendor_bill(self):
        self.assertTypeChangeKeepsExposure("in_invoice")

    def test_posted_invoice_type_change_refused(self):
        invoice = self.invoice(self.confirmed_order()).sudo(self.salesperson)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            invoice.write({"type": "out_refund"})
        invoice.invalidate_cache()
        self.assertEqual(invoice.type, "out_invoice")
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_refund_from_order_after_return(self):
        order = self.create_order(quantity=9)
        self.confirm(order)
        delivery = self.deliver(order.with_env(self.env), 9)
        self.invoice(order.with_env(self.env))
        self.return_delivery(delivery, 9)
        refund_ids = order.sudo(self.salesperson).action_invoice_create(final=True)
        refund = self.env["account.invoice"].browse(refund_ids)
        self.assertEqual(refund.type, "out_refund")
        self.assertEqual(refund.state, "draft")
        # The draft credit note lowers nothing until it is posted.
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_validate_button_still_posts(self):
        order = self.confirmed_order()
        invoice = self.invoice(order, post=False)
        invoice.sudo(self.accountant).action_invoice_open()
        self.assertEqual(invoice.state, "open")
        self.assertFigures(self.customer, 0.0, 990.0)

    # Lines of posted invoices

    def test_posted_line_linked_to_new_order_refused(self):
        invoiced = self.confirmed_order(quantity=1)
        posted_line = self.invoice(invoiced).invoice_line_ids
        order = self.confirmed_order(quantity=8)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            posted_line.sudo(self.salesperson).write(
                {"sale_line_ids": [(4, order.order_line.id)]}
            )
        with self.assertRaises(UserError), self.env.cr.savepoint():
            order.order_line.sudo(self.salesperson).write(
                {"invoice_lines": [(4, posted_line.id)]}
            )
        order.order_line.invalidate_cache()
        self.assertFalse(order.order_line.invoice_lines)
        self.assertFigures(self.customer, 880.0, 110.0)

    def test_line_moved_into_posted_invoice_refused(self):
        posted = self.invoice(self.confirmed_order(quantity=1))
        order = self.confirmed_order(quantity=8)
        draft = self.invoice(order, post=False)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            draft.invoice_line_ids.sudo(self.salesperson).write(
                {"invoice_id": posted.id}
            )
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_posted_line_quantity_refused(self):
        posted = self.invoice(self.confirmed_order())
        with self.assertRaises(UserError), self.env.cr.savepoint():
            posted.invoice_line_ids.sudo(self.salesperson).write({"quantity": 90.0})
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["account.invoice.line"].sudo(self.salesperson).create(
                {
                    "invoice_id": posted.id,
                    "name": "Credit test line",
                    "account_id": self.income_account().id,
                    "quantity": 1.0,
                    "price_unit": -500.0,
                }
            )
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_draft_line_quantity_changes(self):
        draft = self.invoice(self.confirmed_order(), post=False)
        draft.invoice_line_ids.sudo(self.salesperson).write({"quantity": 5.0})
        self.assertFigures(self.customer, 440.0, 550.0)

    # Units and invoiced quantities

    def test_invoice_line_unit_change_recounts(self):
        order = self.confirmed_order()
        draft = self.draft_invoice(order.order_line, 9.0, self.dozen)
        self.assertEqual(order.order_line.qty_invoiced, 108.0)
        # The line counts -10,890, but the order no less than zero.
        self.assertFigures(self.customer, 0.0, 11880.0)
        draft.invoice_line_ids.sudo(self.salesperson).write({"uom_id": self.unit.id})
        self.assertEqual(order.order_line.qty_invoiced, 9.0)
        self.assertFigures(self.customer, 0.0, 990.0)
        self.assertNoRoom()

    def test_ordered_quantity_below_invoiced_refused(self):
        order = self.confirmed_order()
        self.invoice(order)
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            order.order_line.sudo(self.salesperson).write({"product_uom_qty": 0.0})
        self.assertIn("credit note", caught.exception.name)
        self.assertFigures(self.customer, 0.0, 990.0)
        self.assertNoRoom()

    def test_ordered_quantity_above_invoiced_lowered(self):
        order = self.confirmed_order()
        self.invoice(order)
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 12.0})
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 9.0})
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_invoiced_line_unit_change_refused(self):
        order = self.confirmed_order(quantity=1)
        self.invoice(order)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            order.order_line.sudo(self.salesperson).write(
                {"product_uom": self.dozen.id}
            )
        self.assertFigures(self.customer, 0.0, 110.0)

    def test_posted_credit_note_keeps_order_links(self):
        order = self.confirmed_order()
        invoice = self.invoice(order)
        refund = self.refund(invoice, mode="cancel")
        self.assertTrue(refund.invoice_line_ids.sale_line_ids)
        self.assertFigures(self.customer, 990.0, 0.0)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            refund.invoice_line_ids.sudo(self.salesperson).write(
                {"sale_line_ids": [(5, 0, 0)]}
            )
        self.assertFigures(self.customer, 990.0, 0.0)
        self.assertNoRoom()

    def test_over_invoiced_order_counts_zero(self):
        order = self.confirmed_order()
        draft = self.invoice(order, post=False)
        draft.invoice_line_ids.write({"quantity": 100.0})
        draft.compute_taxes()
        draft.action_invoice_open()
        # The line counts -10,010, but the order no less than zero.
        self.assertFigures(self.customer, 0.0, 11000.0)
        self.pay(draft, 10010.0)
        self.assertFigures(self.customer, 0.0, 990.0)
        self.assertNoRoom()

    def test_down_payment_lowers_its_own_order(self):
        order = self.confirmed_order()
        down_payment = self.down_payment(order, 100.0).with_env(self.env)
        down_payment.action_invoice_open()
        self.pay(down_payment, 100.0)
        self.assertFigures(self.customer, 890.0, 0.0)

    def test_down_payment_beyond_order_counts_zero(self):
        self.set_ceilings(self.customer, management=5000.0, insurance=0.0)
        self.invoice(self.confirmed_order(quantity=1).with_env(self.env))
        order = self.confirmed_order()
        down_payment = self.down_payment(order, 2000.0).with_env(self.env)
        down_payment.action_invoice_open()
        self.pay(down_payment, 2000.0)
        # The advance covers the order, but not the other invoice's 110.
        self.assertFigures(self.customer, 0.0, 110.0)

    def test_down_payment_price_change_refused(self):
        order = self.confirmed_order()
        self.down_payment(order, 100.0).with_env(self.env).action_invoice_open()
        down_payment_line = order.order_line.filtered(
            lambda line: not line.product_uom_qty
        )
        self.assertEqual(down_payment_line.qty_invoiced, 1.0)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            down_payment_line.sudo(self.salesperson).write({"price_unit": 100000.0})
        self.assertFigures(self.customer, 890.0, 100.0)
        self.assertNoRoom()

    # Deliveries of blocked orders

    def test_cut_off_delivery_as_internal_transfer_refused(self):
        order = self.cut_off_order(product=self.product)
        picking = order.picking_ids
        internal = self.env.ref("stock.picking_type_internal")
        inventory = self.env.ref("stock.location_inventory")
        picking.sudo(self.warehouse_user).write(
            {"picking_type_id": internal.id, "location_dest_id": inventory.id}
        )
        picking.move_lines.sudo(self.warehouse_user).write(
            {"location_dest_id": inventory.id, "quantity_done": 5.0}
        )
        with self.assertRaises(UserError) as caught:
            picking.sudo(self.warehouse_user).action_done()
        self.assertIn(order.name, caught.exception.name)
        self.assertNotEqual(picking.state, "done")
