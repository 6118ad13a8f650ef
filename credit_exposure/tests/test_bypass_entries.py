"""Writes on the journal entry of a posted invoice make no room.

The customer has a management ceiling of 1,000. A unit costs 110, taxes
included, so an invoiced order of 9 units (990) fits and a second one does not.
A Billing user (account.group_account_invoice) makes every write, with "Show
Full Accounting Features" where Odoo 11 requires it.
"""

from odoo.exceptions import AccessError, UserError

from .test_blocking import ACCEPT_BLOCK, BlockingCase


class TestBypassEntries(BlockingCase):
    @classmethod
    def setUpClass(cls):
        super(TestBypassEntries, cls).setUpClass()
        cls.accountant = cls._create_user(
            "credit_entries_accountant", [cls.env.ref("account.group_account_invoice")]
        )
        # Odoo 11 lets a Billing user delete reconciliations, as unreconciling
        # and cancelling a payment do, only with "Show Full Accounting Features".
        cls.full_accountant = cls._create_user(
            "credit_entries_full_accountant",
            [
                cls.env.ref("account.group_account_invoice"),
                cls.env.ref("account.group_account_user"),
            ],
        )

    def setUp(self):
        super(TestBypassEntries, self).setUp()
        self.set_ceilings(self.customer, management=1000.0, insurance=0.0)
        self.enable_blocking()
        order = self.create_order(quantity=9, product=self.product_ordered)
        self.confirm(order)
        self.assertEqual(order.credit_state, "ok")
        self.posted = self.invoice(order)
        self.entry = self.posted.move_id
        self.entry.journal_id.update_posted = True
        self.receivable = self.entry.line_ids.filtered(
            lambda line: line.account_id.internal_type == "receivable"
        )
        self.assertFigures(self.customer, 0.0, 990.0)

    def assertNoRoom(self):
        """Assert that a second order of 990 is blocked."""
        order = self.create_order(quantity=9, product=self.product_ordered)
        self.confirm(order, context=ACCEPT_BLOCK)
        self.assertTrue(order.credit_blocked)

    def assertUnchanged(self):
        """Assert that the invoice still counts in full and leaves no room."""
        self.env.cache.invalidate()
        self.assertEqual(self.entry.state, "posted")
        self.assertEqual(self.receivable.partner_id, self.customer)
        self.assertAlmostEqual(self.receivable.amount_residual, 990.0, places=2)
        self.assertFalse(self.receivable.reconciled)
        self.assertFigures(self.customer, 0.0, 990.0)
        self.assertNoRoom()

    # Journal items

    def test_receivable_computed_fields_refused(self):
        values = {"amount_residual": 0.0, "reconciled": True, "balance": 0.0}
        for name, value in values.items():
            with self.subTest(field=name):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.receivable.sudo(self.accountant).write({name: value})
        self.assertUnchanged()

    def test_receivable_other_customer_refused(self):
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            self.receivable.sudo(self.accountant).write(
                {"partner_id": self.other_customer.id}
            )
        self.assertIn(self.entry.name, caught.exception.name)
        self.assertIn(self.customer.name, caught.exception.name)
        self.assertFigures(self.other_customer, 0.0, 0.0)
        self.assertUnchanged()

    def test_receivable_partner_removed_refused(self):
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.receivable.sudo(self.accountant).write({"partner_id": False})
        self.assertUnchanged()

    def test_receivable_invoice_link_refused(self):
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.receivable.sudo(self.accountant).write({"invoice_id": False})
        self.receivable.invalidate_cache()
        self.assertEqual(self.receivable.invoice_id, self.posted)

    def test_receivable_contact_of_customer_allowed(self):
        self.receivable.sudo(self.accountant).write({"partner_id": self.contact.id})
        self.assertEqual(self.receivable.partner_id, self.contact)
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_receivable_without_partner_assigned(self):
        receivable_account = self.receivable.account_id
        entry = self.env["account.move"].create(
            {
                "journal_id": self.bank_journal.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Unknown payer",
                            "account_id": receivable_account.id,
                            "credit": 100.0,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Unknown payer",
                            "account_id": (
                                self.bank_journal.default_debit_account_id.id
                            ),
                            "debit": 100.0,
                        },
                    ),
                ],
            }
        )
        entry.post()
        line = entry.line_ids.filtered(
            lambda item: item.account_id == receivable_account
        )
        line.sudo(self.accountant).write({"partner_id": self.customer.id})
        self.assertFigures(self.customer, 0.0, 890.0, insured_financial=990.0)

    # Journal entries

    def test_entry_reset_to_draft_refused(self):
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            self.entry.sudo(self.accountant).write({"state": "draft"})
        self.assertIn(self.entry.name, caught.exception.name)
        self.assertIn(self.posted.number, caught.exception.name)
        self.assertIn("Cancel the invoice", caught.exception.name)
        self.assertUnchanged()

    def test_entry_cancel_button_refused(self):
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            self.entry.sudo(self.accountant).button_cancel()
        self.assertIn(self.posted.number, caught.exception.name)
        self.assertUnchanged()

    def test_paid_invoice_entry_cancel_refused(self):
        self.pay(self.posted, 990.0)
        self.assertEqual(self.posted.state, "paid")
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.entry.sudo(self.accountant).button_cancel()
        self.entry.invalidate_cache()
        self.assertEqual(self.entry.state, "posted")

    def test_partial_reconcile_across_accounts_refused(self):
        income = self.entry.line_ids.filtered(
            lambda line: line.account_id.internal_type != "receivable"
            and line.credit > 0
        )[0]
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["account.partial.reconcile"].sudo(self.accountant).create(
                {
                    "debit_move_id": self.receivable.id,
                    "credit_move_id": income.id,
                    "amount": 990.0,
                }
            )
        self.assertUnchanged()

    def test_payment_entry_cancel_refused(self):
        payment = self.pay(self.posted, 990.0)
        payment_entry = payment.move_line_ids.mapped("move_id")
        payment_entry.journal_id.update_posted = True
        with self.assertRaises(UserError), self.env.cr.savepoint():
            payment_entry.sudo(self.accountant).button_cancel()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            payment_entry.sudo(self.accountant).write({"state": "draft"})
        payment_entry.invalidate_cache()
        self.assertEqual(payment_entry.state, "posted")

    def test_superuser_resets_entry(self):
        self.entry.sudo().button_cancel()
        self.assertEqual(self.entry.state, "draft")

    # Odoo's own flows as the Billing user

    def test_payment_registered(self):
        payment = self.pay(self.posted.sudo(self.accountant), 990.0)
        self.assertEqual(payment.state, "posted")
        self.assertEqual(self.posted.state, "paid")
        self.assertFigures(self.customer, 0.0, 0.0)

    def test_payment_cancelled(self):
        payment = self.pay(self.posted, 990.0)
        payment.journal_id.update_posted = True
        payment.sudo(self.full_accountant).cancel()
        self.assertEqual(payment.state, "cancelled")
        self.assertEqual(self.posted.state, "open")
        self.assertFigures(self.customer, 0.0, 990.0)

    def test_payment_unreconciled(self):
        payment = self.pay(self.posted, 990.0)
        lines = payment.move_line_ids.filtered(
            lambda item: item.account_id.internal_type == "receivable"
        )
        lines.sudo(self.full_accountant).remove_move_reconcile()
        self.assertEqual(self.posted.state, "open")
        # The open payment counts as not insured, so only the total falls.
        self.assertFigures(self.customer, 0.0, 0.0, insured_financial=990.0)
        self.receivable.invalidate_cache()
        self.assertFalse(self.receivable.reconciled)

    def test_invoice_cancelled(self):
        self.posted.sudo(self.accountant).action_invoice_cancel()
        self.assertEqual(self.posted.state, "cancel")
        self.assertFalse(self.entry.exists())
        self.assertFigures(self.customer, 990.0, 0.0)
