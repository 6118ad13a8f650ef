from odoo.exceptions import UserError

from .common import CreditExposureCase

ACCEPT_BLOCK = {"credit_exposure_accept_block": True}


class BlockingCase(CreditExposureCase):
    """Customer with a management ceiling of 1,000 and an insurance ceiling of 800.

    An order line of the test products costs 110 a unit, taxes included.
    """

    @classmethod
    def setUpClass(cls):
        super(BlockingCase, cls).setUpClass()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Credit Other Customer", "is_company": True, "customer": True}
        )
        cls.warehouse_user = cls._create_user(
            "credit_warehouse", [cls.env.ref("stock.group_stock_user")]
        )
        cls.activity_type = cls.env.ref(
            "credit_exposure.mail_activity_type_credit_block"
        )

    def setUp(self):
        super(BlockingCase, self).setUp()
        self.set_ceilings(self.customer, management=1000.0, insurance=800.0)

    def enable_blocking(self):
        self.company.credit_block_orders = True

    def confirm(self, order, user=None, context=None):
        """Press Confirm on order as user (the salesperson by default)."""
        order = order.sudo(user or self.salesperson)
        return order.with_context(**(context or {})).action_confirm()

    def blocked_order(self, quantity=10, product=None):
        """Return an order confirmed as blocked from the blocking dialog."""
        self.enable_blocking()
        order = self.create_order(
            quantity=quantity, product=product or self.product_ordered
        )
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertTrue(order.credit_blocked)
        return order

    def cut_off_order(self, quantity=5, product=None):
        """Return an order confirmed within the ceilings, then cut off by hand."""
        order = self.create_order(quantity=quantity, product=product or self.product)
        self.confirm(order)
        self.assertEqual(order.credit_state, "ok")
        order.sudo(self.controller).action_credit_block()
        self.assertTrue(order.credit_blocked)
        return order

    def amount(self, value):
        """Format value as the credit messages do."""
        return self.customer._credit_format_amount(value, self.currency)

    def onchange_warning(self, values, field_name):
        """Run the form onchange of field_name as the salesperson, like the client."""
        orders = self.env["sale.order"].sudo(self.salesperson)
        spec = orders._onchange_spec()
        names = [name for name in spec if "." not in name]
        all_values = orders.default_get(names)
        for name in names:
            all_values.setdefault(name, False)
        all_values.update(values)
        return orders.onchange(all_values, field_name, spec).get("warning")

    def credit_activities(self, order):
        return order.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.activity_type
        )


