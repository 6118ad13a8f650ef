"""Exposure figures after each step of Odoo's sales and accounting flows.

Each table is one class of cases. A row is a step, its argument, then the
expected delivery and financial exposure, and, where they differ, the insured
delivery and insured financial exposure, all in company currency, taxes
included. The steps act on one order, its last delivery, its last invoice and
the last payment.
"""

from .common import CreditExposureCase

ORDER_STATE_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("lock", None, 1100.0, 0.0),
    ("unlock", None, 1100.0, 0.0),
    ("cancel_order", None, 0.0, 0.0),
    ("draft_order", None, 0.0, 0.0),
    ("confirm", None, 1100.0, 0.0),
]

# Backorder, over-delivery, then a return of over-invoiced goods, credited
# from the order: invoicing ahead of delivery makes the delivery exposure
# negative, so that the total stays what the customer has received. The
# credit note changes no figure until it is posted.
DELIVERY_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 4.0, 1100.0, 0.0),
    ("invoice", None, 660.0, 440.0),
    ("post", None, 660.0, 440.0),
    ("deliver", 8.0, 880.0, 440.0),
    ("invoice", None, 0.0, 1320.0),
    ("post", None, 0.0, 1320.0),
    # The returned goods are owed until their credit note is posted: the line
    # counts -220, but the order no less than zero.
    ("return", 2.0, 0.0, 1320.0),
    ("invoice_final", None, 0.0, 1320.0),
    ("post", None, 0.0, 1100.0),
]

# Returned goods still count while the order still requires them. Lowering
# the ordered quantity, which Odoo allows once they are returned, removes them.
RETURN_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0),
    ("return", 3.0, 1100.0, 0.0),
    ("set_quantity", 7.0, 770.0, 0.0),
    ("invoice", None, 0.0, 770.0),
    ("post", None, 0.0, 770.0),
]

RETURN_NOT_REFUNDED_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0),
    ("return_kept", 3.0, 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
]

BACKORDER_CANCEL_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 4.0, 1100.0, 0.0),
    ("cancel_backorder", None, 1100.0, 0.0),
    ("set_quantity", 4.0, 440.0, 0.0),
    ("invoice", None, 0.0, 440.0),
]

INVOICE_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
    ("cancel_invoice", None, 1100.0, 0.0),
    ("draft_invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
    ("pay", 400.0, 0.0, 700.0),
    ("pay", 700.0, 0.0, 0.0),
    ("lock", None, 0.0, 0.0),
]

# A service invoiced on order: invoiced before anything is delivered.
ORDERED_SERVICE_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
    ("cancel_order", None, 0.0, 1100.0),
]

# A draft credit note lowers no figure until it is posted, so that one drafted
# and deleted afterwards cannot make room for an order.
REFUND_DRAFT_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
    ("pay", 400.0, 0.0, 700.0),
    ("refund", "refund", 0.0, 700.0),
    ("post", None, 0.0, -400.0),
]

REFUND_DRAFT_PARTIAL_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 4.0, 1100.0, 0.0),
    ("invoice", None, 660.0, 440.0),
    ("post", None, 660.0, 440.0),
    ("refund", "refund", 660.0, 440.0),
    ("delete_invoice", None, 660.0, 440.0),
]

# The cancel mode credits the whole invoice, so the order lines count its
# quantities as no longer invoiced, as when the invoice is cancelled: the
# delivered goods are back in the delivery exposure, to invoice again.
REFUND_CANCEL_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
    ("refund", "cancel", 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
]

REFUND_CANCEL_PARTIAL_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 4.0, 1100.0, 0.0),
    ("invoice", None, 660.0, 440.0),
    ("post", None, 660.0, 440.0),
    ("refund", "cancel", 1100.0, 0.0),
    ("invoice", None, 660.0, 440.0),
    ("post", None, 660.0, 440.0),
]

# The modify mode credits the invoice and moves the order lines to a new
# draft invoice, which invoices them again.
REFUND_MODIFY_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
    ("refund", "modify", 0.0, 1100.0),
    ("cancel_invoice", None, 1100.0, 0.0),
]

REFUND_MODIFY_PARTIAL_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 4.0, 1100.0, 0.0),
    ("invoice", None, 660.0, 440.0),
    ("post", None, 660.0, 440.0),
    ("refund", "modify", 660.0, 440.0),
    ("post", None, 660.0, 440.0),
]

PAYMENT_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0),
    ("invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
    ("pay_unapplied", 500.0, 0.0, 600.0, 0.0, 1100.0),
    ("reverse_payment", None, 0.0, 1100.0),
    ("pay", 300.0, 0.0, 800.0),
    ("cancel_payment", None, 0.0, 1100.0),
    ("manual_entry", 200.0, 0.0, 1300.0, 0.0, 1100.0),
]

