from odoo.exceptions import AccessError

from .test_blocking import BlockingCase


class TestInvoiceInsured(BlockingCase):
    """Insured flag of new customer invoices, created as users without the right.

    An order line of the test products costs 110 a unit, taxes included.
    """

    @classmethod
    def setUpClass(cls):
        super(TestInvoiceInsured, cls).setUpClass()
        cls.accountant = cls._create_user(
            "credit_insured_accountant", [cls.env.ref("account.group_account_invoice")]
        )

    def confirmed_order(self, quantity=9, insured=True):
        order = self.create_order(
            quantity=quantity, product=self.product_ordered, insured=insured
        )
        self.confirm(order)
        return order

    def create_invoice(self, order_lines, insured=None, user=None):
        """Create a draft invoice of one line per order line, as user.

        user is the salesperson by default. insured, when given, is passed as
        the invoice's credit_insured.
        """
        income_account = self.product.categ_id.property_account_income_categ_id
        values = {
            "partner_id": self.customer.id,
            "type": "out_invoice",
            "account_id": self.customer.property_account_receivable_id.id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": line.name,
                        "account_id": income_account.id,
                        "quantity": line.product_uom_qty,
                        "price_unit": line.price_unit,
                        "sale_line_ids": [(6, 0, line.ids)],
                    },
                )
                for line in order_lines
            ],
        }
        if insured is not None:
            values["credit_insured"] = insured
        invoices = self.env["account.invoice"].sudo(user or self.salesperson)
        return invoices.create(values)

    def assertControllerNeeded(self, caught, *names):
        """Assert that the refusal names each of names and the controller."""
        message = caught.exception.name
        for name in names:
            self.assertIn(name, message)
        self.assertIn(self.controller.name, message)

    def test_uninsured_invoice_of_insured_order_refused(self):
        order = self.confirmed_order()
        # The savepoint undoes the refused creation, as the RPC transaction would.
        with self.assertRaises(AccessError) as caught, self.env.cr.savepoint():
            self.create_invoice(order.order_line, insured=False)
        self.assertControllerNeeded(caught, order.name, self.customer.name)
        order.invalidate_cache()
        self.assertFalse(order.invoice_ids)
        self.assertFigures(self.customer, delivery=990.0, financial=0.0)

    def test_insured_invoice_of_insured_order_allowed(self):
        order = self.confirmed_order()
        invoice = self.create_invoice(order.order_line, insured=True)
        self.assertTrue(invoice.credit_insured)

    def test_uninsured_invoice_by_controller(self):
        order = self.confirmed_order()
        invoice = self.create_invoice(
            order.order_line, insured=False, user=self.controller
        )
        self.assertFalse(invoice.credit_insured)

    def test_default_flag_on_uninsured_order_refused(self):
        order = self.confirmed_order(insured=False)
        with self.assertRaises(AccessError) as caught:
            self.create_invoice(order.order_line)
        self.assertControllerNeeded(caught, order.name)

    def test_uninsured_invoice_of_uninsured_order_allowed(self):
        order = self.confirmed_order(insured=False)
        invoice = self.create_invoice(order.order_line, insured=False)
        self.assertFalse(invoice.credit_insured)

    def test_invoice_of_mixed_orders_refused(self):
        insured = self.confirmed_order(quantity=2)
        uninsured = self.confirmed_order(quantity=1, insured=False)
        lines = insured.order_line | uninsured.order_line
        for flag in (True, False):
            with self.assertRaises(AccessError) as caught:
                self.create_invoice(lines, insured=flag)
            self.assertControllerNeeded(caught, insured.name, uninsured.name)

    def test_uninsured_invoice_without_orders_refused(self):
        with self.assertRaises(AccessError) as caught:
            self.create_invoice(self.env["sale.order.line"], insured=False)
        self.assertControllerNeeded(caught, self.customer.name)

    def test_uninsured_invoice_without_orders_by_accountant(self):
        with self.assertRaises(AccessError):
            self.create_invoice(
                self.env["sale.order.line"], insured=False, user=self.accountant
            )

    def test_insured_invoice_without_orders_allowed(self):
        invoice = self.create_invoice(self.env["sale.order.line"])
        self.assertTrue(invoice.credit_insured)

    def test_salesperson_invoices_uninsured_order(self):
        order = self.confirmed_order(insured=False)
        invoice_ids = order.sudo(self.salesperson).action_invoice_create()
        invoice = self.env["account.invoice"].browse(invoice_ids)
        self.assertFalse(invoice.credit_insured)

    def test_salesperson_down_payment_of_uninsured_order(self):
        order = self.confirmed_order(insured=False)
        # A salesperson may not create the down payment product, so the
        # administrator configures it, untaxed.
        deposit = self.env["product.product"].create(
            {
                "name": "Credit test down payment",
                "type": "service",
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            }
        )
        wizard = (
            self.env["sale.advance.payment.inv"]
            .sudo(self.salesperson)
            .with_context(active_ids=order.ids, active_model="sale.order")
            .create(
                {
                    "advance_payment_method": "fixed",
                    "amount": 100.0,
                    "product_id": deposit.id,
                }
            )
        )
        wizard.create_invoices()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertFalse(invoice.credit_insured)
        self.assertFigures(
            self.customer,
            delivery=890.0,
            financial=100.0,
            insured_delivery=0.0,
            insured_financial=0.0,
        )

    def test_accountant_refunds_uninsured_invoice(self):
        order = self.confirmed_order(insured=False)
        invoice = self.invoice(order)
        credit_note = self.refund(invoice, "refund", user=self.accountant)
        self.assertEqual(len(credit_note), 1)
        self.assertFalse(credit_note.credit_insured)

    def test_accountant_refunds_uninsured_invoice_cancel(self):
        order = self.confirmed_order(insured=False)
        invoice = self.invoice(order)
        credit_note = self.refund(invoice, "cancel", user=self.accountant)
        self.assertEqual(len(credit_note), 1)
        self.assertFalse(credit_note.credit_insured)

    def test_credit_note_unlike_credited_invoice_refused(self):
        order = self.confirmed_order(insured=False)
        invoice = self.invoice(order)
        values = invoice._prepare_refund(invoice)
        values["credit_insured"] = True
        with self.assertRaises(AccessError) as caught:
            self.env["account.invoice"].sudo(self.accountant).create(values)
        self.assertControllerNeeded(caught, invoice.number)

    def test_accountant_refunds_uninsured_invoice_modify(self):
        order = self.confirmed_order(insured=False)
        invoice = self.invoice(order)
        created = self.refund(invoice, "modify", user=self.accountant)
        self.assertEqual(len(created), 2)
        self.assertEqual(created.mapped("credit_insured"), [False, False])
