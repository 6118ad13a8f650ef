import datetime
import xmlrpc.client

from odoo import fields

from .common import CreditExposureCase


class TestWorkspacePaymentDelay(CreditExposureCase):
    """Average payment delay, weighted by the amounts paid."""

    @classmethod
    def setUpClass(cls):
        super(TestWorkspacePaymentDelay, cls).setUpClass()
        cls.second_customer = cls.env["res.partner"].create(
            {"name": "Credit Delay Customer", "is_company": True, "customer": True}
        )
        cls.invoice_date = datetime.date(2020, 1, 1)

    def _date(self, days_after_invoice):
        return fields.Date.to_string(
            self.invoice_date + datetime.timedelta(days=days_after_invoice)
        )

    def _invoice(self, partner, amount):
        """Post an invoice of amount, without tax, dated self.invoice_date."""
        account = self.product.categ_id.property_account_income_categ_id
        invoice = self.env["account.invoice"].create(
            {
                "partner_id": partner.id,
                "account_id": partner.property_account_receivable_id.id,
                "date_invoice": self._date(0),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Delay test goods",
                            "quantity": 1.0,
                            "price_unit": amount,
                            "account_id": account.id,
                        },
                    )
                ],
            }
        )
        invoice.action_invoice_open()
        return invoice

    def _pay(self, invoice, amount, days_after_invoice):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": invoice.commercial_partner_id.id,
                "amount": amount,
                "currency_id": invoice.currency_id.id,
                "payment_date": self._date(days_after_invoice),
                "journal_id": self.bank_journal.id,
                "payment_method_id": self.env.ref(
                    "account.account_payment_method_manual_in"
                ).id,
                "invoice_ids": [(6, 0, invoice.ids)],
            }
        )
        payment.post()
        return payment

    def _delay_row(self, partner):
        return (
            self.env["credit.payment.delay"]
            .sudo(self.controller)
            .search([("partner_id", "=", partner.id)])
        )

    def test_delay_weighted_by_amount(self):
        invoice = self._invoice(self.customer, 1000.0)
        self._pay(invoice, 400.0, 10)
        self._pay(invoice, 600.0, 30)
        row = self._delay_row(self.customer)
        # (400 x 10 + 600 x 30) / 1,000
        self.assertAlmostEqual(row.average_delay, 22.0, places=6)
        self.assertAlmostEqual(row.paid_amount, 1000.0, places=2)
        self.assertEqual(row.invoice_count, 1)

    def test_delay_ids_fit_xmlrpc(self):
        invoice = self._invoice(self.customer, 1000.0)
        self._pay(invoice, 400.0, 10)
        rows = (
            self.env["credit.payment.delay"]
            .sudo(self.controller)
            .search_read([], ["partner_id", "is_overall"])
        )
        self.assertIn(True, [row["is_overall"] for row in rows])
        xmlrpc.client.dumps((rows,), methodresponse=True)

    def test_delay_counts_partial_payment(self):
        invoice = self._invoice(self.customer, 1000.0)
        self._pay(invoice, 400.0, 10)
        row = self._delay_row(self.customer)
        self.assertAlmostEqual(row.average_delay, 10.0, places=6)
        self.assertAlmostEqual(row.paid_amount, 400.0, places=2)

    def test_delay_overall_weights_customers(self):
        invoice = self._invoice(self.customer, 1000.0)
        self._pay(invoice, 400.0, 10)
        self._pay(invoice, 600.0, 30)
        other_invoice = self._invoice(self.second_customer, 500.0)
        self._pay(other_invoice, 500.0, 4)
        overall = self.env["credit.payment.delay"].search(
            [("company_id", "=", self.company.id), ("is_overall", "=", True)]
        )
        self.assertEqual(len(overall), 1)
        self.assertFalse(overall.partner_id)
        self.assertAlmostEqual(overall.paid_amount, 1500.0, places=2)
        # (400 x 10 + 600 x 30 + 500 x 4) / 1,500
        self.assertAlmostEqual(overall.average_delay, 16.0, places=6)

    def test_refund_is_no_payment(self):
        invoice = self._invoice(self.customer, 1000.0)
        refund = invoice.refund(date_invoice=self._date(20))
        refund.action_invoice_open()
        (invoice.move_id.line_ids | refund.move_id.line_ids).filtered(
            lambda line: line.account_id.internal_type == "receivable"
        ).reconcile()
        self.assertFalse(self._delay_row(self.customer))

    def test_key_figures_month_delay(self):
        invoice = self._invoice(self.customer, 1000.0)
        self._pay(invoice, 400.0, 10)
        self._pay(invoice, 600.0, 30)
        month = (
            self.env["credit.key.figure"]
            .sudo(self.controller)
            .search(
                [("company_id", "=", self.company.id), ("month", "=", "2020-01-01")]
            )
        )
        self.assertEqual(len(month), 1)
        self.assertAlmostEqual(month.paid_amount, 1000.0, places=2)
        self.assertAlmostEqual(month.average_payment_delay, 22.0, places=6)
