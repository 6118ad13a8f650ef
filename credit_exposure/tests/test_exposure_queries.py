"""The figures of many customers come from a fixed number of queries."""

from .test_blocking import BlockingCase
from .test_exposure_cases import ExposureScenarioCase


class TestExposureQueries(ExposureScenarioCase):
    @classmethod
    def setUpClass(cls):
        super(TestExposureQueries, cls).setUpClass()
        cls._setup_foreign_currency()

    def setUp(self):
        super(TestExposureQueries, self).setUp()
        self.set_rate(self.currency, 1.0)
        self.set_rate(self.foreign, 2.0)
        self.customers = self.env["res.partner"]
        for index in range(5):
            self.customers |= self._create_active_customer(index)

    def _create_active_customer(self, index):
        """Create a customer with an open order, a foreign order and open invoices."""
        customer = self.env["res.partner"].create(
            {"name": "Credit Query Customer %d" % index, "is_company": True}
        )
        order = self.create_order(partner=customer, quantity=10)
        order.action_confirm()
        self.deliver(order.with_env(self.env), 4)
        self.invoice(order.with_env(self.env))
        foreign_order = self.create_order(
            partner=customer, product=self.product_ordered, quantity=10
        )
        foreign_order.pricelist_id = self.foreign_pricelist
        foreign_order.action_confirm()
        self.invoice(foreign_order.with_env(self.env), post=False)
        self.pay_partner(customer, 100.0)
        return customer

    def _count_queries(self, function):
        """Return how many SQL queries function runs on an empty cache."""
        self.env["res.partner"].invalidate_cache()
        before = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - before

    def test_compute_figures_queries_do_not_grow(self):
        exposure = self.env["credit.exposure"]
        one = self.customers[:1]
        five = self.customers
        queries_one = self._count_queries(lambda: exposure.compute_figures(one))
        queries_five = self._count_queries(lambda: exposure.compute_figures(five))
        self.assertGreater(queries_one, 0)
        self.assertEqual(queries_five, queries_one)

    def test_partner_fields_queries_do_not_grow(self):
        one = self.customers[:1].ids
        five = self.customers.ids
        partners = self.env["res.partner"]
        queries_one = self._count_queries(
            lambda: partners.browse(one).mapped("total_exposure")
        )
        queries_five = self._count_queries(
            lambda: partners.browse(five).mapped("total_exposure")
        )
        self.assertEqual(queries_five, queries_one)

    def test_figures_of_five_customers(self):
        # 660 left to invoice; 440 posted plus 550 draft (1,100 EUR), less 100
        # paid, which no insured invoice carries.
        for customer in self.customers:
            self.assertFiguresAfter(customer.name, customer, 660.0, 890.0, 660.0, 990.0)


class TestCheckQueries(BlockingCase):
    """The credit check of one company's orders runs three queries, however many."""

    def _count_check_queries(self, orders):
        """Return how many SQL queries the salesperson's check of orders runs cold."""
        orders = orders.sudo(self.salesperson)
        orders.recompute()
        orders.invalidate_cache()
        before = self.env.cr.sql_log_count
        orders._credit_decisions()
        return self.env.cr.sql_log_count - before

    def test_check_queries_in_cold_cache(self):
        self.confirm(self.create_order(quantity=2))
        order = self.create_order(quantity=5)
        # One reads the order with its customer and company, one locks the
        # customer and one sums its movements.
        self.assertEqual(self._count_check_queries(order), 3)

    def test_check_queries_do_not_grow(self):
        self.set_ceilings(self.other_customer, management=1000.0)
        self.confirm(self.create_order(quantity=2))
        self.confirm(self.create_order(partner=self.other_customer, quantity=2))
        orders = self.create_order(quantity=5)
        orders |= self.create_order(quantity=1)
        orders |= self.create_order(partner=self.other_customer, quantity=3)
        orders[0].order_line.copy({"order_id": orders[0].id})
        self.assertEqual(self._count_check_queries(orders), 3)
