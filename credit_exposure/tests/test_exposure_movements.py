"""The exposure movements stay in step with the documents they follow."""

from ..hooks import compute_null_amounts, fill_invoice_draft_amounts
from .common import CreditExposureCase


class TestExposureMovements(CreditExposureCase):
    def setUp(self):
        super(TestExposureMovements, self).setUp()
        self.movements = self.env["credit.exposure.movement"]
        # An open order, a delivered and invoiced one, and a payment.
        self.open_order = self.create_order(product=self.product_ordered, quantity=3)
        self.open_order.action_confirm()
        self.invoiced_order = self.create_order(quantity=5)
        self.invoiced_order.action_confirm()
        self.deliver(self.invoiced_order.with_env(self.env), 5)
        self.invoice_record = self.invoice(self.invoiced_order.with_env(self.env))
        self.pay(self.invoice_record, 110.0)

    def movement_count(self, partner):
        return self.movements.search_count([("partner_id", "=", partner.id)])

    def test_figures_come_from_movements(self):
        # 3 x 110 still to deliver; 5 x 110 invoiced, 110 paid.
        self.assertFigures(self.customer, 330.0, 440.0)

    def test_merge_keeps_figures(self):
        self.assertGreater(self.movement_count(self.customer), 2)
        self.movements._credit_merge(self.customer.ids)
        # One delivery and one financial row, both insured, in one currency.
        self.assertEqual(self.movement_count(self.customer), 2)
        self.assertFigures(self.customer, 330.0, 440.0)

    def test_merge_of_every_customer_keeps_figures(self):
        self.movements._credit_merge_all()
        self.assertEqual(self.movement_count(self.customer), 2)
        self.assertFigures(self.customer, 330.0, 440.0)

    def test_rebuild_gives_the_same_figures(self):
        self.movements._credit_rebuild()
        self.assertEqual(self.movement_count(self.customer), 2)
        self.assertFigures(self.customer, 330.0, 440.0)

    def test_differences_name_a_movement_written_by_hand(self):
        self.env.cr.execute(
            "INSERT INTO credit_exposure_movement "
            "(partner_id, company_id, currency_id, insured, figure, amount) "
            "VALUES (%s, %s, %s, TRUE, 'financial', 5)",
            (self.customer.id, self.company.id, self.currency.id),
        )
        differences = self.movements._credit_differences()
        self.assertEqual(len(differences), 1)
        self.assertEqual(differences[0][0], self.customer.id)
        self.assertEqual(differences[0][4], "financial")
        self.assertAlmostEqual(float(differences[0][5] - differences[0][6]), 5.0)

    def test_check_merges_many_movements(self):
        for quantity in range(1, 20):
            self.open_order.order_line.product_uom_qty = 3 + quantity
            self.open_order.order_line.product_uom_qty = 3
        self.assertGreater(self.movement_count(self.customer), 60)
        self.set_ceilings(self.customer, management=100000.0)
        order = self.create_order(quantity=1)
        order.action_confirm()
        # The check merged the rows it read; the new order added its own.
        self.assertLess(self.movement_count(self.customer), 6)
        self.assertFigures(self.customer, 440.0, 440.0)

    def post_entry(self, partner, amount):
        """Post a manual journal entry of amount on partner's receivable."""
        revenue = self.env["account.account"].search(
            [
                (
                    "user_type_id",
                    "=",
                    self.env.ref("account.data_account_type_revenue").id,
                ),
                ("company_id", "=", self.company.id),
            ],
            limit=1,
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        move = self.env["account.move"].create(
            {
                "journal_id": journal.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Opening balance",
                            "account_id": partner.property_account_receivable_id.id,
                            "partner_id": partner.id,
                            "debit": amount,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Opening balance",
                            "account_id": revenue.id,
                            "credit": amount,
                        },
                    ),
                ],
            }
        )
        move.post()
        return move

    def test_moving_a_contact_moves_its_documents(self):
        other = self.env["res.partner"].create(
            {"name": "Credit Other Customer", "is_company": True}
        )
        order = self.create_order(
            partner=self.contact, product=self.product_ordered, quantity=2
        )
        order.action_confirm()
        self.invoice(order.with_env(self.env), post=False)
        self.post_entry(self.contact, 50.0)
        # A manual entry belongs to no insured invoice.
        self.assertFigures(self.customer, 330.0, 710.0, insured_financial=660.0)
        self.contact.parent_id = other
        self.assertFigures(self.customer, 330.0, 440.0)
        self.assertFigures(other, 0.0, 270.0, insured_financial=220.0)

    def test_cancelling_an_order_removes_its_lines(self):
        self.open_order.action_cancel()
        self.assertFigures(self.customer, 0.0, 440.0)

    def test_deleting_a_draft_invoice_removes_it(self):
        draft = self.invoice(self.open_order.with_env(self.env), post=False)
        self.assertFigures(self.customer, 0.0, 770.0)
        draft.unlink()
        self.assertFigures(self.customer, 330.0, 440.0)

    def test_uninsuring_an_open_invoice_moves_it(self):
        self.invoice_record.credit_insured = False
        self.assertFigures(
            self.customer, 330.0, 440.0, insured_delivery=330.0, insured_financial=0.0
        )

    def test_migration_fills_draft_amounts(self):
        draft = self.invoice(self.open_order.with_env(self.env), post=False)
        # The amounts are NULL, as on a database updated from 11.0.1.0.0.
        self.env.cr.execute(
            "UPDATE account_invoice SET credit_draft_amount = NULL "
            "WHERE id IN %s OR state != 'draft'",
            (tuple((draft | self.invoice_record).ids),),
        )
        self.env.cr.execute(
            "SELECT COUNT(*) FROM account_invoice WHERE credit_draft_amount IS NULL"
        )
        self.assertGreater(self.env.cr.fetchone()[0], 1)
        draft.invalidate_cache()
        fill_invoice_draft_amounts(self.env.cr)
        compute_null_amounts(self.env)
        draft.invalidate_cache()
        self.assertAlmostEqual(draft.credit_draft_amount, 330.0)
        self.assertEqual(self.invoice_record.credit_draft_amount, 0.0)
        self.env.cr.execute(
            "SELECT COUNT(*) FROM account_invoice WHERE credit_draft_amount IS NULL"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertFigures(self.customer, 0.0, 770.0)
