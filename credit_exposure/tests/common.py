from odoo import fields
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
            "credit_controller",
            [cls.env.ref("credit_exposure.group_credit_controller")],
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

    def create_order(
        self,
        partner=None,
        product=None,
        quantity=1.0,
        price=100.0,
        user=None,
        insured=True,
    ):
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
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
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

    def assertFigures(
        self,
        partner,
        delivery,
        financial,
        insured_delivery=None,
        insured_financial=None,
    ):
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
        self.assertMovementsInStep()

    def assertMovementsInStep(self, step=""):
        """Assert that every customer's movements add up to its documents."""
        self.env["credit.exposure"].recompute()
        differences = self.env["credit.exposure.movement"]._credit_differences()
        self.assertEqual(differences, [], msg="movements out of step %s" % step)

    # Helpers of the exposure case tables: each runs one of Odoo's own flows.

    def assertFiguresAfter(
        self,
        step,
        partner,
        delivery,
        financial,
        insured_delivery=None,
        insured_financial=None,
    ):
        """Assert partner's figures after step, naming the step on failure."""
        partner.invalidate_cache()
        expected = {
            "delivery_exposure": delivery,
            "financial_exposure": financial,
            "insured_delivery_exposure": (
                delivery if insured_delivery is None else insured_delivery
            ),
            "insured_financial_exposure": (
                financial if insured_financial is None else insured_financial
            ),
        }
        expected["total_exposure"] = delivery + financial
        expected["insured_total_exposure"] = (
            expected["insured_delivery_exposure"]
            + expected["insured_financial_exposure"]
        )
        for name, amount in sorted(expected.items()):
            self.assertAlmostEqual(
                partner[name], amount, places=2, msg="%s: %s" % (step, name)
            )
        self.assertMovementsInStep(step)

    def remove_taxes(self, order):
        """Remove the taxes of a quotation's lines."""
        order.order_line.write({"tax_id": [(5, 0, 0)]})

    def down_payment(self, order, amount, method="fixed", product=None):
        """Invoice a down payment of order through the sale.advance.payment.inv wizard.

        amount is a fixed amount or a percentage of the untaxed total, as method
        says. Return the new draft invoice.
        """
        before = order.invoice_ids
        values = {"advance_payment_method": method, "amount": amount}
        if product:
            values["product_id"] = product.id
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_ids=order.ids, active_model="sale.order")
            .create(values)
        )
        wizard.create_invoices()
        return order.invoice_ids - before

    def final_invoice(self, order):
        """Invoice what is left of order, deducting its down payments, as a draft."""
        before = order.invoice_ids
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_ids=order.ids, active_model="sale.order")
            .create({"advance_payment_method": "all"})
        )
        wizard.create_invoices()
        return order.invoice_ids - before

    def refund(self, invoice, mode="refund", user=None):
        """Credit invoice through the account.invoice.refund wizard, as user.

        mode is the wizard's filter_refund: refund (draft credit note), cancel
        (posted and reconciled) or modify (cancel, plus a new draft invoice).
        user is the administrator by default. Return the invoices the wizard
        created.
        """
        wizard = (
            self.env["account.invoice.refund"]
            .sudo(user or self.env.user)
            .with_context(active_ids=invoice.ids, active_id=invoice.id)
            .create({"filter_refund": mode, "description": "Credit test refund"})
        )
        action = wizard.invoice_refund()
        created_ids = [
            ids for term in action["domain"] if term[0] == "id" for ids in term[2]
        ]
        return self.env["account.invoice"].browse(created_ids)

    def return_delivery(self, picking, quantity, to_refund=True):
        """Return quantity of a done delivery through stock.return.picking."""
        wizard_model = self.env["stock.return.picking"].with_context(
            active_ids=picking.ids, active_id=picking.id
        )
        defaults = wizard_model.default_get(
            [
                "move_dest_exists",
                "original_location_id",
                "product_return_moves",
                "parent_location_id",
                "location_id",
            ]
        )
        wizard = wizard_model.create(defaults)
        wizard.product_return_moves.write(
            {"quantity": quantity, "to_refund": to_refund}
        )
        action = wizard.create_returns()
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        return_picking.force_assign()
        return_picking.move_lines.write({"quantity_done": quantity})
        return_picking.action_done()
        return return_picking

    def pay_partner(self, partner, amount, currency=None):
        """Post a customer payment of amount applied to no invoice."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "currency_id": (currency or self.currency).id,
                "journal_id": self.bank_journal.id,
                "payment_method_id": self.env.ref(
                    "account.account_payment_method_manual_in"
                ).id,
            }
        )
        payment.post()
        return payment

    def set_rate(self, currency, rate, company=None):
        """Set today's rate of currency (units per 1 company currency)."""
        company = company or self.company
        Rate = self.env["res.currency.rate"]
        today = fields.Date.context_today(Rate)
        existing = Rate.search(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "=", company.id),
                ("name", "=", today),
            ]
        )
        if existing:
            existing.rate = rate
        else:
            Rate.create(
                {
                    "currency_id": currency.id,
                    "company_id": company.id,
                    "name": today,
                    "rate": rate,
                }
            )
        currency.invalidate_cache()
