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
