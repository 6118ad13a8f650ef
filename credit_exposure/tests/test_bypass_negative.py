"""Negative amounts, raw cancellations and moved contacts make no room.

The customer has a management ceiling of 1,000; a unit costs 110, taxes
included, so an order of 9 units (990) fits and a second one does not.
"""

from odoo.exceptions import UserError, ValidationError

from .test_blocking import BlockingCase


class TestBypassNegative(BlockingCase):
    @classmethod
    def setUpClass(cls):
        super(TestBypassNegative, cls).setUpClass()
        # A salesperson on every document who may also edit contacts.
        cls.contact_editor = cls._create_user(
            "credit_contact_editor",
            [
                cls.env.ref("sales_team.group_sale_salesman_all_leads"),
                cls.env.ref("base.group_partner_manager"),
            ],
        )

    def setUp(self):
        super(TestBypassNegative, self).setUp()
        self.set_ceilings(self.customer, management=1000.0)

    def income_account(self):
        return self.product.categ_id.property_account_income_categ_id

    def draft_invoice(self, partner, price, quantity=1.0, sale_lines=None):
        """Create as the salesperson a draft invoice of one untaxed line."""
        line = {
            "name": "Credit test line",
            "account_id": self.income_account().id,
            "quantity": quantity,
            "price_unit": price,
        }
        if sale_lines:
            line["sale_line_ids"] = [(6, 0, sale_lines.ids)]
        return (
            self.env["account.invoice"]
            .sudo(self.salesperson)
            .create(
                {
                    "partner_id": partner.id,
                    "type": "out_invoice",
                    "account_id": partner.property_account_receivable_id.id,
                    "invoice_line_ids": [(0, 0, line)],
                }
            )
        )

    def add_service_line(self, order, price, quantity):
        """Add, as the salesperson, a taxed line of the service to order."""
        order.sudo(self.salesperson).write(
            {
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product_ordered.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": [(6, 0, self.tax.ids)],
                        },
                    )
                ]
            }
        )

    def confirmed_order(self, quantity=9, product=None):
        order = self.create_order(quantity=quantity, product=product or self.product)
        self.confirm(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")
        return order

    def test_negative_draft_invoice_lowers_nothing(self):
        self.draft_invoice(self.customer, -5000.0)
        self.assertFigures(self.customer, 0.0, 0.0)

    def test_negative_draft_invoice_makes_no_room(self):
        self.enable_blocking()
        self.confirmed_order()
        self.draft_invoice(self.customer, -5000.0)
        order = self.create_order(quantity=9, product=self.product_ordered)
        self.confirm(order, context={"credit_exposure_accept_block": True})
        self.assertTrue(order.credit_blocked)

    def test_negative_line_lowers_nothing(self):
        order = self.confirmed_order(quantity=1, product=self.product_ordered)
        self.add_service_line(order, -5000.0, 1.0)
        self.assertFigures(self.customer, 110.0, 0.0)

    def test_negative_order_confirms(self):
        self.enable_blocking()
        self.confirmed_order()
        self.assertFigures(self.customer, 990.0, 0.0)
        order = self.create_order(
            quantity=1, price=-500.0, product=self.product_ordered
        )
        self.confirm(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")
        self.assertFigures(self.customer, 990.0, 0.0)

    def test_cancel_by_write_cancels_delivery(self):
        order = self.cut_off_order()
        order.sudo(self.salesperson).write({"state": "cancel"})
        self.assertEqual(order.picking_ids.mapped("state"), ["cancel"])
        self.assertFalse(order.credit_blocked)

    def test_cancel_by_write_of_delivered_order_refused(self):
        order = self.confirmed_order(quantity=2)
        self.deliver(order.with_env(self.env), 2)
        with self.assertRaises(UserError):
            order.sudo(self.salesperson).write({"state": "cancel"})

    def test_link_from_order_line_to_other_customer_refused(self):
        order = self.confirmed_order(quantity=2, product=self.product_ordered)
        invoice = self.draft_invoice(self.other_customer, 110.0)
        with self.assertRaises(ValidationError):
            order.order_line.sudo(self.salesperson).write(
                {"invoice_lines": [(4, invoice.invoice_line_ids.id)]}
            )

    def test_link_from_order_line_keeps_figures(self):
        order = self.confirmed_order(quantity=2, product=self.product_ordered)
        invoice = self.draft_invoice(self.other_customer, 110.0)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            order.order_line.sudo(self.salesperson).write(
                {"invoice_lines": [(4, invoice.invoice_line_ids.id)]}
            )
        order.order_line.invalidate_cache()
        self.assertFigures(self.customer, 220.0, 0.0)

    def test_moving_contact_with_draft_invoice_refused(self):
        self.enable_blocking()
        self.confirmed_order()
        other_contact = self.env["res.partner"].create(
            {"name": "Credit Moved Contact", "parent_id": self.other_customer.id}
        )
        self.draft_invoice(other_contact, 800.0)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            other_contact.sudo(self.contact_editor).write(
                {"parent_id": self.customer.id}
            )
        other_contact.invalidate_cache()
        self.assertEqual(other_contact.commercial_partner_id, self.other_customer)

    def test_controller_moves_contact_with_draft_invoice(self):
        self.enable_blocking()
        self.confirmed_order()
        other_contact = self.env["res.partner"].create(
            {"name": "Credit Moved Contact", "parent_id": self.other_customer.id}
        )
        self.draft_invoice(other_contact, 800.0)
        other_contact.sudo(self.controller).write({"parent_id": self.customer.id})
        self.assertFigures(self.customer, 990.0, 800.0)

    def test_moving_contact_with_draft_invoice_within_ceiling(self):
        self.enable_blocking()
        other_contact = self.env["res.partner"].create(
            {"name": "Credit Moved Contact", "parent_id": self.other_customer.id}
        )
        self.draft_invoice(other_contact, 800.0)
        other_contact.sudo(self.contact_editor).write({"parent_id": self.customer.id})
        self.assertFigures(self.customer, 0.0, 800.0)

    def test_discount_over_hundred_lowers_nothing(self):
        order = self.confirmed_order(quantity=1, product=self.product_ordered)
        order.order_line.sudo(self.salesperson).write({"discount": 5100.0})
        self.assertFigures(self.customer, 0.0, 0.0)

    def test_order_checked_without_its_discount_lines(self):
        self.enable_blocking()
        order = self.create_order(quantity=20, product=self.product_ordered)
        self.add_service_line(order, -1300.0, 1.0)
        # The total is 770, but the exposure counts the 2,200 of goods.
        self.confirm(order, context={"credit_exposure_accept_block": True})
        self.assertTrue(order.credit_blocked)

    def test_negative_order_of_customer_on_hold_blocked(self):
        self.enable_blocking()
        self.customer.sudo(self.controller).credit_hold = True
        order = self.create_order(
            quantity=1, price=-500.0, product=self.product_ordered
        )
        self.confirm(order, context={"credit_exposure_accept_block": True})
        self.assertTrue(order.credit_blocked)

    def test_confirmed_order_back_to_quotation_refused(self):
        order = self.confirmed_order(quantity=2)
        self.deliver(order.with_env(self.env), 2)
        for state in ("draft", "sent"):
            with self.assertRaises(UserError), self.env.cr.savepoint():
                order.sudo(self.salesperson).write({"state": state})
        order.invalidate_cache()
        self.assertEqual(order.state, "sale")

    def test_contact_added_to_children_checks_orders(self):
        self.enable_blocking()
        self.confirmed_order()
        other = self.env["res.partner"].create(
            {"name": "Credit Moved Company", "is_company": True}
        )
        moved_order = self.create_order(
            partner=other, quantity=9, product=self.product_ordered
        )
        self.confirm(moved_order)
        self.assertEqual(moved_order.credit_state, "ok")
        other.sudo(self.contact_editor).write({"is_company": False})
        self.customer.sudo(self.contact_editor).write({"child_ids": [(4, other.id)]})
        moved_order.invalidate_cache()
        self.assertEqual(moved_order.credit_partner_id, self.customer)
        self.assertTrue(moved_order.credit_blocked)

    def test_negative_draft_linked_line_counts_order(self):
        order = self.confirmed_order(quantity=9, product=self.product_ordered)
        invoice = self.draft_invoice(
            self.customer, 110.0, quantity=9.0, sale_lines=order.order_line
        )
        invoice.sudo(self.salesperson).write(
            {
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Credit test negative line",
                            "account_id": self.income_account().id,
                            "quantity": 1.0,
                            "price_unit": -5000.0,
                        },
                    )
                ]
            }
        )
        self.assertLess(invoice.amount_total, 0.0)
        # The draft counts the 990 it takes off the order line, without the
        # negative line.
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_growth_behind_discount_line_checked(self):
        self.enable_blocking()
        order = self.create_order(quantity=9, product=self.product_ordered)
        self.add_service_line(order, -100.0, 9.0)
        self.confirm(order)
        self.assertEqual(order.credit_state, "ok")
        # Both lines grow together: the total stays 0, the goods reach 3,300.
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 30.0})
        self.assertTrue(order.credit_blocked)

    def test_checked_amount_without_discount_lines(self):
        order = self.create_order(quantity=9, product=self.product_ordered)
        self.add_service_line(order, -100.0, 9.0)
        self.confirm(order)
        # The 990 of goods, without the discount line's -990.
        self.assertAlmostEqual(order.credit_checked_amount, 990.0, places=2)

    def test_delivered_order_keeps_its_customer(self):
        order = self.confirmed_order(quantity=2)
        self.deliver(order.with_env(self.env), 2)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            order.sudo(self.salesperson).write(
                {"partner_invoice_id": self.other_customer.id}
            )
        order.invalidate_cache()
        self.assertEqual(order.credit_partner_id, self.customer)

    def test_line_of_confirmed_order_keeps_its_order(self):
        order = self.confirmed_order(quantity=2, product=self.product_ordered)
        other = self.create_order(
            partner=self.other_customer, product=self.product_ordered
        )
        with self.assertRaises(UserError), self.env.cr.savepoint():
            order.order_line.sudo(self.salesperson).write({"order_id": other.id})
        order.invalidate_cache()
        self.assertEqual(len(order.order_line), 1)
