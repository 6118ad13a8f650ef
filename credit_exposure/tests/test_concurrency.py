import threading
import unittest

from psycopg2 import OperationalError

import odoo
from odoo import SUPERUSER_ID, api
from odoo.service import model as service_model
from odoo.tests.common import get_db_name

ORDER_COUNT = 8
CUSTOMER_NAME = "Credit Concurrency Customer"
PRODUCT_NAME = "Credit concurrency service"
LOGINS = ("credit_concurrency_sales_1", "credit_concurrency_sales_2")


class TestConcurrency(unittest.TestCase):
    """Orders confirmed at the same moment by separate transactions over RPC.

    Eight orders of 600 against a management ceiling of 1,000: only one fits.
    Each order is confirmed in its own thread, through odoo.service.model.execute
    (the RPC entry point, which retries transactions that fail with a
    serialisation error) on its own cursor. The data has to be committed for
    the threads to see it, so setUp commits it and the cleanup deletes it.
    """

    def setUp(self):
        super(TestConcurrency, self).setUp()
        self.db_name = get_db_name()
        self.registry = odoo.registry(self.db_name)
        self._delete_data()
        self.addCleanup(self._delete_data)
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.ref("base.main_company")
            self.addCleanup(self._restore_blocking, company.credit_block_orders)
            company.credit_block_orders = True
            self.user_ids = [self._create_user(env, login).id for login in LOGINS]
            customer = env["res.partner"].create(
                {
                    "name": CUSTOMER_NAME,
                    "is_company": True,
                    "customer": True,
                    "credit_management_ceiling": 1000.0,
                }
            )
            product = env["product.product"].create(
                {
                    "name": PRODUCT_NAME,
                    "type": "service",
                    "invoice_policy": "order",
                    "list_price": 600.0,
                    "taxes_id": [(5, 0, 0)],
                }
            )
            self.order_ids = []
            for index in range(ORDER_COUNT):
                user_id = self.user_ids[index % len(self.user_ids)]
                order = (
                    env["sale.order"]
                    .sudo(user_id)
                    .create(
                        {
                            "partner_id": customer.id,
                            "order_line": [
                                (
                                    0,
                                    0,
                                    {
                                        "product_id": product.id,
                                        "product_uom_qty": 1,
                                        "price_unit": 600.0,
                                        "tax_id": [(5, 0, 0)],
                                    },
                                )
                            ],
                        }
                    )
                )
                self.order_ids.append(order.id)
            # Leaving the block commits the cursor.

    def _create_user(self, env, login):
        return (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login.replace("_", " ").title(),
                    "login": login,
                    "email": "%s@example.com" % login,
                    "groups_id": [
                        (6, 0, env.ref("sales_team.group_sale_salesman").ids)
                    ],
                }
            )
        )

    def _restore_blocking(self, value):
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref("base.main_company").credit_block_orders = value

    def _delete_data(self):
        """Delete what setUp committed, and what an interrupted run left behind."""
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            customers = (
                env["res.partner"]
                .with_context(active_test=False)
                .search([("name", "=", CUSTOMER_NAME)])
            )
            orders = env["sale.order"].search([("partner_id", "in", customers.ids)])
            env["credit.block.wizard"].search(
                [("order_ids", "in", orders.ids)]
            ).unlink()
            orders.filtered(lambda order: order.state not in ("draft", "cancel")).write(
                {"state": "cancel"}
            )
            orders.unlink()
            products = (
                env["product.product"]
                .with_context(active_test=False)
                .search([("name", "=", PRODUCT_NAME)])
            )
            products.mapped("product_tmpl_id").unlink()
            users = (
                env["res.users"]
                .with_context(active_test=False)
                .search([("login", "in", LOGINS)])
            )
            user_partners = users.mapped("partner_id")
            users.unlink()
            (customers | user_partners).unlink()

    def _confirm_concurrently(self, context):
        """Confirm every order in its own thread at once, as its salesperson.

        Return {order id: the RPC result, or the exception it raised, such as
        the OperationalError raised once Odoo's retries are exhausted}.
        """
        barrier = threading.Barrier(ORDER_COUNT, timeout=60)
        results = {}

        def confirm(order_id, user_id):
            threading.current_thread().testing = True
            with api.Environment.manage():
                try:
                    barrier.wait()
                    results[order_id] = service_model.execute(
                        self.db_name,
                        user_id,
                        "sale.order",
                        "action_confirm",
                        [order_id],
                        context=context,
                    )
                except Exception as error:  # reported by assertOnlyRetryErrors
                    results[order_id] = error

        threads = [
            threading.Thread(
                target=confirm,
                args=(order_id, self.user_ids[index % len(self.user_ids)]),
            )
            for index, order_id in enumerate(self.order_ids)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        self.assertEqual(len(results), ORDER_COUNT, "some RPC calls did not return")
        return results

    def _read_orders(self):
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.order_ids)
            return {order.id: (order.state, order.credit_state) for order in orders}

    def assertOnlyRetryErrors(self, results):
        """Assert that no RPC call failed, except with errors that Odoo retries."""
        for order_id, result in results.items():
            if isinstance(result, Exception):
                self.assertIsInstance(result, OperationalError, "order %s" % order_id)
                self.assertIn(
                    result.pgcode,
                    service_model.PG_CONCURRENCY_ERRORS_TO_RETRY,
                    "order %s: %s" % (order_id, result),
                )

    def test_concurrent_confirmations_one_fits(self):
        results = self._confirm_concurrently({})
        self.assertOnlyRetryErrors(results)
        states = self._read_orders()
        confirmed = [oid for oid, state in states.items() if state == ("sale", "ok")]
        self.assertEqual(len(confirmed), 1, states)
        self.assertIs(results[confirmed[0]], True)
        for order_id, state in states.items():
            if order_id in confirmed:
                continue
            self.assertEqual(state, ("draft", "ok"), order_id)
            result = results[order_id]
            if isinstance(result, dict):
                self.assertEqual(result["res_model"], "credit.block.wizard")

    def test_concurrent_confirmations_others_blocked(self):
        results = self._confirm_concurrently({"credit_exposure_accept_block": True})
        self.assertOnlyRetryErrors(results)
        states = self._read_orders()
        confirmed = [oid for oid, state in states.items() if state == ("sale", "ok")]
        self.assertEqual(len(confirmed), 1, states)
        for order_id, state in states.items():
            if order_id in confirmed:
                continue
            if isinstance(results[order_id], OperationalError):
                self.assertEqual(state, ("draft", "ok"), order_id)
            else:
                self.assertEqual(state, ("sale", "blocked"), order_id)
