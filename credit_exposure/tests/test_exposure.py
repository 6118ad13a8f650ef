from .common import CreditExposureCase


class TestExposure(CreditExposureCase):
    def test_quotation_counts_nothing(self):
        self.create_order(quantity=10)
        self.assertFigures(self.customer, delivery=0.0, financial=0.0)

    def test_confirmed_order_counts_in_delivery(self):
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.assertFigures(self.customer, delivery=1100.0, financial=0.0)

    def test_partial_delivery_keeps_uninvoiced_goods(self):
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.deliver(order, 4)
        self.assertFigures(self.customer, delivery=1100.0, financial=0.0)

    def test_invoice_moves_amount_to_financial(self):
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.deliver(order, 4)
        self.invoice(order)
        self.assertFigures(self.customer, delivery=660.0, financial=440.0)

    def test_draft_invoice_counts_in_financial(self):
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.deliver(order, 4)
        self.invoice(order, post=False)
        self.assertFigures(self.customer, delivery=660.0, financial=440.0)

    def test_partial_payment_lowers_financial(self):
        order = self.create_order(quantity=10)
        order.action_confirm()
        self.deliver(order, 4)
        invoice = self.invoice(order)
        self.pay(invoice, 140.0)
        self.assertFigures(self.customer, delivery=660.0, financial=300.0)

    def test_contact_reads_company_figures(self):
        order = self.create_order(partner=self.contact, quantity=2)
        order.action_confirm()
        self.assertFigures(self.customer, delivery=220.0, financial=0.0)
        self.assertFigures(self.contact, delivery=220.0, financial=0.0)

    def test_uninsured_order_not_in_insured_figures(self):
        order = self.create_order(quantity=10, insured=False)
        order.action_confirm()
        self.assertFigures(
            self.customer, delivery=1100.0, financial=0.0, insured_delivery=0.0
        )

    def test_uninsured_flag_passes_to_invoice(self):
        order = self.create_order(quantity=10, insured=False)
        order.action_confirm()
        self.deliver(order, 10)
        invoice = self.invoice(order)
        self.assertFalse(invoice.credit_insured)
        self.assertFigures(
            self.customer,
            delivery=0.0,
            financial=1100.0,
            insured_delivery=0.0,
            insured_financial=0.0,
        )

    def test_salesperson_reads_same_figures(self):
        order = self.create_order(quantity=10)
        order.action_confirm()
        customer = self.customer.sudo(self.salesperson)
        self.assertFigures(customer, delivery=1100.0, financial=0.0)

    def confirmed_mixed_orders(self):
        """Return an insured order of 220 and an uninsured one of 110, confirmed."""
        insured = self.create_order(product=self.product_ordered, quantity=2)
        uninsured = self.create_order(
            product=self.product_ordered, quantity=1, insured=False
        )
        orders = insured | uninsured
        orders.action_confirm()
        return orders

    def assertMixedOrdersInvoiced(self):
        """Assert the figures once both mixed orders are invoiced."""
        self.assertFigures(
            self.customer,
            delivery=0.0,
            financial=330.0,
            insured_delivery=0.0,
            insured_financial=220.0,
        )

    def test_mixed_insured_orders_invoiced_apart(self):
        orders = self.confirmed_mixed_orders().sudo(self.salesperson)
        invoice_ids = orders.action_invoice_create()
        invoices = self.env["account.invoice"].browse(invoice_ids)
        self.assertEqual(len(invoices), 2)
        insured = invoices.filtered("credit_insured")
        self.assertEqual(len(insured), 1)
        self.assertAlmostEqual(insured.amount_total, 220.0, places=2)
        self.assertAlmostEqual((invoices - insured).amount_total, 110.0, places=2)
        self.assertMixedOrdersInvoiced()

    def test_mixed_insured_orders_grouped_by_order(self):
        orders = self.confirmed_mixed_orders().sudo(self.salesperson)
        invoice_ids = orders.action_invoice_create(grouped=True)
        invoices = self.env["account.invoice"].browse(invoice_ids)
        self.assertEqual(len(invoices), 2)
        for order in orders:
            self.assertEqual(order.invoice_ids.credit_insured, order.credit_insured)

    def test_mixed_insured_orders_invoicing_wizard(self):
        orders = self.confirmed_mixed_orders()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .sudo(self.salesperson)
            .with_context(active_ids=orders.ids, active_model="sale.order")
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoices = orders.mapped("invoice_ids")
        self.assertEqual(len(invoices), 2)
        self.assertMixedOrdersInvoiced()

    def test_uninsured_order_without_lines_to_invoice(self):
        insured = self.create_order(product=self.product_ordered, quantity=2)
        uninsured = self.create_order(quantity=1, insured=False)
        orders = insured | uninsured
        orders.action_confirm()
        invoice_ids = orders.sudo(self.salesperson).action_invoice_create()
        invoice = self.env["account.invoice"].browse(invoice_ids)
        self.assertEqual(len(invoice), 1)
        self.assertTrue(invoice.credit_insured)
        self.assertAlmostEqual(invoice.amount_total, 220.0, places=2)
