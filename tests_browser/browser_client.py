"""Sessions of the Odoo 11 web client in headless Chromium, and their errors."""

import os
import time
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"

CHROMIUM = os.environ.get("CREDIT_CHROMIUM", "/usr/bin/chromium")
# Headless Chromium with nothing that reaches beyond 127.0.0.1 on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
# The first page served from a new database compiles the web client's assets,
# which took 20 to 60 s on a 2-core machine shared with other jobs.
ASSETS_TIMEOUT_MS = 180000
STEP_TIMEOUT_MS = 30000

# The onboarding tips of web_tour float over forms and hide what a screenshot
# is for.
HIDE_TOUR_TIPS = (
    "document.addEventListener('DOMContentLoaded', function () {"
    " var style = document.createElement('style');"
    " style.textContent = '.o_tooltip { display: none !important; }';"
    " document.head.appendChild(style); });"
)


class WebClient:
    """Users logged in to the web client, each in a browser context of its own.

    It collects the JavaScript errors of the pages, and the server's errors
    logged since it was created.
    """

    def __init__(self, browser, server, user_names, password):
        self.browser = browser
        self.server = server
        self.user_names = user_names
        self.password = password
        self.contexts = []
        self.page_errors = []
        self._log_start = server.log_size()

    def log_in(self, login):
        """Log the user login in through the login page, and return the page."""
        context = self.browser.new_context(viewport=VIEWPORT, locale="en-US")
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.add_init_script(HIDE_TOUR_TIPS)
        page.goto(self.server.url + "/web/login")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", self.password)
        page.click("button[type=submit]")
        user_menu = page.locator(".oe_topbar_name", has_text=self.user_names[login])
        deadline = time.monotonic() + ASSETS_TIMEOUT_MS / 1000.0
        while not user_menu.is_visible():
            if self.page_errors or time.monotonic() > deadline:
                raise AssertionError(
                    "The web client did not start for %s.\nJavaScript errors: %s\n"
                    "Server errors:\n%s"
                    % (
                        login,
                        self.page_errors or "none",
                        "\n".join(self.server_errors()) or "none",
                    )
                )
            page.wait_for_timeout(500)
        return page

    def server_errors(self):
        """Return the ERROR and CRITICAL entries the server logged meanwhile."""
        return self.server.error_entries(self._log_start)

    def save_pages(self, prefix):
        """Save each open page as <prefix>-<n>.png and .html under SCREENSHOTS."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pages = [page for context in self.contexts for page in context.pages]
        for number, page in enumerate(pages, 1):
            stem = SCREENSHOTS / ("%s-%s" % (prefix, number))
            page.screenshot(path="%s.png" % stem)
            Path("%s.html" % stem).write_text(page.content())

    def close(self):
        for context in self.contexts:
            context.close()


def open_menu(page, app_xml_id, menu_xml_id):
    """Click an application in the top bar, then one of its menus."""
    page.click('#oe_main_menu_navbar a[data-menu-xmlid="%s"]' % app_xml_id)
    page.click('.o_sub_menu a[data-menu-xmlid="%s"]' % menu_xml_id)


def pick_many2one(scope, field, text):
    """Type text in a many2one field inside scope and choose the suggestion."""
    scope.locator('.o_field_widget[name="%s"] input' % field).fill(text)
    scope.page.locator("ul.ui-autocomplete li a", has_text=text).first.click()


def wait_until_loaded(page):
    """Wait until the web client shows no "Loading" indicator."""
    expect(page.locator(".o_loading")).to_be_hidden()
