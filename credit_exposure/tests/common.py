from odoo.tests.common import SavepointCase


class CreditExposureCase(SavepointCase):
    """Own data for the credit_exposure tests: users, a customer, products, a tax.

    Every document goes through Odoo's own flows (confirm, deliver, invoice,
    pay), so that the figures are checked on what a real user produces.
    """

    @classmethod
    def setUpClass(cls):
        super(CreditExposureCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.ref("base.main_company")
        cls.company.credit_block_orders = False
        cls.currency = cls.company.currency_id
        cls.salesperson = cls._create_user(
            "credit_sales", [cls.env.ref("sales_team.group_sale_salesman")]
        )
        cls.controller = cls._create_user(
            "credit_controller", [cls.env.ref("credit_exposure.group_credit_controller")]
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Credit Customer", "is_company": True, "customer": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Credit Contact", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "Credit test tax 10%",
                "type_tax_use": "sale",
                "amount_type": "percent",
                "amount": 10.0,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Credit test goods",
                "type": "consu",
                "invoice_policy": "delivery",
                "list_price": 100.0,
                "taxes_id": [(6, 0, cls.tax.ids)],
            }
        )
        cls.product_ordered = cls.env["product.product"].create(
            {
                "name": "Credit test service",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 100.0,
                "taxes_id": [(6, 0, cls.tax.ids)],
            }
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )

    @classmethod
    def _create_user(cls, login, groups):
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login.replace("_", " ").title(),
                    "login": login,
                    "email": "%s@example.com" % login,
                    "company_id": cls.company.id,
                    "company_ids": [(6, 0, cls.company.ids)],
                    "groups_id": [(6, 0, [group.id for group in groups])],
                }
            )
        )

    def set_ceilings(self, partner, management=0.0, insurance=0.0):
        partner.sudo(self.controller).write(
            {
                "credit_management_ceiling": management,
                "credit_insurance_ceiling": insurance,
            }
        )

    def create_order(self, partner=None, product=None, quantity=1.0, price=100.0,
                     user=None, insured=True):
        """Create a quotation of one line, as user (the salesperson by default)."""
        user = user or self.salesperson
        return (
            self.env["sale.order"]
            .sudo(user)
            .create(
                {
                    "partner_id": (partner or self.customer).id,
                    "credit_insured": insured,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": (product or self.product).id,
                                "product_uom_qty": quantity,
                                "price_unit": price,
                                "tax_id": [(6, 0, self.tax.ids)],
                            },
                        )
                    ],
                }
            )
        )

    def deliver(self, order, quantity):
        """Validate quantity of the order's open delivery, leaving a backorder."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.ensure_one()
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = quantity
        picking.action_done()
        return picking

    def invoice(self, order, post=True):
        """Invoice what the order may invoice, and post the invoice."""
        invoice_ids = order.action_invoice_create()
        invoice = self.env["account.invoice"].browse(invoice_ids)
        if post:
            invoice.action_invoice_open()
        return invoice

    def pay(self, invoice, amount):
        """Register a payment of amount on invoice through account.payment."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": invoice.commercial_partner_id.id,
                "amount": amount,
                "currency_id": invoice.currency_id.id,
                "journal_id": self.bank_journal.id,
                "payment_method_id": self.env.ref(
                    "account.account_payment_method_manual_in"
                ).id,
                "invoice_ids": [(6, 0, invoice.ids)],
            }
        )
        payment.post()
        return payment

    def assertFigures(self, partner, delivery, financial, insured_delivery=None,
                      insured_financial=None):
        """Assert the four figures and the totals of partner, to the cent."""
        partner.invalidate_cache()
        if insured_delivery is None:
            insured_delivery = delivery
        if insured_financial is None:
            insured_financial = financial
        expected = {
            "delivery_exposure": delivery,
            "financial_exposure": financial,
            "insured_delivery_exposure": insured_delivery,
            "insured_financial_exposure": insured_financial,
            "total_exposure": delivery + financial,
            "insured_total_exposure": insured_delivery + insured_financial,
        }
        for name, amount in expected.items():
            self.assertAlmostEqual(partner[name], amount, places=2, msg=name)
