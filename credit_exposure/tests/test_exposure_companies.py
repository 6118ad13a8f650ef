"""Each company sees only its own documents, converted at its own rates."""

from .test_exposure_cases import ExposureScenarioCase


class TestExposureCompanies(ExposureScenarioCase):
    @classmethod
    def setUpClass(cls):
        super(TestExposureCompanies, cls).setUpClass()
        cls.company2 = cls.env["res.company"].create(
            {"name": "Credit Second Company", "currency_id": cls.currency.id}
        )
        cls._load_chart(cls.company2)
        cls.user2 = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Credit Second Company User",
                    "login": "credit_second_company",
                    "email": "credit_second_company@example.com",
                    "company_id": cls.company2.id,
                    "company_ids": [(6, 0, cls.company2.ids)],
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                cls.env.ref("sales_team.group_sale_manager").id,
                                cls.env.ref("account.group_account_invoice").id,
                            ],
                        )
                    ],
                }
            )
        )
        cls._setup_foreign_currency()

    @classmethod
    def _load_chart(cls, company):
        """Install the generic chart of accounts in company, as its administrator."""
        admin = cls.env.user
        main_company = admin.company_id
        admin.write({"company_ids": [(4, company.id)], "company_id": company.id})
        cls.env.ref(
            "l10n_generic_coa.configurable_chart_template"
        ).try_loading_for_current_company()
        admin.company_id = main_company

    def create_second_company_order(self, price, pricelist=None):
        """Confirm an untaxed order of the service, as the second company's user."""
        order = self.create_order(
            product=self.product_ordered, price=price, user=self.user2
        )
        self.remove_taxes(order)
        if pricelist:
            order.pricelist_id = pricelist
        order.action_confirm()
        return order

    def test_second_company_order_counts_there(self):
        self.create_order(quantity=10).action_confirm()
        order = self.create_second_company_order(500.0)
        self.assertEqual(order.company_id, self.company2)
        self.assertFiguresAfter("first company", self.customer, 1100.0, 0.0)
        self.assertFiguresAfter(
            "second company", self.customer.sudo(self.user2), 500.0, 0.0
        )

    def test_second_company_invoice_counts_there(self):
        order = self.create_second_company_order(500.0)
        invoice_ids = order.action_invoice_create()
        invoice = self.env["account.invoice"].sudo(self.user2).browse(invoice_ids)
        invoice.action_invoice_open()
        self.assertEqual(invoice.company_id, self.company2)
        self.assertFiguresAfter("first company", self.customer, 0.0, 0.0)
        self.assertFiguresAfter(
            "second company", self.customer.sudo(self.user2), 0.0, 500.0
        )

    def test_compute_figures_for_given_company(self):
        self.create_order(quantity=10).action_confirm()
        self.create_second_company_order(500.0)
        exposure = self.env["credit.exposure"]
        first = exposure.compute_figures(self.customer, self.company)
        second = exposure.compute_figures(self.customer, self.company2)
        self.assertAlmostEqual(first[self.customer.id].delivery, 1100.0, places=2)
        self.assertAlmostEqual(second[self.customer.id].delivery, 500.0, places=2)

    def test_each_company_converts_at_its_rate(self):
        self.set_rate(self.currency, 1.0)
        self.set_rate(self.foreign, 2.0)
        self.set_rate(self.currency, 1.0, company=self.company2)
        self.set_rate(self.foreign, 5.0, company=self.company2)
        self.create_second_company_order(1000.0, pricelist=self.foreign_pricelist)
        exposure = self.env["credit.exposure"]
        figures = exposure.compute_figures(self.customer, self.company2)
        self.assertAlmostEqual(figures[self.customer.id].delivery, 200.0, places=2)

    def test_new_order_converts_at_its_company_rate(self):
        # The first company's rate would make the order 500, the second's 200.
        self.set_rate(self.currency, 1.0)
        self.set_rate(self.foreign, 2.0)
        self.set_rate(self.currency, 1.0, company=self.company2)
        self.set_rate(self.foreign, 5.0, company=self.company2)
        order = self.create_order(
            product=self.product_ordered, price=1000.0, user=self.user2
        )
        self.remove_taxes(order)
        order.pricelist_id = self.foreign_pricelist
        self.set_ceilings(self.customer, management=100.0)
        # Checked by a user whose current company is the first one.
        self.assertEqual(self.env.user.company_id, self.company)
        [(_order, decision)] = order.sudo()._credit_decisions()
        [overrun] = decision.overruns
        self.assertEqual(overrun.ceiling, "management")
        self.assertAlmostEqual(overrun.exposure, 200.0, places=2)

    def test_orders_of_two_companies_checked_apart(self):
        self.set_ceilings(self.customer, management=1000.0)
        first = self.create_order(product=self.product_ordered, price=900.0)
        second = self.create_order(
            product=self.product_ordered, price=900.0, user=self.user2
        )
        self.remove_taxes(first)
        self.remove_taxes(second)
        self.assertEqual(second.company_id, self.company2)
        orders = first.sudo() | second.sudo()
        decisions = dict(orders._credit_decisions())
        # Each order fits under the ceiling in its own company.
        self.assertEqual(decisions[first.sudo()].action, "accept")
        self.assertEqual(decisions[second.sudo()].action, "accept")
