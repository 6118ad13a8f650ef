from odoo.exceptions import AccessError, UserError

from .test_blocking import BlockingCase


class TestBlockPaths(BlockingCase):
    """A blocked order produces no delivery, no invoice and no procurement."""

    @classmethod
    def setUpClass(cls):
        super(TestBlockPaths, cls).setUpClass()
        cls.accountant = cls._create_user(
            "credit_accountant", [cls.env.ref("account.group_account_invoice")]
        )

    def refusal(self, order, text):
        """Return the full refusal message for order, text being its first sentence."""
        controllers = ", ".join(order._credit_controllers().mapped("name"))
        return (
            "Credit control blocked the sales order %s, so %s. A member of the "
            "Credit Controller group (%s) can release it in Sales > Credit "
            "Control > Blocked Orders." % (order.name, text, controllers)
        )

    def open_picking(self, order):
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        picking.ensure_one()
        return picking.sudo(self.warehouse_user)

    def test_validate_button_refused(self):
        order = self.cut_off_order()
        picking = self.open_picking(order)
        picking.move_lines.write({"quantity_done": 5})
        with self.assertRaises(UserError) as caught:
            picking.button_validate()
        self.assertEqual(
            caught.exception.name, self.refusal(order, "its goods cannot be delivered")
        )
        self.assertEqual(picking.state, "confirmed")

    def test_immediate_transfer_delivers_nothing(self):
        """Nothing is reserved, so the wizard has no quantity to mark done, and
        the backorder wizard it opens refuses the delivery."""
        order = self.cut_off_order()
        picking = self.open_picking(order)
        wizard = (
            self.env["stock.immediate.transfer"]
            .sudo(self.warehouse_user)
            .create({"pick_ids": [(6, 0, picking.ids)]})
        )
        action = wizard.process()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 0.0)

    def test_backorder_wizard_refused(self):
        order = self.cut_off_order()
        picking = self.open_picking(order)
        picking.move_lines.write({"quantity_done": 2})
        wizard = (
            self.env["stock.backorder.confirmation"]
            .sudo(self.warehouse_user)
            .create({"pick_ids": [(6, 0, picking.ids)]})
        )
        with self.assertRaises(UserError):
            wizard.process()
        with self.assertRaises(UserError):
            wizard.process_cancel_backorder()
        self.assertNotEqual(picking.state, "done")

    def test_move_done_refused(self):
        order = self.cut_off_order()
        picking = self.open_picking(order)
        picking.move_lines.write({"quantity_done": 5})
        with self.assertRaises(UserError):
            picking.move_lines._action_done()
        self.assertEqual(picking.move_lines.state, "confirmed")

    # Reservation of a blocked order's deliveries

    def test_check_availability_refused(self):
        order = self.cut_off_order()
        picking = self.open_picking(order)
        with self.assertRaises(UserError) as caught:
            picking.action_assign()
        self.assertEqual(
            caught.exception.name,
            self.refusal(order, "no stock can be reserved for it"),
        )
        self.assertEqual(picking.state, "confirmed")
        self.assertFalse(picking.move_line_ids)

    def test_force_availability_refused(self):
        order = self.cut_off_order()
        picking = self.open_picking(order)
        with self.assertRaises(UserError):
            picking.force_assign()
        self.assertEqual(picking.state, "confirmed")

    def test_move_reservation_skips_blocked(self):
        order = self.cut_off_order()
        picking = self.open_picking(order)
        picking.move_lines._action_assign()
        self.assertEqual(picking.move_lines.state, "confirmed")
        self.assertFalse(picking.move_line_ids)

    def test_procurement_context_reserves_nothing(self):
        order = self.cut_off_order()
        picking = self.open_picking(order)
        picking.with_context(credit_exposure_procuring=True).action_assign()
        self.assertEqual(picking.state, "confirmed")
        self.assertFalse(picking.move_line_ids)

    def test_scheduler_reserves_open_orders_only(self):
        open_order = self.create_order(quantity=1)
        self.confirm(open_order)
        blocked = self.cut_off_order(quantity=1)
        self.env["procurement.group"].run_scheduler()
        self.assertEqual(open_order.picking_ids.state, "assigned")
        self.assertEqual(blocked.picking_ids.state, "confirmed")
        self.assertFalse(blocked.picking_ids.move_line_ids)

    def test_cut_off_unreserves_delivery(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        picking = self.open_picking(order)
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        order.sudo(self.controller).action_credit_block()
        self.assertEqual(picking.state, "confirmed")
        self.assertFalse(picking.move_line_ids)

    def test_release_allows_reservation(self):
        order = self.cut_off_order()
        order.sudo(self.controller).credit_release("Customer paid in advance")
        picking = self.open_picking(order)
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")

    def test_open_order_delivered_by_warehouse(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        picking = self.open_picking(order)
        picking.action_assign()
        picking.move_lines.write({"quantity_done": 5})
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 5.0)

    def test_open_order_invoice_validated_by_accountant(self):
        order = self.create_order(product=self.product_ordered, quantity=5)
        self.confirm(order)
        invoice = self.invoice(order, post=False)
        invoice.sudo(self.accountant).action_invoice_open()
        self.assertEqual(invoice.state, "open")

    def test_return_passes(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        delivery = self.deliver(order, 5)
        order.sudo(self.controller).action_credit_block()
        wizard_model = self.env["stock.return.picking"].with_context(
            active_ids=delivery.ids, active_id=delivery.id
        )
        wizard = wizard_model.create(
            wizard_model.default_get(list(wizard_model._fields))
        )
        wizard.product_return_moves.write({"quantity": 2, "to_refund": True})
        returned = self.env["stock.picking"].browse(wizard.create_returns()["res_id"])
        returned.action_assign()
        returned.move_lines.write({"quantity_done": 2})
        returned.sudo(self.warehouse_user).action_done()
        self.assertEqual(returned.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 3.0)

    def test_invoice_from_order_refused(self):
        order = self.cut_off_order(product=self.product_ordered)
        with self.assertRaises(UserError) as caught:
            order.sudo(self.salesperson).action_invoice_create()
        self.assertEqual(
            caught.exception.name, self.refusal(order, "it cannot be invoiced")
        )
        self.assertFalse(order.invoice_ids)

    def test_invoicing_wizard_several_orders_refused(self):
        open_order = self.create_order(product=self.product_ordered, quantity=1)
        self.confirm(open_order)
        blocked = self.cut_off_order(product=self.product_ordered, quantity=1)
        orders = open_order | blocked
        wizard = (
            self.env["sale.advance.payment.inv"]
            .sudo(self.salesperson)
            .with_context(active_ids=orders.ids, active_model="sale.order")
            .create({"advance_payment_method": "delivered"})
        )
        with self.assertRaises(UserError):
            wizard.create_invoices()
        self.assertFalse(orders.mapped("invoice_ids"))

    def test_down_payment_refused(self):
        order = self.cut_off_order(product=self.product_ordered)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .sudo(self.salesperson)
            .with_context(active_ids=order.ids, active_model="sale.order")
            .create({"advance_payment_method": "fixed", "amount": 100.0})
        )
        with self.assertRaises(UserError):
            wizard.create_invoices()
        self.assertFalse(order.invoice_ids)

    def test_draft_invoice_validation_refused(self):
        order = self.create_order(product=self.product_ordered, quantity=5)
        self.confirm(order)
        invoice = self.invoice(order, post=False)
        order.sudo(self.controller).action_credit_block()
        with self.assertRaises(UserError) as caught:
            invoice.sudo(self.accountant).action_invoice_open()
        self.assertEqual(
            caught.exception.name,
            self.refusal(order, "its invoices cannot be validated"),
        )
        self.assertEqual(invoice.state, "draft")

    def test_refund_passes(self):
        order = self.create_order(product=self.product_ordered, quantity=5)
        self.confirm(order)
        invoice = self.invoice(order)
        order.sudo(self.controller).action_credit_block()
        wizard = (
            self.env["account.invoice.refund"]
            .sudo(self.accountant)
            .with_context(active_ids=invoice.ids, active_id=invoice.id)
            .create({"filter_refund": "refund", "description": "Credit test refund"})
        )
        wizard.invoice_refund()
        refund = invoice.refund_invoice_ids
        refund.sudo(self.accountant).action_invoice_open()
        self.assertEqual(refund.state, "open")

    def test_payment_passes(self):
        order = self.create_order(product=self.product_ordered, quantity=5)
        self.confirm(order)
        invoice = self.invoice(order)
        order.sudo(self.controller).action_credit_block()
        self.pay(invoice, 550.0)
        self.assertEqual(invoice.state, "paid")

    def test_blocked_order_procures_nothing(self):
        """No procurement group and no stock move: nothing to deliver, and no
        procurement rule runs, so no route (buy, manufacture) creates a purchase
        or a manufacturing order either."""
        order = self.blocked_order(product=self.product)
        self.assertFalse(order.procurement_group_id)
        self.assertFalse(order.picking_ids)
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertFalse(moves)

    def test_scheduler_procures_nothing(self):
        order = self.blocked_order(product=self.product)
        self.env["procurement.group"].run_scheduler()
        self.assertFalse(order.picking_ids)
        moves = self.env["stock.move"].search(
            [("sale_line_id", "in", order.order_line.ids)]
        )
        self.assertFalse(moves)

    def test_scheduler_delivers_nothing(self):
        order = self.cut_off_order()
        self.env["procurement.group"].run_scheduler()
        self.assertNotIn("done", order.picking_ids.mapped("state"))
        self.assertEqual(order.order_line.qty_delivered, 0.0)

    def test_cut_off_by_controller(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        order.sudo(self.controller).action_credit_block()
        self.assertTrue(order.credit_blocked)
        self.assertEqual(
            order.credit_message, "Delivery and invoicing cut off by Credit Controller."
        )
        self.assertTrue(order.credit_blocked_date)

    def cut_off_wizard(self, order, user):
        """Open the cut-off dialog of the Action menu on order, as user."""
        return (
            self.env["credit.cutoff.wizard"]
            .sudo(user)
            .with_context(
                active_model="sale.order", active_ids=order.ids, active_id=order.id
            )
            .create({})
        )

    def action_bindings(self, user):
        """Return the Action menu entries of sales orders that user gets."""
        bindings = self.env["ir.actions.actions"].sudo(user).get_bindings("sale.order")
        return bindings["action"]

    def test_cut_off_wizard_by_controller(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        wizard = self.cut_off_wizard(order, self.controller)
        self.assertEqual(wizard.order_ids, order)
        wizard.action_cut_off()
        self.assertTrue(order.credit_blocked)

    def test_cut_off_in_controller_action_menu(self):
        action = self.env.ref("credit_exposure.credit_cutoff_wizard_action_multi")
        self.assertEqual(action.binding_model_id.model, "sale.order")
        bindings = self.action_bindings(self.controller)
        self.assertIn(action.id, [binding["id"] for binding in bindings])

    def test_cut_off_not_in_salesperson_action_menu(self):
        action = self.env.ref("credit_exposure.credit_cutoff_wizard_action_multi")
        bindings = self.action_bindings(self.salesperson)
        self.assertNotIn(action.id, [binding["id"] for binding in bindings])
        self.assertNotIn(
            "Cut off delivery and invoicing",
            [binding["name"] for binding in bindings],
        )

    def test_cut_off_wizard_refused_for_salesperson(self):
        order = self.create_order(quantity=5)
        self.confirm(order)
        wizard = self.cut_off_wizard(order, self.salesperson)
        with self.assertRaises(AccessError):
            wizard.action_cut_off()
        self.assertFalse(order.credit_blocked)

    def test_cut_off_refuses_quotation(self):
        order = self.create_order(quantity=5)
        with self.assertRaises(UserError):
            order.sudo(self.controller).action_credit_block()
        self.assertEqual(order.credit_state, "ok")
