from odoo.exceptions import UserError

from .test_blocking import BlockingCase


class TestBlockGrowth(BlockingCase):
    """Confirmed orders edited upwards, or moved to another customer, are checked
    again."""

    @classmethod
    def setUpClass(cls):
        super(TestBlockGrowth, cls).setUpClass()
        # Odoo 11's default user template gives new users Contact Creation.
        cls.contact_editor = cls._create_user(
            "credit_sales_contacts",
            [
                cls.env.ref("sales_team.group_sale_salesman"),
                cls.env.ref("base.group_partner_manager"),
            ],
        )

    def confirmed_order(self, quantity=5, product=None, partner=None):
        order = self.create_order(
            quantity=quantity, product=product or self.product, partner=partner
        )
        self.confirm(order)
        self.assertEqual(order.credit_state, "ok")
        return order

    def test_quantity_increase_blocks(self):
        self.enable_blocking()
        order = self.confirmed_order()
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        self.assertTrue(order.credit_blocked)
        self.assertIn(
            "Credit Customer would be %s" % self.amount(1100), order.credit_message
        )

    def test_quantity_increase_not_procured(self):
        self.enable_blocking()
        order = self.confirmed_order()
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertEqual(sum(moves.mapped("product_uom_qty")), 5.0)

    def test_new_line_in_form_blocks(self):
        self.enable_blocking()
        order = self.confirmed_order()
        order.sudo(self.salesperson).write(
            {
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 5,
                            "price_unit": 100.0,
                            "tax_id": [(6, 0, self.tax.ids)],
                        },
                    )
                ]
            }
        )
        self.assertTrue(order.credit_blocked)
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertEqual(sum(moves.mapped("product_uom_qty")), 5.0)

    def test_new_line_over_rpc_blocks(self):
        self.enable_blocking()
        order = self.confirmed_order(product=self.product_ordered)
        self.env["sale.order.line"].sudo(self.salesperson).create(
            {
                "order_id": order.id,
                "product_id": self.product_ordered.id,
                "product_uom_qty": 5,
                "price_unit": 100.0,
                "tax_id": [(6, 0, self.tax.ids)],
            }
        )
        self.assertTrue(order.credit_blocked)

    def test_price_increase_blocks(self):
        self.enable_blocking()
        order = self.confirmed_order(product=self.product_ordered)
        order.order_line.sudo(self.salesperson).write({"price_unit": 200.0})
        self.assertTrue(order.credit_blocked)

    def test_growth_unreserves_delivery(self):
        self.enable_blocking()
        order = self.confirmed_order()
        picking = order.picking_ids
        self.assertEqual(picking.state, "assigned")
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        self.assertTrue(order.credit_blocked)
        self.assertEqual(picking.state, "confirmed")
        self.assertFalse(picking.move_line_ids)

    def test_growth_blocks_invoicing(self):
        self.enable_blocking()
        order = self.confirmed_order(product=self.product_ordered)
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        self.assertFalse(order.invoice_ids)
        with self.assertRaises(UserError):
            order.sudo(self.salesperson).action_invoice_create()

    def test_growth_without_blocking_warns(self):
        order = self.confirmed_order()
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        self.assertEqual(order.credit_state, "warned")
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertEqual(sum(moves.mapped("product_uom_qty")), 10.0)

    def test_growth_within_ceilings_stays_ok(self):
        self.enable_blocking()
        order = self.confirmed_order(quantity=5)
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 7})
        self.assertEqual(order.credit_state, "ok")
        self.assertAlmostEqual(order.credit_checked_amount, 770.0, places=2)

    def test_decrease_stays_ok(self):
        self.enable_blocking()
        order = self.confirmed_order(quantity=5)
        self.set_ceilings(self.customer, management=300.0)
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 4})
        self.assertEqual(order.credit_state, "ok")

    def test_growth_on_hold_blocks(self):
        order = self.confirmed_order(product=self.product_ordered, quantity=1)
        self.customer.sudo(self.controller).credit_hold = True
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 2})
        self.assertTrue(order.credit_blocked)

    def test_invoice_address_change_checked(self):
        self.enable_blocking()
        order = self.confirmed_order(
            partner=self.other_customer, product=self.product_ordered, quantity=10
        )
        order.sudo(self.salesperson).write({"partner_invoice_id": self.customer.id})
        self.assertEqual(order.credit_partner_id, self.customer)
        self.assertTrue(order.credit_blocked)

    def test_delivery_of_grown_order_refused(self):
        self.enable_blocking()
        order = self.confirmed_order()
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        with self.assertRaises(UserError):
            self.deliver(order, 5)

    # Contacts moved to another customer

    def contact_order(self, quantity=10, product=None):
        """Return an order of the contact editor, invoiced to a new contact of
        the other customer."""
        contact = self.env["res.partner"].create(
            {
                "name": "Credit Moving Contact",
                "parent_id": self.other_customer.id,
                "type": "contact",
            }
        )
        order = self.create_order(
            partner=contact,
            product=product or self.product_ordered,
            quantity=quantity,
            user=self.contact_editor,
        )
        self.confirm(order, user=self.contact_editor)
        self.assertEqual(order.credit_partner_id, self.other_customer)
        self.assertEqual(order.credit_state, "ok")
        return contact, order

    def test_contact_moved_over_ceiling_blocks(self):
        self.enable_blocking()
        contact, order = self.contact_order()
        contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        self.assertEqual(order.credit_partner_id, self.customer)
        self.assertTrue(order.credit_blocked)
        self.assertIn(
            "Credit Customer would be %s" % self.amount(1100), order.credit_message
        )
        self.assertIn(self.controller, self.credit_activities(order).mapped("user_id"))

    def test_contact_moved_order_not_invoiced(self):
        self.enable_blocking()
        contact, order = self.contact_order()
        contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        with self.assertRaises(UserError):
            order.sudo(self.contact_editor).action_invoice_create()
        self.assertFalse(order.invoice_ids)

    def test_contact_moved_by_controller_blocks(self):
        self.enable_blocking()
        contact, order = self.contact_order()
        contact.sudo(self.controller).write({"parent_id": self.customer.id})
        self.assertTrue(order.credit_blocked)

    def test_contact_moved_without_blocking_warns(self):
        contact, order = self.contact_order()
        contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        self.assertEqual(order.credit_state, "warned")

    def test_contact_moved_within_ceilings_stays_ok(self):
        self.enable_blocking()
        contact, order = self.contact_order(quantity=5)
        contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        self.assertEqual(order.credit_partner_id, self.customer)
        self.assertEqual(order.credit_state, "ok")

    def test_contact_moved_to_hold_blocks(self):
        contact, order = self.contact_order(quantity=1)
        self.customer.sudo(self.controller).credit_hold = True
        contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        self.assertTrue(order.credit_blocked)

    def test_contact_moved_with_delivery_pending_blocks(self):
        self.enable_blocking()
        contact, order = self.contact_order(product=self.product)
        contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        self.assertTrue(order.credit_blocked)
        with self.assertRaises(UserError):
            self.deliver(order, 10)

    def test_contact_moved_invoiced_order_stays_ok(self):
        self.enable_blocking()
        contact, order = self.contact_order()
        self.invoice(order)
        contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        self.assertEqual(order.credit_state, "ok")
        # Posted entries name the commercial partner, so they stay with it.
        self.assertFigures(self.customer, delivery=0.0, financial=0.0)
        self.assertFigures(self.other_customer, delivery=0.0, financial=1100.0)

    def test_contact_made_company_keeps_order_ok(self):
        self.enable_blocking()
        contact, order = self.contact_order()
        contact.sudo(self.contact_editor).write({"is_company": True})
        self.assertEqual(order.credit_partner_id, contact)
        self.assertEqual(order.credit_state, "ok")