# Worked example: an order of 1,000 with a down payment of 300 counts 1,000
# until the down payment is paid.
DOWN_PAYMENT_CASES = [
    ("confirm", None, 1000.0, 0.0),
    ("down_payment", 300.0, 700.0, 300.0),
    ("post", None, 700.0, 300.0),
    ("pay", 300.0, 700.0, 0.0),
    ("deliver", 10.0, 700.0, 0.0),
    ("final_invoice", None, 0.0, 700.0),
    ("post", None, 0.0, 700.0),
    ("pay", 700.0, 0.0, 0.0),
]

# 30 % of the untaxed 1,000, taxed at 10 % like the order.
DOWN_PAYMENT_PERCENT_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("down_payment_percent", 30.0, 770.0, 330.0),
    ("cancel_invoice", None, 1100.0, 0.0),
    ("draft_invoice", None, 770.0, 330.0),
    ("post", None, 770.0, 330.0),
    ("deliver", 10.0, 770.0, 330.0),
    ("final_invoice", None, 0.0, 1100.0),
    ("post", None, 0.0, 1100.0),
]

# Worked example: 170,000 invoiced and 94,000 paid, then a new order of
# 38,000 confirmed.
INVOICED_THEN_ORDERED_CASES = [
    ("confirm", None, 170000.0, 0.0),
    ("invoice", None, 0.0, 170000.0),
    ("post", None, 0.0, 170000.0),
    ("pay", 94000.0, 0.0, 76000.0),
    ("new_order", 38000.0, 38000.0, 76000.0),
]

UNINSURED_CASES = [
    ("confirm", None, 1100.0, 0.0, 0.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0, 0.0, 0.0),
    ("invoice", None, 0.0, 1100.0, 0.0, 0.0),
    ("post", None, 0.0, 1100.0, 0.0, 0.0),
    ("pay", 100.0, 0.0, 1000.0, 0.0, 0.0),
    ("manual_invoice", 220.0, 0.0, 1220.0, 0.0, 220.0),
]

UNINSURED_DOWN_PAYMENT_CASES = [
    ("confirm", None, 1000.0, 0.0, 0.0, 0.0),
    ("down_payment", 300.0, 700.0, 300.0, 0.0, 0.0),
    ("post", None, 700.0, 300.0, 0.0, 0.0),
]

UNINSURED_REFUND_CASES = [
    ("confirm", None, 1100.0, 0.0, 0.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0, 0.0, 0.0),
    ("invoice", None, 0.0, 1100.0, 0.0, 0.0),
    ("post", None, 0.0, 1100.0, 0.0, 0.0),
    ("refund", "refund", 0.0, 1100.0, 0.0, 0.0),
    ("post", None, 0.0, 0.0, 0.0, 0.0),
]

# The modify mode also makes a new draft invoice, which stays uninsured.
UNINSURED_REFUND_MODIFY_CASES = [
    ("confirm", None, 1100.0, 0.0, 0.0, 0.0),
    ("deliver", 10.0, 1100.0, 0.0, 0.0, 0.0),
    ("invoice", None, 0.0, 1100.0, 0.0, 0.0),
    ("post", None, 0.0, 1100.0, 0.0, 0.0),
    ("refund", "modify", 0.0, 1100.0, 0.0, 0.0),
]


