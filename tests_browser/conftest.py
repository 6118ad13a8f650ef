"""Fixtures of the browser tests: an Odoo server, Chromium, users and customers.

The server runs on a database of its own. Under `scripts/test` that database
is a copy of the one pytest-odoo tests, in which the addon was just installed
or updated. When pytest runs without pytest-odoo (`-p no:odoo`), the addon is
installed in a new database, which takes a few minutes.
"""

import os
import shutil
import sys

import browser_server
import pytest
from browser_client import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SCREENSHOTS,
    STEP_TIMEOUT_MS,
    WebClient,
)
from playwright.sync_api import expect, sync_playwright

BUILD = ROOT / "build" / "browser"
DESCRIPTION = ROOT / "credit_exposure" / "static" / "description"
PASSWORD = "credit-browser"
# Context key of the blocking dialog's "Save as Blocked" button.
ACCEPT_BLOCK_KEY = "credit_exposure_accept_block"
USERS = (
    ("browser_sales", "Sam Seller", "sales_team.group_sale_salesman"),
    (
        "browser_controller",
        "Carla Controller",
        "credit_exposure.group_credit_controller",
    ),
)


def _template_database():
    """Return the database of pytest-odoo's registry, or None without pytest-odoo."""
    odoo = sys.modules.get("odoo")
    if odoo is None:
        return None
    return odoo.tools.config.get("db_name") or None


@pytest.fixture(scope="session")
def odoo_server():
    """Start Odoo on a free port of 127.0.0.1 with a database of its own.

    The database and the filestore are dropped afterwards. The server log
    stays in build/browser/<database>/odoo.log.
    """
    database = "credit_exposure_browser_%s" % os.getpid()
    work = BUILD / database
    shutil.rmtree(work, ignore_errors=True)
    data_dir = work / "data"
    data_dir.mkdir(parents=True)
    template = _template_database()
    process = None
    try:
        if not (
            template and browser_server.copy_database(template, database, data_dir)
        ):
            browser_server.install_database(database, data_dir, work / "install.log")
        process, server = browser_server.start_server(
            database, data_dir, work / "odoo.log"
        )
        yield server
    finally:
        if process is not None:
            browser_server.stop_server(process)
        browser_server.drop_database(database)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def credit_setup(odoo_server):
    """Turn blocking on, and create the salesperson, the controller and a product."""
    company_id = odoo_server.ref("base.main_company")
    odoo_server.admin(
        "res.company", "write", [company_id], {"credit_block_orders": True}
    )
    for login, name, group in USERS:
        odoo_server.admin(
            "res.users",
            "create",
            {
                "name": name,
                "login": login,
                "password": PASSWORD,
                "email": "%s@example.com" % login,
                "company_id": company_id,
                "company_ids": [(6, 0, [company_id])],
                "groups_id": [(6, 0, [odoo_server.ref(group)])],
            },
            context={"no_reset_password": True},
        )
    product_id = odoo_server.admin(
        "product.product",
        "create",
        {
            "name": "Office Chair",
            "type": "consu",
            "list_price": 400.0,
            "taxes_id": [(6, 0, [])],
        },
    )
    return {
        "product_id": product_id,
        "user_names": {login: name for login, name, _group in USERS},
    }


@pytest.fixture
def customer_over_ceiling(odoo_server, credit_setup):
    """Return a function that creates a customer already over its ceiling.

    The customer's confirmed order of 1,200.00 tops its management ceiling of
    1,000.00. The order is confirmed before the ceiling is set, so no check
    stops it.
    """

    def create(name):
        partner_id = odoo_server.admin(
            "res.partner",
            "create",
            {"name": name, "is_company": True, "customer": True},
        )
        line = {
            "product_id": credit_setup["product_id"],
            "product_uom_qty": 3.0,
            "price_unit": 400.0,
            "tax_id": [(6, 0, [])],
        }
        order_id = odoo_server.admin(
            "sale.order",
            "create",
            {"partner_id": partner_id, "order_line": [(0, 0, line)]},
        )
        odoo_server.admin("sale.order", "action_confirm", [order_id])
        odoo_server.admin(
            "res.partner", "write", [partner_id], {"credit_management_ceiling": 1000.0}
        )
        return partner_id

    return create


@pytest.fixture
def blocked_order(odoo_server, credit_setup):
    """Return a function that makes the salesperson confirm an order as blocked.

    It confirms an order of one Office Chair at 400.00 as the blocking
    dialog's "Save as Blocked" button does, and returns the order's id and
    name.
    """

    def create(partner_id):
        line = {"product_id": credit_setup["product_id"], "product_uom_qty": 1.0}
        order_id = odoo_server.call(
            "browser_sales",
            PASSWORD,
            "sale.order",
            "create",
            {"partner_id": partner_id, "order_line": [(0, 0, line)]},
        )
        odoo_server.call(
            "browser_sales",
            PASSWORD,
            "sale.order",
            "action_confirm",
            [order_id],
            context={ACCEPT_BLOCK_KEY: True},
        )
        order = odoo_server.admin(
            "sale.order", "read", [order_id], ["name", "credit_state"]
        )
        assert order[0]["credit_state"] == "blocked"
        return order_id, order[0]["name"]

    return create


@pytest.fixture(scope="session")
def chromium():
    """Launch the system's headless Chromium through Playwright."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Chromium is missing at %s: install it with `apt-get install -y "
            "chromium` (scripts/bootstrap does) or set CREDIT_CHROMIUM to its "
            "path." % CHROMIUM
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, for web_client's teardown."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


@pytest.fixture
def web_client(chromium, odoo_server, credit_setup, request):
    """Return a WebClient on the test server.

    When the test fails, its pages are saved as build/screenshots/failed-*.
    """
    expect.set_options(timeout=STEP_TIMEOUT_MS)
    client = WebClient(chromium, odoo_server, credit_setup["user_names"], PASSWORD)
    yield client
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        client.save_pages("failed-%s" % request.node.name)
    client.close()


@pytest.fixture
def screenshot():
    """Return a function that saves a screenshot of a page under build/screenshots.

    With CREDIT_DESCRIPTION_SCREENSHOTS=1, the screenshots marked for the
    addon's description page are also copied to its static/description.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    update_description = os.environ.get("CREDIT_DESCRIPTION_SCREENSHOTS") == "1"

    def save(page, name, description=False):
        path = SCREENSHOTS / ("%s.png" % name)
        page.screenshot(path=str(path))
        if description and update_description:
            shutil.copyfile(path, DESCRIPTION / path.name)
        return path

    return save