class TestBlocking(BlockingCase):
    def test_onchange_warns_new_quotation(self):
        self.confirm(self.create_order(quantity=10))
        warning = self.onchange_warning({"partner_id": self.customer.id}, "partner_id")
        self.assertEqual(warning["title"], "Customer over a credit ceiling")
        self.assertEqual(
            warning["message"],
            "The total exposure of Credit Customer is %s, over its management "
            "ceiling of %s by %s.\nThe insured total exposure of Credit Customer "
            "is %s, over its insurance ceiling of %s by %s."
            % (
                self.amount(1100),
                self.amount(1000),
                self.amount(100),
                self.amount(1100),
                self.amount(800),
                self.amount(300),
            ),
        )

    def test_onchange_warns_changed_customer(self):
        self.confirm(self.create_order(quantity=10))
        # The form of a quotation for the other customer, changed to the customer.
        values = {
            "partner_id": self.customer.id,
            "partner_invoice_id": self.other_customer.id,
            "partner_shipping_id": self.other_customer.id,
        }
        warning = self.onchange_warning(values, "partner_id")
        self.assertIn(
            "The total exposure of Credit Customer is %s" % self.amount(1100),
            warning["message"],
        )

    def test_onchange_silent_within_ceilings(self):
        self.confirm(self.create_order(quantity=5))
        warning = self.onchange_warning({"partner_id": self.customer.id}, "partner_id")
        self.assertIsNone(warning)

    def test_onchange_warns_customer_on_hold(self):
        self.customer.sudo(self.controller).credit_hold = True
        warning = self.onchange_warning({"partner_id": self.customer.id}, "partner_id")
        self.assertEqual(
            warning["message"],
            "Credit Customer is on credit hold, so every new order is blocked "
            "until a credit controller lifts the hold.",
        )

    def test_no_ceiling_means_no_check(self):
        self.set_ceilings(self.customer, management=0.0, insurance=0.0)
        self.enable_blocking()
        order = self.create_order(quantity=100)
        result = self.confirm(order)
        self.assertIs(result, True)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")

    def test_order_within_ceiling_confirmed(self):
        order = self.create_order(quantity=7)
        self.confirm(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")

    def test_exposure_equal_to_ceiling_accepted(self):
        self.set_ceilings(self.customer, management=1100.0, insurance=1100.0)
        self.enable_blocking()
        order = self.create_order(quantity=10)
        self.confirm(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")

    def test_overrun_without_blocking_warns(self):
        order = self.create_order(quantity=10)
        result = self.confirm(order)
        self.assertIs(result, True)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "warned")
        self.assertFalse(order.credit_blocked)
        self.assertEqual(
            order.credit_message.split("\n")[0],
            "With this order, the total exposure of Credit Customer would be %s, "
            "over its management ceiling of %s by %s."
            % (self.amount(1100), self.amount(1000), self.amount(100)),
        )
        self.assertIn("Confirmed over a credit ceiling.", order.message_ids[0].body)

    def test_overrun_with_blocking_returns_dialog(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        action = self.confirm(order)
        self.assertEqual(action["res_model"], "credit.block.wizard")
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.credit_blocked)
        wizard = self.env["credit.block.wizard"].browse(action["res_id"])
        self.assertIn(
            "%s: With this order, the total exposure of Credit Customer would be %s"
            % (order.name, self.amount(1100)),
            wizard.message,
        )

    def test_dialog_saves_order_blocked(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        action = self.confirm(order)
        wizard = (
            self.env["credit.block.wizard"]
            .sudo(self.salesperson)
            .browse(action["res_id"])
        )
        wizard.action_save_blocked()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)
        self.assertFalse(order.picking_ids)

    def test_confirm_from_sent_returns_dialog(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        order.sudo(self.salesperson).write({"state": "sent"})
        action = self.confirm(order)
        self.assertEqual(action["res_model"], "credit.block.wizard")
        self.assertEqual(order.state, "sent")

    def test_confirm_from_sent_saved_blocked(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        order.sudo(self.salesperson).write({"state": "sent"})
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)

    def test_several_orders_count_cumulatively(self):
        self.enable_blocking()
        first = self.create_order(quantity=5)
        second = self.create_order(quantity=5)
        action = self.confirm(first | second)
        self.assertEqual(action["res_model"], "credit.block.wizard")
        self.assertEqual(first.state, "draft")
        self.assertEqual(second.state, "draft")

    def test_several_orders_saved_blocked_cumulatively(self):
        self.enable_blocking()
        first = self.create_order(quantity=5)
        second = self.create_order(quantity=5)
        self.confirm(first | second, context=ACCEPT_BLOCK)
        self.assertEqual(first.credit_state, "ok")
        self.assertEqual(second.credit_state, "blocked")
        self.assertTrue(first.picking_ids)
        self.assertFalse(second.picking_ids)

    def test_several_orders_each_own_customer(self):
        # Odoo 11.0's sale._action_confirm fails with "Expected singleton" on
        # several orders: the addon confirms them one by one.
        self.enable_blocking()
        self.set_ceilings(self.customer, management=1000.0)
        self.set_ceilings(self.other_customer, management=1000.0)
        orders = (
            self.create_order(quantity=5)
            | self.create_order(partner=self.other_customer, quantity=5)
            | self.create_order(quantity=3)
        )
        result = self.confirm(orders)
        self.assertIs(result, True)
        self.assertEqual(orders.mapped("state"), ["sale"] * 3)
        self.assertEqual(orders.mapped("credit_state"), ["ok"] * 3)

    def test_several_orders_with_expense_product(self):
        # Each order with an expense product gets its own analytic account.
        self.product_ordered.expense_policy = "cost"
        orders = self.create_order(quantity=1) | self.create_order(
            product=self.product_ordered, quantity=1
        )
        orders |= self.create_order(product=self.product_ordered, quantity=1)
        self.confirm(orders)
        self.assertEqual(orders.mapped("state"), ["sale"] * 3)
        self.assertTrue(all(orders[1:].mapped("analytic_account_id")))

    def test_state_written_over_rpc_confirms_blocked(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        order.sudo(self.salesperson).write({"state": "sale"})
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)

    def test_order_created_confirmed_is_blocked(self):
        self.enable_blocking()
        order = (
            self.env["sale.order"]
            .sudo(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product_ordered.id,
                                "product_uom_qty": 10,
                                "price_unit": 100.0,
                                "tax_id": [(6, 0, self.tax.ids)],
                            },
                        )
                    ],
                }
            )
        )
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)

    def test_hold_blocks_without_blocking(self):
        self.customer.sudo(self.controller).credit_hold = True
        order = self.create_order(quantity=1)
        action = self.confirm(order)
        self.assertEqual(action["res_model"], "credit.block.wizard")
        self.assertEqual(order.state, "draft")

    def test_hold_saved_blocked_within_ceilings(self):
        self.customer.sudo(self.controller).credit_hold = True
        order = self.create_order(quantity=1)
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertTrue(order.credit_blocked)
        self.assertEqual(
            order.credit_message,
            "Credit Customer is on credit hold, so every new order is blocked "
            "until a credit controller lifts the hold.",
        )

    def test_reopened_cancelled_order_checked_again(self):
        order = self.blocked_order()
        order.sudo(self.salesperson).action_cancel()
        order.sudo(self.salesperson).action_draft()
        self.assertEqual(order.credit_state, "ok")
        action = self.confirm(order)
        self.assertEqual(action["res_model"], "credit.block.wizard")
        self.assertEqual(order.state, "draft")

    def test_action_draft_keeps_confirmed_order_blocked(self):
        order = self.blocked_order()
        order.sudo(self.salesperson).action_draft()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)

    def test_duplicated_blocked_order_checked_again(self):
        order = self.blocked_order()
        copy = order.sudo(self.salesperson).copy()
        self.assertEqual(copy.credit_state, "ok")
        action = self.confirm(copy)
        self.assertEqual(action["res_model"], "credit.block.wizard")
        self.assertEqual(copy.state, "draft")

    def test_confirm_again_keeps_blocked(self):
        order = self.blocked_order(product=self.product)
        self.confirm(order)
        self.assertTrue(order.credit_blocked)
        self.assertFalse(order.picking_ids)

    def test_cancelled_order_cannot_be_confirmed(self):
        order = self.blocked_order()
        order.sudo(self.salesperson).action_cancel()
        with self.assertRaises(UserError):
            self.confirm(order)
