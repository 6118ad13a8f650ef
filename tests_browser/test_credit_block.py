"""The credit block in the Odoo web client, as a salesperson and a controller see it.

Each test drives headless Chromium through the web client of the server that
conftest.py starts, asserts on what the pages show, and saves a screenshot of
each step under build/screenshots.
"""

from browser_client import open_menu, pick_many2one, wait_until_loaded
from playwright.sync_api import expect

NBSP = "\N{NO-BREAK SPACE}"


def money(amount):
    """Format dollars as the addon's credit messages do."""
    return "$%s%s" % (NBSP, "{:,.2f}".format(amount))


def test_salesperson_saves_order_as_blocked(
    customer_over_ceiling, web_client, screenshot
):
    customer_over_ceiling("Northwind Traders")
    page = web_client.log_in("browser_sales")
    open_menu(page, "sale.sale_menu_root", "sale.menu_sale_quotations")
    page.click(".o_list_button_add")
    form = page.locator(".o_form_view")
    pick_many2one(form, "partner_id", "Northwind Traders")

    warning = page.locator(".modal-dialog", has_text="Customer over a credit ceiling")
    expect(warning).to_contain_text(
        "The total exposure of Northwind Traders is %s, over its management "
        "ceiling of %s by %s." % (money(1200), money(1000), money(200))
    )
    screenshot(page, "01-quotation-warning", description=True)
    warning.locator("button", has_text="Ok").click()
    expect(warning).to_be_hidden()

    form.locator(".o_field_x2many_list_row_add a").click()
    pick_many2one(form.locator(".o_selected_row"), "product_id", "Office Chair")
    expect(form.locator('.o_selected_row [name="price_unit"]')).to_have_value("400.00")
    page.click(".o_form_button_save")
    expect(page.locator(".o_form_view.o_form_readonly")).to_be_visible()
    page.locator(".o_form_statusbar button:visible", has_text="Confirm Sale").click()

    dialog = page.locator(".modal-dialog", has_text="Credit ceiling exceeded")
    expect(dialog).to_contain_text(
        "With this order, the total exposure of Northwind Traders would be %s, "
        "over its management ceiling of %s by %s."
        % (money(1600), money(1000), money(600))
    )
    expect(dialog.locator("button", has_text="Go Back")).to_be_visible()
    screenshot(page, "02-block-dialog", description=True)
    dialog.locator("button", has_text="Save as Blocked").click()
    expect(dialog).to_be_hidden()

    form = page.locator(".o_form_view")
    expect(form.locator(".alert-danger")).to_contain_text(
        "Blocked by credit control: no delivery and no invoice until a credit "
        "controller releases this order."
    )
    expect(form.locator('.o_field_widget[name="credit_state"]')).to_have_text("Blocked")
    expect(
        form.locator(".o_statusbar_status .o_arrow_button.btn-primary")
    ).to_have_text("Sales Order")
    wait_until_loaded(page)
    screenshot(page, "03-order-blocked", description=True)
    assert web_client.page_errors == []
    assert web_client.server_errors() == []


def test_controller_releases_blocked_order(
    odoo_server, customer_over_ceiling, blocked_order, web_client, screenshot
):
    customer_id = customer_over_ceiling("Contoso Retail")
    order_id, order_name = blocked_order(customer_id)
    page = web_client.log_in("browser_controller")
    open_menu(page, "sale.sale_menu_root", "credit_exposure.credit_blocked_order_menu")

    row = page.locator(".o_list_view .o_data_row", has_text=order_name)
    expect(row).to_contain_text("Contoso Retail")
    expect(row).to_contain_text("Sam Seller")
    expect(row).to_contain_text("Blocked")
    wait_until_loaded(page)
    screenshot(page, "04-blocked-orders", description=True)
    row.locator('button[title="Open Order"]').click()

    form = page.locator(".o_form_view")
    expect(form.locator("h1")).to_contain_text(order_name)
    expect(form.locator(".alert-danger")).to_contain_text("Blocked by credit control")
    page.locator(
        ".o_form_statusbar button:visible", has_text="Release Credit Block"
    ).click()

    dialog = page.locator(".modal-dialog", has_text="Release Credit Block")
    expect(dialog.locator('.o_field_widget[name="order_ids"]')).to_have_text(order_name)
    reason = "Customer paid its overdue invoices by bank transfer this morning."
    dialog.locator('textarea[name="reason"]').fill(reason)
    screenshot(page, "05-release-dialog", description=True)
    dialog.locator(".modal-footer button", has_text="Release").click()
    expect(dialog).to_be_hidden()

    expect(form.locator('.o_field_widget[name="credit_state"]')).to_have_text(
        "Released"
    )
    expect(form.locator(".alert-danger")).to_be_hidden()
    delivery = form.locator(".oe_stat_button", has_text="Delivery")
    expect(delivery.locator(".o_stat_value")).to_have_text("1")
    expect(page.locator(".o_chatter")).to_contain_text(
        "Carla Controller released the credit block. Reason: %s" % reason
    )
    wait_until_loaded(page)
    screenshot(page, "06-order-released")
    logs = odoo_server.admin(
        "credit.release.log",
        "search_read",
        [("order_id", "=", order_id)],
        fields=["reason"],
    )
    assert [log["reason"] for log in logs] == [reason]
    assert web_client.page_errors == []
    assert web_client.server_errors() == []


def test_customer_form_shows_exposure(customer_over_ceiling, web_client, screenshot):
    customer_over_ceiling("Fabrikam Supplies")
    page = web_client.log_in("browser_controller")
    page.set_viewport_size({"width": 1280, "height": 1000})
    open_menu(page, "sale.sale_menu_root", "sale.res_partner_menu")
    page.locator(".o_searchview_input").fill("Fabrikam Supplies")
    page.keyboard.press("Enter")
    page.locator(".o_kanban_record", has_text="Fabrikam Supplies").click()
    page.locator(".o_notebook .nav-tabs a", has_text="Credit").click()

    tab = page.locator(".o_notebook .tab-pane.active")
    figures = {
        "credit_management_ceiling": "$ 1,000.00",
        "delivery_exposure": "$ 1,200.00",
        "financial_exposure": "$ 0.00",
        "total_exposure": "$ 1,200.00",
    }
    for field, amount in figures.items():
        expect(tab.locator('.o_field_widget[name="%s"]' % field)).to_have_text(amount)
    expect(
        tab.locator('.o_field_widget[name="credit_management_usage"]')
    ).to_contain_text("120")
    page.evaluate("document.activeElement.blur()")
    wait_until_loaded(page)
    screenshot(page, "07-customer-credit", description=True)
    assert web_client.page_errors == []
    assert web_client.server_errors() == []
