from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError, UserError

from .test_blocking import BlockingCase


class TestRelease(BlockingCase):
    def release(self, order, reason="Customer paid in advance"):
        order.sudo(self.controller).credit_release(reason)

    def test_controller_releases_with_reason(self):
        order = self.blocked_order()
        self.release(order)
        self.assertEqual(order.credit_state, "released")
        self.assertFalse(order.credit_blocked)
        self.assertAlmostEqual(order.credit_released_amount, 1100.0, places=2)

    def test_release_by_controller_without_email(self):
        self.controller.email = False
        order = self.blocked_order()
        self.release(order)
        self.assertEqual(order.credit_state, "released")
        bodies = " ".join(order.message_ids.mapped("body"))
        self.assertIn("Customer paid in advance", bodies)

    def test_block_by_salesperson_without_email(self):
        self.salesperson.email = False
        order = self.blocked_order()
        self.assertTrue(order.credit_blocked)
        bodies = " ".join(order.message_ids.mapped("body"))
        self.assertIn("Blocked by credit control", bodies)

    def test_release_wizard_releases(self):
        order = self.blocked_order()
        wizard = (
            self.env["credit.release.wizard"]
            .sudo(self.controller)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"reason": "Guarantee received"})
        )
        wizard.action_release()
        self.assertEqual(order.credit_state, "released")

    def test_release_log_records_moment(self):
        order = self.blocked_order()
        self.release(order, "  Customer paid in advance ")
        log = self.env["credit.release.log"].search([("order_id", "=", order.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.partner_id, self.customer)
        self.assertEqual(log.user_id, self.controller)
        self.assertTrue(log.date)
        self.assertEqual(log.reason, "Customer paid in advance")
        self.assertEqual(log.company_id, self.company)
        self.assertAlmostEqual(log.order_amount, 1100.0, places=2)
        # The blocked order is confirmed, so it counts in the exposure.
        self.assertAlmostEqual(log.total_exposure, 1100.0, places=2)
        self.assertAlmostEqual(log.insured_total_exposure, 1100.0, places=2)
        self.assertAlmostEqual(log.management_ceiling, 1000.0, places=2)
        self.assertAlmostEqual(log.insurance_ceiling, 800.0, places=2)

    def test_release_starts_delivery(self):
        order = self.blocked_order(product=self.product)
        self.assertFalse(order.picking_ids)
        self.release(order)
        self.assertEqual(
            sum(order.picking_ids.mapped("move_lines.product_uom_qty")), 10.0
        )

    def test_released_order_can_be_invoiced(self):
        order = self.blocked_order()
        self.release(order)
        invoice = self.invoice(order)
        self.assertEqual(invoice.state, "open")

    def test_release_needs_reason(self):
        order = self.blocked_order()
        with self.assertRaises(UserError):
            self.release(order, "  ")
        self.assertTrue(order.credit_blocked)

    def test_release_of_unblocked_order_refused(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        with self.assertRaises(UserError):
            self.release(order)
        self.assertEqual(order.credit_state, "ok")

    def test_growth_beyond_release_blocks_again(self):
        order = self.blocked_order()
        self.release(order)
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 11})
        self.assertTrue(order.credit_blocked)
        self.assertIn("would be %s" % self.amount(1210), order.credit_message)

    def test_unchanged_total_stays_released(self):
        order = self.blocked_order()
        self.release(order)
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        self.assertEqual(order.credit_state, "released")

    def test_growth_after_shrink_blocks_again(self):
        order = self.blocked_order()
        self.release(order)
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 8})
        order.order_line.sudo(self.salesperson).write({"product_uom_qty": 10})
        self.assertTrue(order.credit_blocked)

    def test_chatter_shows_block(self):
        order = self.blocked_order()
        bodies = order.message_ids.mapped("body")
        self.assertTrue(any("Blocked by credit control." in body for body in bodies))

    def test_chatter_shows_release(self):
        order = self.blocked_order()
        self.release(order, "Guarantee <received>")
        bodies = order.message_ids.mapped("body")
        self.assertIn(
            "Credit Controller released the credit block. Reason: "
            "Guarantee &lt;received&gt;",
            "\n".join(bodies),
        )

    def test_block_schedules_activity_per_controller(self):
        order = self.blocked_order()
        activities = self.credit_activities(order)
        controllers = self.env.ref("credit_exposure.group_credit_controller").users
        self.assertIn(self.controller, activities.mapped("user_id"))
        self.assertEqual(set(activities.mapped("user_id").ids), set(controllers.ids))
        self.assertEqual(len(activities), len(controllers))

    def test_release_marks_activity_done(self):
        order = self.blocked_order()
        self.release(order, "Guarantee received")
        self.assertFalse(self.credit_activities(order))
        done = order.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self.activity_type
        )
        self.assertEqual(len(done), 1)
        self.assertIn("Guarantee received", done.body)

    def test_cancel_closes_activities(self):
        order = self.blocked_order()
        order.sudo(self.salesperson).action_cancel()
        self.assertFalse(self.credit_activities(order))

    def test_ceiling_change_tracked(self):
        customer = self.customer.with_context(tracking_disable=False)
        customer.sudo(self.controller).write({"credit_management_ceiling": 2500.0})
        values = customer.message_ids.mapped("tracking_value_ids").filtered(
            lambda value: value.field == "credit_management_ceiling"
        )
        self.assertEqual(len(values), 1)
        self.assertAlmostEqual(values.old_value_monetary, 1000.0, places=2)
        self.assertAlmostEqual(values.new_value_monetary, 2500.0, places=2)

    def test_log_not_editable_by_controller(self):
        order = self.blocked_order()
        self.release(order)
        log = (
            self.env["credit.release.log"]
            .sudo(self.controller)
            .search([("order_id", "=", order.id)])
        )
        with self.assertRaises(AccessError):
            log.write({"reason": "Something else"})
        self.assertEqual(log.reason, "Customer paid in advance")

    def test_log_not_deletable_by_controller(self):
        order = self.blocked_order()
        self.release(order)
        log = (
            self.env["credit.release.log"]
            .sudo(self.controller)
            .search([("order_id", "=", order.id)])
        )
        with self.assertRaises(AccessError):
            log.unlink()
        self.assertTrue(log.exists())

    def test_log_not_creatable_by_controller(self):
        order = self.blocked_order()
        with self.assertRaises(AccessError):
            self.env["credit.release.log"].sudo(self.controller).create(
                {
                    "order_id": order.id,
                    "partner_id": self.customer.id,
                    "user_id": self.controller.id,
                    "date": "2020-01-01 00:00:00",
                    "reason": "Forged",
                    "company_id": self.company.id,
                }
            )

    def test_log_editable_by_superuser(self):
        order = self.blocked_order()
        self.release(order)
        log = (
            self.env["credit.release.log"]
            .sudo(SUPERUSER_ID)
            .search([("order_id", "=", order.id)])
        )
        log.write({"reason": "Corrected reason"})
        self.assertEqual(log.reason, "Corrected reason")

    def cancelled_order(self, released=True):
        """Return an order cancelled by a sales manager, after a release or not."""
        manager = self._create_user(
            "credit_release_manager", [self.env.ref("sales_team.group_sale_manager")]
        )
        if released:
            order = self.blocked_order()
            self.release(order)
        else:
            order = self.create_order(quantity=2)
        order = order.sudo(manager)
        order.action_cancel()
        return order

    def test_released_order_not_deletable(self):
        order = self.cancelled_order()
        with self.assertRaises(UserError) as caught:
            order.unlink()
        self.assertIn(order.name, caught.exception.name)
        self.assertIn("superuser", caught.exception.name)
        self.assertTrue(order.exists())
        logs = self.env["credit.release.log"].search([("order_id", "=", order.id)])
        self.assertEqual(len(logs), 1)

    def test_order_without_log_deletable(self):
        order = self.cancelled_order(released=False)
        order.unlink()
        self.assertFalse(order.exists())

    def test_order_deletable_after_superuser_deletes_log(self):
        order = self.cancelled_order()
        self.env["credit.release.log"].sudo(SUPERUSER_ID).search(
            [("order_id", "=", order.id)]
        ).unlink()
        order.unlink()
        self.assertFalse(order.exists())

    def test_log_order_deletion_restricted(self):
        field = self.env["credit.release.log"]._fields["order_id"]
        self.assertEqual(field.ondelete, "restrict")
        self.env.cr.execute(
            """
            SELECT confdeltype FROM pg_constraint
             WHERE conname = 'credit_release_log_order_id_fkey'
            """
        )
        # "r" is PostgreSQL's code for ON DELETE RESTRICT.
        self.assertEqual(self.env.cr.fetchone()[0], "r")