class ExposureScenarioCase(CreditExposureCase):
    """Run tables of steps on one order and check the figures after each."""

    @classmethod
    def setUpClass(cls):
        super(ExposureScenarioCase, cls).setUpClass()
        # Odoo 11 cancels a posted invoice or payment only in a journal that
        # allows cancelling entries.
        cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "in", ("sale", "bank"))]
        ).write({"update_posted": True})
        cls.deposit_product = cls.env["product.product"].create(
            {
                "name": "Credit test down payment",
                "type": "service",
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            }
        )
        cls.taxed_deposit_product = cls.deposit_product.copy(
            {
                "name": "Credit test taxed down payment",
                "taxes_id": [(6, 0, cls.tax.ids)],
            }
        )

    @classmethod
    def _setup_foreign_currency(cls):
        """Activate a currency other than the company's, with a pricelist in it."""
        cls.foreign = cls.env.ref("base.EUR")
        if cls.foreign == cls.currency:
            cls.foreign = cls.env.ref("base.USD")
        cls.foreign.active = True
        cls.foreign_pricelist = cls.env["product.pricelist"].create(
            {"name": "Credit test foreign pricelist", "currency_id": cls.foreign.id}
        )

    def run_case(self, order, steps, partner=None):
        """Run the steps of a table on order, asserting the figures after each.

        The salesperson creates the order; the steps run as the administrator,
        who may deliver, invoice and post.
        """
        self.order = order.with_env(self.env)
        self.picking = self.invoice_doc = self.payment_doc = None
        partner = partner or self.customer
        for index, row in enumerate(steps, 1):
            step, argument, figures = row[0], row[1], row[2:]
            getattr(self, "_step_" + step)(argument)
            label = "step %d %s(%s)" % (index, step, argument or "")
            self.assertFiguresAfter(label, partner, *figures)

    def _step_confirm(self, argument):
        self.order.action_confirm()

    def _step_new_order(self, price):
        order = self.create_order(product=self.product_ordered, price=price)
        self.remove_taxes(order)
        order.action_confirm()

    def _step_lock(self, argument):
        self.order.action_done()

    def _step_unlock(self, argument):
        self.order.action_unlock()

    def _step_cancel_order(self, argument):
        self.order.action_cancel()

    def _step_draft_order(self, argument):
        self.order.action_draft()

    def _step_set_quantity(self, quantity):
        lines = self.order.order_line.filtered(lambda line: not line.is_downpayment)
        lines.write({"product_uom_qty": quantity})

    def _step_deliver(self, quantity):
        self.picking = self.deliver(self.order, quantity)

    def _step_cancel_backorder(self, argument):
        self.order.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        ).action_cancel()

    def _step_return(self, quantity):
        self.return_delivery(self.picking, quantity)

    def _step_return_kept(self, quantity):
        self.return_delivery(self.picking, quantity, to_refund=False)

    def _step_invoice(self, argument):
        self.invoice_doc = self.invoice(self.order, post=False)

    def _step_invoice_final(self, argument):
        invoice_ids = self.order.action_invoice_create(final=True)
        self.invoice_doc = self.env["account.invoice"].browse(invoice_ids)

    def _step_post(self, argument):
        self.invoice_doc.action_invoice_open()

    def _step_cancel_invoice(self, argument):
        self.invoice_doc.action_invoice_cancel()

    def _step_draft_invoice(self, argument):
        self.invoice_doc.action_invoice_draft()

    def _step_delete_invoice(self, argument):
        self.invoice_doc.unlink()
        self.invoice_doc = None

    def _step_pay(self, amount):
        self.payment_doc = self.pay(self.invoice_doc, amount)

    def _step_pay_unapplied(self, amount):
        self.payment_doc = self.pay_partner(self.customer, amount)

    def _step_cancel_payment(self, argument):
        self.payment_doc.cancel()

    def _step_reverse_payment(self, argument):
        self.payment_doc.move_line_ids.mapped("move_id").reverse_moves()

    def _step_refund(self, mode):
        created = self.refund(self.invoice_doc, mode)
        new_invoices = created.filtered(lambda invoice: invoice.type == "out_invoice")
        self.invoice_doc = new_invoices or created

    def _step_down_payment(self, amount):
        self.invoice_doc = self.down_payment(
            self.order, amount, product=self.deposit_product
        )

    def _step_down_payment_percent(self, percent):
        self.invoice_doc = self.down_payment(
            self.order, percent, method="percentage", product=self.taxed_deposit_product
        )

    def _step_final_invoice(self, argument):
        self.invoice_doc = self.final_invoice(self.order)

    def _step_manual_invoice(self, amount):
        self.invoice_doc = self.create_manual_invoice(self.customer, amount)

    def _step_manual_entry(self, amount):
        self.create_manual_entry(self.customer, amount)

    def create_manual_invoice(self, partner, amount, currency=None):
        """Create and post an invoice of amount, taxes included, outside any order."""
        invoice = self.env["account.invoice"].create(
            {
                "partner_id": partner.id,
                "type": "out_invoice",
                "currency_id": (currency or self.currency).id,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Credit test manual line",
                            "product_id": self.product_ordered.id,
                            "quantity": 1.0,
                            "price_unit": amount / 1.1,
                            "account_id": self.income_account.id,
                            "invoice_line_tax_ids": [(6, 0, self.tax.ids)],
                        },
                    )
                ],
            }
        )
        invoice.action_invoice_open()
        return invoice

    def create_manual_entry(self, partner, amount):
        """Post a journal entry debiting partner's receivable by amount."""
        move = self.env["account.move"].create(
            {
                "journal_id": self.misc_journal.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Credit test debit",
                            "partner_id": partner.id,
                            "account_id": partner.property_account_receivable_id.id,
                            "debit": amount,
                            "credit": 0.0,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Credit test credit",
                            "account_id": self.income_account.id,
                            "debit": 0.0,
                            "credit": amount,
                        },
                    ),
                ],
            }
        )
        move.post()
        return move

    @property
    def income_account(self):
        return self.product.categ_id.property_account_income_categ_id

    @property
    def misc_journal(self):
        return self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "general")], limit=1
        )


