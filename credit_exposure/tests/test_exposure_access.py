"""A salesperson who sees only their own orders reads the full exposure."""

from .common import CreditExposureCase


class TestExposureAccess(CreditExposureCase):
    @classmethod
    def setUpClass(cls):
        super(TestExposureAccess, cls).setUpClass()
        cls.other_salesperson = cls._create_user(
            "credit_sales_other", [cls.env.ref("sales_team.group_sale_salesman")]
        )

    def setUp(self):
        super(TestExposureAccess, self).setUp()
        self.other_order = self.create_order(quantity=10, user=self.other_salesperson)
        self.other_order.action_confirm()

    def test_salesperson_cannot_read_other_order(self):
        orders = (
            self.env["sale.order"]
            .sudo(self.salesperson)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertNotIn(self.other_order, orders)

    def test_salesperson_reads_other_salesperson_order(self):
        customer = self.customer.sudo(self.salesperson)
        self.assertFiguresAfter("other's order", customer, 1100.0, 0.0)

    def test_salesperson_reads_invoices_of_others(self):
        self.deliver(self.other_order.with_env(self.env), 10)
        invoice = self.invoice(self.other_order.with_env(self.env))
        self.pay(invoice, 100.0)
        customer = self.customer.sudo(self.salesperson)
        self.assertFiguresAfter("other's invoice", customer, 0.0, 1000.0)

    def test_salesperson_checked_against_full_exposure(self):
        self.set_ceilings(self.customer, management=1500.0)
        order = self.create_order(quantity=5)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "warned")

    def test_salesperson_order_within_full_exposure(self):
        self.set_ceilings(self.customer, management=1650.0)
        order = self.create_order(quantity=5)
        order.action_confirm()
        self.assertEqual(order.credit_state, "ok")

    def test_salesperson_drill_down_shows_own_lines_only(self):
        order = self.create_order(quantity=5)
        order.action_confirm()
        action = self.customer.sudo(self.salesperson).action_view_credit_order_lines()
        lines = (
            self.env[action["res_model"]]
            .sudo(self.salesperson)
            .search(action["domain"])
        )
        self.assertEqual(lines, order.order_line)
