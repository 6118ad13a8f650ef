from odoo.exceptions import AccessError

from .test_blocking import ACCEPT_BLOCK, BlockingCase

ORDER_FIELDS = {
    "credit_state": "ok",
    "credit_blocked": False,
    "credit_released_amount": 1e9,
    "credit_checked_amount": 1e9,
    "credit_message": "Fine",
    "credit_blocked_date": False,
}
PARTNER_FIELDS = {
    "credit_management_ceiling": 1e9,
    "credit_insurance_ceiling": 1e9,
    "credit_hold": False,
}


class TestSecurity(BlockingCase):
    @classmethod
    def setUpClass(cls):
        super(TestSecurity, cls).setUpClass()
        cls.other_company = cls.env["res.company"].create(
            {"name": "Credit Other Company", "currency_id": cls.currency.id}
        )
        cls.other_controller = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Other Company Controller",
                    "login": "credit_other_controller",
                    "email": "credit_other_controller@example.com",
                    "company_id": cls.other_company.id,
                    "company_ids": [(6, 0, cls.other_company.ids)],
                    "groups_id": [
                        (
                            6,
                            0,
                            cls.env.ref("credit_exposure.group_credit_controller").ids,
                        )
                    ],
                }
            )
        )

    def test_controller_is_salesperson(self):
        self.assertTrue(self.controller.has_group("sales_team.group_sale_salesman"))
        self.assertTrue(
            self.controller.has_group("sales_team.group_sale_salesman_all_leads")
        )

    def test_salesperson_is_not_controller(self):
        self.assertFalse(
            self.salesperson.has_group("credit_exposure.group_credit_controller")
        )

    def test_sales_manager_is_not_controller(self):
        manager = self._create_user(
            "credit_sales_manager", [self.env.ref("sales_team.group_sale_manager")]
        )
        self.assertFalse(manager.has_group("credit_exposure.group_credit_controller"))

    def test_salesperson_reads_ceilings(self):
        values = self.customer.sudo(self.salesperson).read(
            ["credit_management_ceiling", "credit_insurance_ceiling", "credit_hold"]
        )[0]
        self.assertAlmostEqual(values["credit_management_ceiling"], 1000.0, places=2)
        self.assertAlmostEqual(values["credit_insurance_ceiling"], 800.0, places=2)
        self.assertFalse(values["credit_hold"])

    def test_salesperson_cannot_write_customer_credit_fields(self):
        for name, value in PARTNER_FIELDS.items():
            with self.subTest(field=name):
                with self.assertRaises(AccessError):
                    self.customer.sudo(self.salesperson).write({name: value})
        self.assertAlmostEqual(
            self.customer.credit_management_ceiling, 1000.0, places=2
        )

    def test_salesperson_cannot_create_customer_with_ceiling(self):
        with self.assertRaises(AccessError):
            self.env["res.partner"].sudo(self.salesperson).create(
                {"name": "New customer", "credit_hold": True}
            )

    def test_salesperson_cannot_default_customer_ceiling(self):
        partners = self.env["res.partner"].sudo(self.salesperson)
        with self.assertRaises(AccessError):
            partners.with_context(default_credit_management_ceiling=1e9).create(
                {"name": "New customer"}
            )

    def test_salesperson_cannot_write_order_credit_fields(self):
        order = self.blocked_order()
        for name, value in ORDER_FIELDS.items():
            with self.subTest(field=name):
                with self.assertRaises(AccessError):
                    order.sudo(self.salesperson).write({name: value})
        self.assertTrue(order.credit_blocked)

    def test_salesperson_cannot_create_released_order(self):
        orders = self.env["sale.order"].sudo(self.salesperson)
        with self.assertRaises(AccessError):
            orders.create(
                {
                    "partner_id": self.customer.id,
                    "credit_state": "released",
                    "credit_released_amount": 1e9,
                }
            )

    def test_salesperson_cannot_default_released_order(self):
        orders = self.env["sale.order"].sudo(self.salesperson)
        with self.assertRaises(AccessError):
            orders.with_context(default_credit_checked_amount=1e9).create(
                {"partner_id": self.customer.id}
            )

    def test_salesperson_release_refused(self):
        order = self.blocked_order()
        contexts = [
            {},
            ACCEPT_BLOCK,
            {"active_test": False},
            {"uid": self.controller.id},
        ]
        for context in contexts:
            with self.subTest(context=context):
                with self.assertRaises(AccessError):
                    order.sudo(self.salesperson).with_context(**context).credit_release(
                        "Trust me"
                    )
        self.assertTrue(order.credit_blocked)

    def test_salesperson_release_wizard_refused(self):
        order = self.blocked_order()
        wizard = (
            self.env["credit.release.wizard"]
            .sudo(self.salesperson)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"reason": "Trust me"})
        )
        with self.assertRaises(AccessError):
            wizard.action_release()
        self.assertTrue(order.credit_blocked)

    def test_accept_key_never_confirms_unblocked(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_blocked)

    def test_salesperson_cannot_read_release_log(self):
        with self.assertRaises(AccessError):
            self.env["credit.release.log"].sudo(self.salesperson).search([])

    def test_other_company_sees_no_release_log(self):
        order = self.blocked_order()
        order.sudo(self.controller).credit_release("Guarantee received")
        logs = self.env["credit.release.log"].sudo(self.other_controller).search([])
        self.assertFalse(logs)

    def test_other_company_controller_gets_no_activity(self):
        order = self.blocked_order()
        users = self.credit_activities(order).mapped("user_id")
        self.assertIn(self.controller, users)
        self.assertNotIn(self.other_controller, users)

    def test_other_company_refusal_names_own_controllers(self):
        order = self.blocked_order()
        self.assertNotIn(self.other_controller, order._credit_controllers())