class TestExposureCases(ExposureScenarioCase):
    def test_order_states(self):
        self.run_case(self.create_order(quantity=10), ORDER_STATE_CASES)

    def test_deliveries_and_over_delivery(self):
        self.run_case(self.create_order(quantity=10), DELIVERY_CASES)

    def test_return_refunded(self):
        self.run_case(self.create_order(quantity=10), RETURN_CASES)

    def test_return_not_refunded(self):
        self.run_case(self.create_order(quantity=10), RETURN_NOT_REFUNDED_CASES)

    def test_backorder_cancelled(self):
        self.run_case(self.create_order(quantity=10), BACKORDER_CANCEL_CASES)

    def test_invoice_lifecycle(self):
        self.run_case(self.create_order(quantity=10), INVOICE_CASES)

    def test_service_invoiced_on_order(self):
        order = self.create_order(product=self.product_ordered, quantity=10)
        self.run_case(order, ORDERED_SERVICE_CASES)

    def test_refund_draft_credit_note(self):
        self.run_case(self.create_order(quantity=10), REFUND_DRAFT_CASES)

    def test_refund_draft_partly_invoiced(self):
        self.run_case(self.create_order(quantity=10), REFUND_DRAFT_PARTIAL_CASES)

    def test_refund_cancel_mode(self):
        self.run_case(self.create_order(quantity=10), REFUND_CANCEL_CASES)

    def test_refund_cancel_mode_partly_invoiced(self):
        self.run_case(self.create_order(quantity=10), REFUND_CANCEL_PARTIAL_CASES)

    def test_refund_modify_mode(self):
        self.run_case(self.create_order(quantity=10), REFUND_MODIFY_CASES)

    def test_refund_modify_mode_partly_invoiced(self):
        self.run_case(self.create_order(quantity=10), REFUND_MODIFY_PARTIAL_CASES)

    def test_refund_cancel_mode_by_accountant(self):
        order = self.create_order(quantity=10)
        order.sudo(self.salesperson).action_confirm()
        self.deliver(order, 4.0)
        invoice = self.invoice(order)
        accountant = self._create_user(
            "credit_refund_accountant", [self.env.ref("account.group_account_invoice")]
        )
        credit_note = self.refund(invoice, "cancel", user=accountant)
        self.assertEqual(credit_note.state, "paid")
        self.assertEqual(invoice.state, "paid")
        line = order.order_line
        self.assertEqual(line.qty_invoiced, 0.0)
        self.assertEqual(line.qty_to_invoice, 4.0)
        self.assertEqual(order.invoice_status, "to invoice")
        self.assertFigures(
            self.customer.sudo(self.salesperson), delivery=1100.0, financial=0.0
        )

    def test_payments_and_entries(self):
        self.run_case(self.create_order(quantity=10), PAYMENT_CASES)

    def test_down_payment_fixed(self):
        order = self.create_order(quantity=10)
        self.remove_taxes(order)
        self.run_case(order, DOWN_PAYMENT_CASES)

    def test_down_payment_percentage(self):
        self.run_case(self.create_order(quantity=10), DOWN_PAYMENT_PERCENT_CASES)

    def test_invoiced_then_ordered(self):
        order = self.create_order(product=self.product_ordered, price=170000.0)
        self.remove_taxes(order)
        self.run_case(order, INVOICED_THEN_ORDERED_CASES)

    def test_uninsured_order(self):
        order = self.create_order(quantity=10, insured=False)
        self.run_case(order, UNINSURED_CASES)

    def test_uninsured_flag_reaches_delivery(self):
        order = self.create_order(quantity=10, insured=False)
        order.action_confirm()
        self.assertEqual(order.picking_ids.mapped("credit_insured"), [False])

    def test_uninsured_down_payment(self):
        order = self.create_order(quantity=10, insured=False)
        self.remove_taxes(order)
        self.run_case(order, UNINSURED_DOWN_PAYMENT_CASES)

    def test_uninsured_refund(self):
        order = self.create_order(quantity=10, insured=False)
        self.run_case(order, UNINSURED_REFUND_CASES)

    def test_uninsured_refund_modify(self):
        order = self.create_order(quantity=10, insured=False)
        self.run_case(order, UNINSURED_REFUND_MODIFY_CASES)
