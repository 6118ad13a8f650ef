import datetime

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from .common import CreditExposureCase

FIGURES = (
    "delivery_exposure",
    "insured_delivery_exposure",
    "financial_exposure",
    "insured_financial_exposure",
    "total_exposure",
    "insured_total_exposure",
)


class TestWorkspaceAnalysis(CreditExposureCase):
    """Exposure analysis and customer views against compute_figures()."""

    @classmethod
    def setUpClass(cls):
        super(TestWorkspaceAnalysis, cls).setUpClass()
        cls.other_salesperson = cls._create_user(
            "credit_sales_other", [cls.env.ref("sales_team.group_sale_salesman")]
        )
        cls.second_customer = cls.env["res.partner"].create(
            {"name": "Credit Second Customer", "is_company": True, "customer": True}
        )
        cls.third_customer = cls.env["res.partner"].create(
            {"name": "Credit Third Customer", "is_company": True, "customer": True}
        )
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env.user))

    def _days_ago(self, days):
        return fields.Date.to_string(self.today - datetime.timedelta(days=days))

    def _overdue_invoice(self, partner, quantity, days_overdue, user=None):
        """Deliver and invoice an order of partner, due days_overdue days ago."""
        order = self.create_order(partner=partner, quantity=quantity, user=user)
        order.action_confirm()
        self.deliver(order, quantity)
        invoice = self.invoice(order, post=False)
        date = self._days_ago(days_overdue)
        invoice.write({"date_invoice": date, "date_due": date})
        invoice.action_invoice_open()
        return invoice

    def _build_scenario(self):
        # Customer 1 (salesperson): an open order, invoices 10 and 45 days
        # overdue with 200 paid on the second, and an uninsured order.
        self.create_order(quantity=5).action_confirm()
        self._overdue_invoice(self.customer, 2, 10)
        invoice = self._overdue_invoice(self.customer, 4, 45)
        self.pay(invoice, 200.0)
        self.create_order(quantity=1, insured=False).action_confirm()
        # Customer 2 (other salesperson): an invoice 100 days overdue, one not
        # due yet, and a draft invoice.
        self._overdue_invoice(self.second_customer, 3, 100, user=self.other_salesperson)
        self._overdue_invoice(self.second_customer, 1, -15, user=self.other_salesperson)
        order = self.create_order(
            partner=self.second_customer, quantity=2, user=self.other_salesperson
        )
        order.action_confirm()
        self.deliver(order, 2)
        self.invoice(order, post=False)
        # Customer 3 (other salesperson): an invoice 70 days overdue.
        self._overdue_invoice(self.third_customer, 6, 70, user=self.other_salesperson)

    def _customers(self):
        return self.customer | self.second_customer | self.third_customer

    def _analysis_by(self, groupby, partners=None):
        """Return {group value: {figure: amount}} of the analysis view."""
        partners = partners or self._customers()
        Analysis = self.env["credit.exposure.analysis"].sudo(self.controller)
        groups = Analysis.read_group(
            [("partner_id", "in", partners.ids)],
            list(FIGURES) + [groupby],
            [groupby],
            lazy=False,
        )
        result = {}
        for group in groups:
            key = group[groupby]
            if isinstance(key, tuple):
                key = key[0]
            result[key] = {name: group[name] for name in FIGURES}
        return result

    def test_analysis_per_customer_equals_figures(self):
        self._build_scenario()
        expected = self.env["credit.exposure"].compute_figures(
            self._customers(), self.company
        )
        by_partner = self._analysis_by("partner_id")
        for partner in self._customers():
            figures = expected[partner.id]
            row = by_partner[partner.id]
            totals = {
                "delivery_exposure": figures.delivery,
                "insured_delivery_exposure": figures.insured_delivery,
                "financial_exposure": figures.financial,
                "insured_financial_exposure": figures.insured_financial,
                "total_exposure": figures.delivery + figures.financial,
                "insured_total_exposure": (
                    figures.insured_delivery + figures.insured_financial
                ),
            }
            for name, amount in totals.items():
                self.assertAlmostEqual(
                    row[name], amount, places=2, msg="%s %s" % (partner.name, name)
                )

    def test_analysis_scenario_amounts(self):
        self._build_scenario()
        # Customer 1: order 5 x 110 + uninsured 1 x 110; invoices 220 + 440 - 200.
        self.assertFigures(
            self.customer, delivery=660.0, financial=460.0, insured_delivery=550.0
        )
        # Customer 2: invoices 330 + 110 + draft 220.
        self.assertFigures(self.second_customer, delivery=0.0, financial=660.0)
        self.assertFigures(self.third_customer, delivery=0.0, financial=660.0)

    def test_analysis_per_salesperson(self):
        self._build_scenario()
        by_user = self._analysis_by("user_id")
        self.assertAlmostEqual(
            by_user[self.salesperson.id]["total_exposure"], 1120.0, places=2
        )
        self.assertAlmostEqual(
            by_user[self.other_salesperson.id]["total_exposure"], 1320.0, places=2
        )

    def test_analysis_per_age(self):
        self._build_scenario()
        by_age = self._analysis_by("age")
        expected = {
            "0_not_invoiced": 660.0,
            "1_not_due": 330.0,
            "2_1_30": 220.0,
            "3_31_60": 240.0,
            "4_61_90": 660.0,
            "5_over_90": 330.0,
        }
        self.assertEqual(sorted(by_age), sorted(expected))
        for age, amount in expected.items():
            self.assertAlmostEqual(
                by_age[age]["total_exposure"], amount, places=2, msg=age
            )

    def test_analysis_per_industry(self):
        industry = self.env["res.partner.industry"].create({"name": "Credit Mills"})
        self.second_customer.industry_id = industry
        self._build_scenario()
        by_industry = self._analysis_by("industry_id")
        self.assertAlmostEqual(
            by_industry[industry.id]["financial_exposure"], 660.0, places=2
        )
        self.assertAlmostEqual(by_industry[False]["total_exposure"], 1780.0, places=2)

    def test_analysis_converts_foreign_currency(self):
        income_account = self.product.categ_id.property_account_income_categ_id
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "company_id": self.company.id,
                "name": fields.Date.to_string(self.today),
                "rate": 2.0,
            }
        )
        invoice = self.env["account.invoice"].create(
            {
                "partner_id": self.customer.id,
                "account_id": self.customer.property_account_receivable_id.id,
                "currency_id": eur.id,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Foreign goods",
                            "product_id": self.product.id,
                            "quantity": 1.0,
                            "price_unit": 1000.0,
                            "account_id": income_account.id,
                        },
                    )
                ],
            }
        )
        invoice.action_invoice_open()
        by_partner = self._analysis_by("partner_id", self.customer)
        self.assertAlmostEqual(
            by_partner[self.customer.id]["financial_exposure"], 500.0, places=2
        )
        self.assertFigures(self.customer, delivery=0.0, financial=500.0)

    def test_customer_view_equals_figures(self):
        self._build_scenario()
        self.set_ceilings(self.customer, management=1000.0, insurance=2000.0)
        rows = (
            self.env["credit.customer.exposure"]
            .sudo(self.controller)
            .search([("partner_id", "in", self._customers().ids)])
        )
        expected = self.env["credit.exposure"].compute_figures(
            self._customers(), self.company
        )
        self.assertEqual(rows.mapped("partner_id"), self._customers())
        for row in rows:
            figures = expected[row.partner_id.id]
            self.assertAlmostEqual(row.delivery_exposure, figures.delivery, places=2)
            self.assertAlmostEqual(
                row.insured_delivery_exposure, figures.insured_delivery, places=2
            )
            self.assertAlmostEqual(row.financial_exposure, figures.financial, places=2)
            self.assertAlmostEqual(
                row.insured_financial_exposure, figures.insured_financial, places=2
            )

    def test_customer_over_ceiling_at_risk(self):
        self._build_scenario()
        self.set_ceilings(self.customer, management=1000.0)
        row = self.env["credit.customer.exposure"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.risk_state, "over")
        self.assertAlmostEqual(row.management_overrun, 120.0, places=2)
        self.assertAlmostEqual(row.overrun, 120.0, places=2)
        self.assertAlmostEqual(row.management_usage, 112.0, places=2)

    def test_customer_near_ceiling_at_risk(self):
        self._build_scenario()
        # 660 of 800 is 82.5 %: over the default 80 % threshold.
        self.set_ceilings(self.second_customer, insurance=800.0)
        row = self.env["credit.customer.exposure"].search(
            [("partner_id", "=", self.second_customer.id)]
        )
        self.assertEqual(row.risk_state, "at_risk")
        self.assertAlmostEqual(row.insurance_usage, 82.5, places=2)
        self.assertEqual(row.overrun, 0.0)

    def test_customer_below_threshold_ok(self):
        self._build_scenario()
        self.company.credit_risk_threshold = 90.0
        self.set_ceilings(self.second_customer, insurance=800.0)
        row = self.env["credit.customer.exposure"].search(
            [("partner_id", "=", self.second_customer.id)]
        )
        self.assertEqual(row.risk_state, "ok")

    def test_risk_threshold_out_of_range_rejected(self):
        for threshold in (0.0, 120.0):
            with self.assertRaises(ValidationError, msg=threshold):
                self.company.credit_risk_threshold = threshold

    def test_at_risk_action_sorted_by_overrun(self):
        self._build_scenario()
        self.set_ceilings(self.customer, management=1000.0)
        self.set_ceilings(self.second_customer, management=500.0)
        self.set_ceilings(self.third_customer, management=700.0)
        action = self.env.ref("credit_exposure.credit_customer_exposure_action_at_risk")
        rows = (
            self.env["credit.customer.exposure"]
            .sudo(self.controller)
            .search(
                safe_eval(action.domain) + [("partner_id", "in", self._customers().ids)]
            )
        )
        self.assertEqual(
            rows.mapped("partner_id").ids,
            [self.second_customer.id, self.customer.id, self.third_customer.id],
        )
        self.assertEqual(rows.mapped("overrun"), [160.0, 120.0, 0.0])

    def test_no_ceiling_action_lists_unchecked_customers(self):
        self._build_scenario()
        self.set_ceilings(self.customer, management=5000.0)
        action = self.env.ref(
            "credit_exposure.credit_customer_exposure_action_no_ceiling"
        )
        rows = (
            self.env["credit.customer.exposure"]
            .sudo(self.controller)
            .search(
                safe_eval(action.domain) + [("partner_id", "in", self._customers().ids)]
            )
        )
        self.assertEqual(
            rows.mapped("partner_id"), self.second_customer | self.third_customer
        )
