"""Drill-down buttons and ceiling gauges of the customer form."""

from lxml import etree

from .test_exposure_cases import ExposureScenarioCase


class TestExposureActions(ExposureScenarioCase):
    def setUp(self):
        super(TestExposureActions, self).setUp()
        self.order = self.create_order(partner=self.contact, quantity=10).with_env(
            self.env
        )
        self.order.action_confirm()
        self.deliver(self.order, 4)
        self.posted = self.invoice(self.order)
        self.deliver(self.order, 3)
        self.draft = self.invoice(self.order, post=False)
        self.contact.active = False

    def _documents(self, action):
        return self.env[action["res_model"]].search(action["domain"])

    def test_order_lines_action(self):
        quotation = self.create_order(quantity=3)
        action = self.customer.action_view_credit_order_lines()
        lines = self._documents(action)
        self.assertEqual(lines, self.order.order_line)
        self.assertNotIn(quotation.order_line, lines)

    def test_order_lines_action_skips_invoiced(self):
        service = self.create_order(product=self.product_ordered).with_env(self.env)
        service.action_confirm()
        self.invoice(service)
        action = self.customer.action_view_credit_order_lines()
        self.assertEqual(self._documents(action), self.order.order_line)

    def test_receivables_action(self):
        payment = self.pay_partner(self.customer, 50.0)
        action = self.customer.action_view_credit_receivables()
        receivable = self.posted.move_id.line_ids.filtered(
            lambda line: line.account_id.internal_type == "receivable"
        )
        payment_line = payment.move_line_ids.filtered(
            lambda line: line.account_id.internal_type == "receivable"
        )
        self.assertEqual(self._documents(action), receivable | payment_line)

    def test_receivables_action_from_archived_contact(self):
        entry = self.create_manual_entry(self.contact, 200.0)
        action = self.contact.action_view_credit_receivables()
        receivables = self._documents(action)
        self.assertEqual(len(receivables), 2)
        self.assertIn(entry.line_ids.filtered("debit"), receivables)

    def test_draft_invoices_action(self):
        self.refund(self.posted, "refund")
        action = self.customer.action_view_credit_draft_invoices()
        self.assertEqual(self._documents(action), self.draft)

    def test_management_gauge(self):
        self.set_ceilings(self.customer, management=2200.0)
        self.assertAlmostEqual(self.customer.credit_management_usage, 50.0, places=2)

    def test_insurance_gauge(self):
        self.set_ceilings(self.customer, insurance=1000.0)
        self.assertAlmostEqual(self.customer.credit_insurance_usage, 110.0, places=2)

    def test_gauge_without_ceiling(self):
        self.assertEqual(self.customer.credit_management_usage, 0.0)

    def test_form_shows_buttons_and_gauges(self):
        view = (
            self.env["res.partner"]
            .sudo(self.salesperson)
            .fields_view_get(
                view_id=self.env.ref("base.view_partner_form").id, view_type="form"
            )
        )
        arch = etree.fromstring(view["arch"])
        for name in (
            "action_view_credit_order_lines",
            "action_view_credit_receivables",
            "action_view_credit_draft_invoices",
        ):
            buttons = arch.xpath("//button[@name='%s'][@type='object']" % name)
            self.assertEqual(len(buttons), 1, msg=name)
        for name in ("credit_management_usage", "credit_insurance_usage"):
            gauges = arch.xpath("//field[@name='%s'][@widget='progressbar']" % name)
            self.assertEqual(len(gauges), 1, msg=name)
