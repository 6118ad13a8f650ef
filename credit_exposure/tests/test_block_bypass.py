from odoo.exceptions import AccessError, UserError

from .test_blocking import ACCEPT_BLOCK, BlockingCase

NO_RECOMPUTE = dict(ACCEPT_BLOCK, recompute=False)


class TestBlockBypass(BlockingCase):
    """Paths around the credit check that a salesperson or controller may try."""

    def stored(self, table, column, record_id):
        """Read column of record_id from the database, past the ORM cache."""
        self.env.cr.execute(
            "SELECT {} FROM {} WHERE id = %s".format(column, table), [record_id]
        )
        return self.env.cr.fetchone()[0]

    def test_no_recompute_context_stores_block(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        self.confirm(order, context=NO_RECOMPUTE)
        self.assertEqual(self.stored("sale_order", "credit_state", order.id), "blocked")
        self.assertTrue(self.stored("sale_order", "credit_blocked", order.id))

    def test_no_recompute_context_stores_open_amount(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        self.confirm(order, context=NO_RECOMPUTE)
        line = order.order_line
        self.assertEqual(self.stored("sale_order_line", "state", line.id), "sale")
        self.assertAlmostEqual(
            self.stored("sale_order_line", "credit_open_amount", line.id),
            1100.0,
            places=2,
        )

    def test_no_recompute_context_activity_model(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        self.confirm(order, context=NO_RECOMPUTE)
        activities = self.credit_activities(order)
        self.assertTrue(activities)
        for activity in activities:
            self.assertEqual(
                self.stored("mail_activity", "res_model", activity.id), "sale.order"
            )

    def test_no_recompute_context_not_procured(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        self.confirm(order, context=NO_RECOMPUTE)
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertFalse(moves)

    def test_shrink_then_grow_checked(self):
        self.enable_blocking()
        self.set_ceilings(self.customer, management=1000.0)
        first = self.create_order(quantity=9, product=self.product_ordered)
        self.confirm(first)
        first.order_line.sudo(self.salesperson).write({"product_uom_qty": 1})
        self.assertAlmostEqual(first.credit_checked_amount, 110.0, places=2)
        second = self.create_order(quantity=8, product=self.product_ordered)
        self.confirm(second)
        self.assertEqual(second.credit_state, "ok")
        first.order_line.sudo(self.salesperson).write({"product_uom_qty": 9})
        self.assertTrue(first.credit_blocked)

    def test_shrink_lowers_released_amount(self):
        order = self.blocked_order(quantity=10)
        order.sudo(self.controller).credit_release("Guarantee received")
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 4})
        self.assertAlmostEqual(order.credit_released_amount, 440.0, places=2)
        self.assertAlmostEqual(order.credit_checked_amount, 440.0, places=2)

    def test_write_state_sets_confirmation_date(self):
        order = self.create_order(quantity=1)
        order.sudo(self.salesperson).write({"state": "sale"})
        self.assertTrue(order.confirmation_date)

    def test_create_confirmed_sets_confirmation_date(self):
        order = (
            self.env["sale.order"]
            .sudo(self.salesperson)
            .create({"partner_id": self.customer.id, "state": "sale"})
        )
        self.assertTrue(order.confirmation_date)

    def create_confirmed_order(self, partner, quantity):
        """Create as the salesperson an order in state sale, with no date given."""
        return (
            self.env["sale.order"]
            .sudo(self.salesperson)
            .create(
                {
                    "partner_id": partner.id,
                    "state": "sale",
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": quantity,
                                "price_unit": 100.0,
                                "tax_id": [(6, 0, self.tax.ids)],
                            },
                        )
                    ],
                }
            )
        )

    def assertConfirmedAndProcured(self, order, quantity):
        """Assert that order is confirmed, dated, unblocked and to deliver."""
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "ok")
        self.assertTrue(order.confirmation_date)
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertEqual(sum(moves.mapped("product_uom_qty")), quantity)

    def test_create_confirmed_within_ceiling_procures(self):
        order = self.create_confirmed_order(self.customer, 5)
        self.assertConfirmedAndProcured(order, 5.0)
        self.assertFigures(self.customer, delivery=550.0, financial=0.0)

    def test_create_confirmed_without_ceiling_procures(self):
        order = self.create_confirmed_order(self.other_customer, 20)
        self.assertConfirmedAndProcured(order, 20.0)

    def test_release_of_written_state_procures(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        order.sudo(self.salesperson).write({"state": "sale"})
        self.assertTrue(order.credit_blocked)
        order.sudo(self.controller).credit_release("Guarantee received")
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertEqual(sum(moves.mapped("product_uom_qty")), 10.0)

    def test_salesperson_cannot_uninsure_confirmed(self):
        order = self.create_order(quantity=1)
        self.confirm(order)
        with self.assertRaises(AccessError) as refusal:
            order.sudo(self.salesperson).write({"credit_insured": False})
        self.assertIn(order.name, str(refusal.exception))
        self.assertIn(self.controller.name, str(refusal.exception))
        self.assertTrue(order.credit_insured)

    def test_salesperson_uninsures_quotation(self):
        order = self.create_order(quantity=1)
        order.sudo(self.salesperson).write({"credit_insured": False})
        self.assertFalse(order.credit_insured)

    def test_controller_uninsures_confirmed(self):
        order = self.create_order(quantity=1)
        self.confirm(order)
        order.sudo(self.controller).write({"credit_insured": False})
        self.assertFalse(order.credit_insured)

    def test_controller_cannot_write_credit_state(self):
        order = self.blocked_order()
        with self.assertRaises(AccessError) as refusal:
            order.sudo(self.controller).write({"credit_state": "released"})
        self.assertIn("Release Credit Block", str(refusal.exception))
        self.assertIn(order.name, str(refusal.exception))
        self.assertTrue(order.credit_blocked)

    def test_controller_cannot_write_amounts(self):
        order = self.blocked_order()
        for name in ("credit_released_amount", "credit_checked_amount"):
            with self.subTest(field=name):
                with self.assertRaises(AccessError):
                    order.sudo(self.controller).write({name: 1e9})
        self.assertAlmostEqual(order.credit_released_amount, 0.0, places=2)

    def test_controller_cannot_write_blocked_date(self):
        order = self.blocked_order()
        with self.assertRaises(AccessError):
            order.sudo(self.controller).write({"credit_blocked_date": False})
        self.assertTrue(order.credit_blocked_date)

    def test_cancel_blocked_order_resets_state(self):
        order = self.blocked_order()
        order.sudo(self.salesperson).action_cancel()
        self.assertEqual(order.credit_state, "ok")
        self.assertFalse(order.credit_blocked)

    def test_cancel_blocked_order_closes_activities(self):
        order = self.blocked_order()
        order.sudo(self.salesperson).action_cancel()
        self.assertFalse(self.credit_activities(order))

    def test_release_cancelled_order_refused(self):
        order = self.blocked_order()
        order.sudo(self.salesperson).action_cancel()
        with self.assertRaises(UserError):
            order.sudo(self.controller).credit_release("Guarantee received")
        self.assertFalse(
            self.env["credit.release.log"].search([("order_id", "=", order.id)])
        )

    def test_ceiling_refusal_names_field(self):
        with self.assertRaises(AccessError) as refusal:
            self.customer.sudo(self.salesperson).write({"credit_hold": True})
        message = str(refusal.exception)
        self.assertIn("Credit Hold", message)
        self.assertIn(self.customer.name, message)
        self.assertIn(self.controller.name, message)

    def test_confirmed_pricelist_change_refused(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        pricelist = self.env["product.pricelist"].create(
            {"name": "Credit test other pricelist", "currency_id": self.currency.id}
        )
        with self.assertRaises(UserError):
            order.sudo(self.salesperson).write({"pricelist_id": pricelist.id})
        self.assertNotEqual(order.pricelist_id, pricelist)

    def test_confirmed_company_change_refused(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        company = self.env["res.company"].create({"name": "Credit test other company"})
        with self.assertRaises(UserError):
            order.sudo(self.controller).write({"company_id": company.id})
        self.assertEqual(order.company_id, self.company)

    def test_quotation_pricelist_change_allowed(self):
        order = self.create_order(quantity=5)
        pricelist = self.env["product.pricelist"].create(
            {"name": "Credit test other pricelist", "currency_id": self.currency.id}
        )
        order.sudo(self.salesperson).write({"pricelist_id": pricelist.id})
        self.assertEqual(order.pricelist_id, pricelist)
