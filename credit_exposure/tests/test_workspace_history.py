from psycopg2 import IntegrityError

from odoo.tools import mute_logger

from .common import CreditExposureCase


class TestWorkspaceHistory(CreditExposureCase):
    def _snapshot_rows(self, date):
        return self.env["credit.exposure.history"].search(
            [("partner_id", "=", self.customer.id), ("date", "=", date)]
        )

    def test_snapshot_records_figures(self):
        self.set_ceilings(self.customer, management=1000.0, insurance=500.0)
        self.create_order(quantity=10).action_confirm()
        self.env["credit.exposure.history"]._credit_snapshot("2030-01-15")
        row = self._snapshot_rows("2030-01-15")
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.delivery_exposure, 1100.0, places=2)
        self.assertAlmostEqual(row.financial_exposure, 0.0, places=2)
        self.assertAlmostEqual(row.total_exposure, 1100.0, places=2)
        self.assertAlmostEqual(row.insured_total_exposure, 1100.0, places=2)
        self.assertAlmostEqual(row.management_ceiling, 1000.0, places=2)
        self.assertAlmostEqual(row.insurance_ceiling, 500.0, places=2)
        self.assertAlmostEqual(row.overrun, 600.0, places=2)

    def test_snapshot_twice_same_day_idempotent(self):
        History = self.env["credit.exposure.history"]
        self.create_order(quantity=10).action_confirm()
        first_count = History._credit_snapshot("2030-01-15")
        second_count = History._credit_snapshot("2030-01-15")
        self.assertEqual(first_count, second_count)
        self.assertEqual(len(self._snapshot_rows("2030-01-15")), 1)
        self.assertEqual(
            History.search_count([("date", "=", "2030-01-15")]), first_count
        )

    def test_snapshot_rerun_takes_new_figures(self):
        History = self.env["credit.exposure.history"]
        self.create_order(quantity=10).action_confirm()
        History._credit_snapshot("2030-01-15")
        self.create_order(quantity=5).action_confirm()
        History._credit_snapshot("2030-01-15")
        row = self._snapshot_rows("2030-01-15")
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.total_exposure, 1650.0, places=2)

    def test_snapshot_keeps_other_days(self):
        History = self.env["credit.exposure.history"]
        self.create_order(quantity=10).action_confirm()
        History._credit_snapshot("2030-01-15")
        self.create_order(quantity=5).action_confirm()
        History._credit_snapshot("2030-01-16")
        self.assertAlmostEqual(
            self._snapshot_rows("2030-01-15").total_exposure, 1100.0, places=2
        )
        self.assertAlmostEqual(
            self._snapshot_rows("2030-01-16").total_exposure, 1650.0, places=2
        )

    def test_snapshot_unique_per_day(self):
        History = self.env["credit.exposure.history"]
        self.create_order(quantity=10).action_confirm()
        History._credit_snapshot("2030-01-15")
        with self.assertRaises(IntegrityError), self.env.cr.savepoint(), mute_logger(
            "odoo.sql_db"
        ):
            History.create(
                {
                    "date": "2030-01-15",
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                }
            )

    def test_cron_takes_todays_snapshot(self):
        self.create_order(quantity=10).action_confirm()
        cron = self.env.ref("credit_exposure.credit_exposure_history_cron_snapshot")
        cron.method_direct_trigger()
        row = self.env["credit.exposure.history"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.total_exposure, 1100.0, places=2)
