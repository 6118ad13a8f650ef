from odoo import fields

from .common import CreditExposureCase


class TestWorkspaceBlocked(CreditExposureCase):
    def setUp(self):
        super(TestWorkspaceBlocked, self).setUp()
        self.set_ceilings(self.customer, management=1000.0)
        self.company.credit_block_orders = True

    def _blocked_order(self, quantity=10):
        order = self.create_order(quantity=quantity, product=self.product_ordered)
        order.sudo(self.salesperson).with_context(
            credit_exposure_accept_block=True
        ).action_confirm()
        self.assertTrue(order.credit_blocked)
        return order

    def _row(self, order):
        return (
            self.env["credit.blocked.order"]
            .sudo(self.controller)
            .search([("order_id", "=", order.id)])
        )

    def test_block_records_date(self):
        order = self._blocked_order()
        self.assertTrue(order.credit_blocked_date)

    def test_blocked_row_shows_order(self):
        order = self._blocked_order()
        row = self._row(order)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.credit_state, "blocked")
        self.assertEqual(row.partner_id, self.customer)
        self.assertEqual(row.user_id, self.salesperson)
        self.assertAlmostEqual(row.amount, 1100.0, places=2)
        self.assertEqual(row.days_blocked, 0)
        self.assertFalse(row.release_date)

    def test_blocked_row_shows_customer_overrun(self):
        order = self._blocked_order()
        # The blocked order counts in the exposure: 1,100 over 1,000.
        self.assertAlmostEqual(self._row(order).overrun, 100.0, places=2)

    def test_days_blocked_counts_from_block(self):
        order = self._blocked_order()
        order.sudo().write({"credit_blocked_date": "2020-01-01 10:00:00"})
        today = fields.Date.from_string(fields.Date.today())
        expected = (today - fields.Date.from_string("2020-01-01")).days
        self.assertEqual(self._row(order).days_blocked, expected)

    def test_release_from_list_opens_dialog(self):
        order = self._blocked_order()
        action = self._row(order).action_release()
        self.assertEqual(action["res_model"], "credit.release.wizard")
        wizard = (
            self.env["credit.release.wizard"]
            .sudo(self.controller)
            .with_context(**action["context"])
            .create({"reason": "Paid in advance"})
        )
        self.assertEqual(wizard.order_ids, order)
        wizard.action_release()
        self.assertEqual(order.credit_state, "released")

    def test_release_menu_action_opens_dialog(self):
        first = self._blocked_order(quantity=10)
        second = self._blocked_order(quantity=2)
        rows = self._row(first) | self._row(second)
        server_action = self.env.ref(
            "credit_exposure.credit_blocked_order_action_release"
        )
        action = (
            server_action.sudo(self.controller)
            .with_context(active_model="credit.blocked.order", active_ids=rows.ids)
            .run()
        )
        self.assertEqual(action["res_model"], "credit.release.wizard")
        wizard = (
            self.env["credit.release.wizard"]
            .sudo(self.controller)
            .with_context(**action["context"])
            .create({"reason": "Guarantee received"})
        )
        self.assertEqual(wizard.order_ids, first | second)

    def test_released_row_has_release_date(self):
        order = self._blocked_order()
        order.sudo(self.controller).credit_release("Paid in advance")
        row = self._row(order)
        self.assertEqual(row.credit_state, "released")
        self.assertTrue(row.release_date)
        this_month = fields.Date.today()[:8] + "01"
        released = self.env["credit.blocked.order"].search(
            [("credit_state", "=", "released"), ("release_date", ">=", this_month)]
        )
        self.assertIn(row, released)

    def test_warned_order_not_listed(self):
        self.company.credit_block_orders = False
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.assertEqual(order.credit_state, "warned")
        self.assertFalse(self._row(order))

    def test_key_figures_count_month_orders(self):
        self._blocked_order()
        self.company.credit_block_orders = False
        self.create_order(quantity=1).action_confirm()
        this_month = fields.Date.today()[:8] + "01"
        month = self.env["credit.key.figure"].search(
            [("company_id", "=", self.company.id), ("month", "=", this_month)]
        )
        self.assertEqual(month.blocked_order_count, 1)
        self.assertEqual(month.overrun_order_count, 2)

    def test_key_figures_month_end_exposure(self):
        self._blocked_order()
        History = self.env["credit.exposure.history"]
        History._credit_snapshot("2030-01-10")
        self.company.credit_block_orders = False
        self.create_order(quantity=5, product=self.product_ordered).action_confirm()
        History._credit_snapshot("2030-01-31")
        month = self.env["credit.key.figure"].search(
            [("company_id", "=", self.company.id), ("month", "=", "2030-01-01")]
        )
        self.assertEqual(month.snapshot_date, "2030-01-31")
        self.assertAlmostEqual(month.total_exposure, 1650.0, places=2)
        self.assertEqual(month.overrun_customer_count, 1)
