from odoo.exceptions import AccessError, UserError

from .common import CreditExposureCase


class TestBlocking(CreditExposureCase):
    def setUp(self):
        super(TestBlocking, self).setUp()
        self.set_ceilings(self.customer, management=1000.0, insurance=800.0)

    def test_no_ceiling_means_no_check(self):
        self.set_ceilings(self.customer, management=0.0, insurance=0.0)
        self.company.credit_block_orders = True
        order = self.create_order(quantity=100)
        result = order.action_confirm()
        self.assertIs(result, True)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")

    def test_order_within_ceiling_confirmed(self):
        order = self.create_order(quantity=7)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")

    def test_exposure_equal_to_ceiling_accepted(self):
        self.set_ceilings(self.customer, management=1100.0, insurance=1100.0)
        self.company.credit_block_orders = True
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.assertEqual(order.credit_state, "ok")

    def test_overrun_without_blocking_warns(self):
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "warned")
        self.assertFalse(order.credit_blocked)
        self.assertIn("management ceiling", order.credit_message)

    def test_overrun_with_blocking_returns_dialog(self):
        self.company.credit_block_orders = True
        order = self.create_order(quantity=10)
        action = order.sudo(self.salesperson).action_confirm()
        self.assertEqual(action["res_model"], "credit.block.wizard")
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.credit_blocked)

    def test_dialog_saves_order_blocked(self):
        self.company.credit_block_orders = True
        order = self.create_order(quantity=10)
        action = order.sudo(self.salesperson).action_confirm()
        wizard = self.env["credit.block.wizard"].sudo(self.salesperson).browse(
            action["res_id"]
        )
        wizard.action_save_blocked()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)
        self.assertFalse(order.picking_ids)

    def _blocked_order(self):
        self.company.credit_block_orders = True
        order = self.create_order(quantity=10, product=self.product_ordered)
        order.sudo(self.salesperson).with_context(
            credit_exposure_accept_block=True
        ).action_confirm()
        self.assertTrue(order.credit_blocked)
        return order

    def test_blocked_order_cannot_be_invoiced(self):
        order = self._blocked_order()
        with self.assertRaises(UserError):
            order.action_invoice_create()

    def test_blocked_order_delivery_refused(self):
        self.company.credit_block_orders = True
        order = self.create_order(quantity=5)
        order.action_confirm()
        self.assertEqual(order.credit_state, "ok")
        # A confirmed order blocked afterwards keeps its delivery, which must
        # then refuse validation.
        order.sudo().write({"credit_state": "blocked"})
        with self.assertRaises(UserError):
            self.deliver(order, 10)

    def test_controller_releases_with_reason(self):
        order = self._blocked_order()
        order.sudo(self.controller).credit_release("Customer paid in advance")
        self.assertEqual(order.credit_state, "released")
        self.assertFalse(order.credit_blocked)
        log = self.env["credit.release.log"].search([("order_id", "=", order.id)])
        self.assertEqual(log.user_id, self.controller)
        self.assertEqual(log.reason, "Customer paid in advance")

    def test_release_needs_reason(self):
        order = self._blocked_order()
        with self.assertRaises(UserError):
            order.sudo(self.controller).credit_release("  ")

    def test_salesperson_release_refused(self):
        order = self._blocked_order()
        with self.assertRaises(AccessError):
            order.sudo(self.salesperson).credit_release("Trust me")
        self.assertTrue(order.credit_blocked)

    def test_salesperson_cannot_write_ceiling(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.salesperson).write(
                {"credit_management_ceiling": 1e9}
            )

    def test_salesperson_cannot_unblock_by_write(self):
        order = self._blocked_order()
        with self.assertRaises(AccessError):
            order.sudo(self.salesperson).write({"credit_state": "ok"})
