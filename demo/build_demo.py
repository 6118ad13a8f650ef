#!/usr/bin/env python3
"""Build the credit_exposure demo database from a real receivables history.

The script replays demo/accounts_receivable.csv through Odoo's own flows:
customers, validated customer invoices and registered payments up to a cut-off
date. It then sets credit ceilings, stages sales orders at every step from
quotation to draft invoice, and confirms orders that credit control blocks.

Run it with the project's Python on a database where credit_exposure and a
chart of accounts are installed; scripts/run-demo does both. Options after
``--`` go to Odoo's own configuration parser, for example
``--db_host=localhost --db_user=odoo``.
"""

import argparse
import csv
import datetime
import logging
import math
import os
import sys
import time
from collections import defaultdict, namedtuple

import odoo
from odoo import SUPERUSER_ID

_logger = logging.getLogger("credit_exposure.demo")

DEMO_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.join(DEMO_DIR, "accounts_receivable.csv")
CSV_DATE_FORMAT = "%m/%d/%Y"
# Records created between two commits, so that a failure loses little work and
# no transaction grows too large.
BATCH_SIZE = 200
# ir.config_parameter that stores the cut-off of a finished build.
BUILT_PARAMETER = "credit_exposure_demo.cutoff"

# The file's countryCode values follow no single standard: of 391, 406, 770,
# 818 and 897 only 818 is an ISO 3166-1 numeric code. The others are read as
# telephone country codes followed by one digit where one fits.
# NOTE: this mapping is a guess that only spreads customers over countries;
# the published sample does not say which countries the codes are.
COUNTRY_BY_CODE = {
    "391": "it",  # +39, Italy
    "406": "ro",  # +40, Romania
    "770": "ru",  # +7, shared by Russia and Kazakhstan
    "818": "eg",  # ISO 3166-1 numeric 818, Egypt
    "897": "us",  # no reading found, so the demo puts them in the United States
}

# Contact persons, picked by the customer's position so that builds repeat.
FIRST_NAMES = ("Anna", "Marco", "Elena", "Omar", "Irina", "David", "Sofia", "Yusuf")
LAST_NAMES = ("Rossi", "Popescu", "Ivanova", "Hassan", "Miller", "Bianchi", "Nagy")

# Ceiling category of customers with open exposure, by position in customerID
# order: every 10th from the 1st is near its ceiling, and so on.
EXPOSED_CATEGORIES = (
    "near", "over", "comfortable", "near", "none",
    "comfortable", "comfortable", "near", "comfortable", "comfortable",
)  # fmt: skip
# Customers with nothing open at the cut-off cannot be near or over a ceiling.
UNEXPOSED_CATEGORIES = ("comfortable",) * 9 + ("none",)
# Share of the management ceiling that a near customer already uses.
NEAR_USAGE = (0.97, 0.92, 0.87, 0.82)
# Management ceiling of an over customer, as a share of its exposure.
OVER_SHARE = (0.85, 0.7)
# Insurance ceiling as a share of the management ceiling, before the headroom
# that _insurance_ceiling adds. Every 4th customer with a ceiling gets no
# insurance cover.
INSURED_SHARE = 0.8

PRODUCT_PRICE = 25.0
STOCK_ON_HAND = 500.0
# Order stages with their quantities in units, given to the staged customers in
# turn.
ORDER_STAGES = (
    ("quotation", 2),
    ("confirmed", 3),
    ("partially delivered", 6),
    ("delivered", 4),
    ("invoiced draft", 5),
)

ArInvoice = namedtuple(
    "ArInvoice",
    [
        "customer_code",
        "country_code",
        "number",
        "invoice_date",
        "due_date",
        "amount",
        "disputed",
        "settled_date",
        "electronic",
    ],
)


def read_history(path):
    """Read the receivables file into ArInvoice tuples, sorted by invoice date."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    invoices = [
        ArInvoice(
            customer_code=row["customerID"],
            country_code=row["countryCode"],
            number=row["invoiceNumber"],
            invoice_date=parse_date(row["InvoiceDate"]),
            due_date=parse_date(row["DueDate"]),
            amount=float(row["InvoiceAmount"]),
            disputed=row["Disputed"] == "Yes",
            settled_date=parse_date(row["SettledDate"]),
            electronic=row["PaperlessBill"] == "Electronic",
        )
        for row in rows
    ]
    return sorted(invoices, key=lambda inv: (inv.invoice_date, inv.number))


def parse_date(text):
    return datetime.datetime.strptime(text, CSV_DATE_FORMAT).date()


def default_cutoff(invoices):
    """Return the last month end on or before the latest invoice date.

    The file's last month holds only a few days of invoices, so a cut-off at the
    end of the month before keeps every replayed month complete.
    """
    latest = max(inv.invoice_date for inv in invoices)
    if (latest + datetime.timedelta(days=1)).day == 1:
        return latest
    return latest.replace(day=1) - datetime.timedelta(days=1)


def select_customers(invoices, limit):
    """Keep the invoices of the first `limit` customers in customerID order."""
    if not limit:
        return invoices
    selected_codes = set(sorted({inv.customer_code for inv in invoices})[:limit])
    return [inv for inv in invoices if inv.customer_code in selected_codes]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="Odoo database to fill.")
    parser.add_argument(
        "--csv", default=DEFAULT_CSV, help="Receivables file (default: %(default)s)."
    )
    parser.add_argument(
        "--cutoff",
        type=lambda text: datetime.datetime.strptime(text, "%Y-%m-%d").date(),
        help="Cut-off date in the file's calendar, YYYY-MM-DD, which the demo "
        "shifts to today. Default: the last month end on or before the latest "
        "invoice date.",
    )
    parser.add_argument(
        "--limit-customers",
        type=int,
        default=0,
        metavar="N",
        help="Replay only the first N customers in customerID order (0: all).",
    )
    parser.add_argument(
        "odoo_options",
        nargs=argparse.REMAINDER,
        help="Options for Odoo's configuration parser, after `--`.",
    )
    args = parser.parse_args(argv)
    if args.odoo_options[:1] == ["--"]:
        args.odoo_options = args.odoo_options[1:]
    if args.limit_customers < 0:
        parser.error("--limit-customers must be 0 or more")
    return args


class DemoBuilder:
    """Replay of the receivables history and the credit scenario on top of it.

    Every date from the file is moved by `offset` days, the distance from the
    cut-off to today, so that the cut-off becomes today while the days between
    invoice, due and settlement dates stay as recorded. Ageing therefore looks
    current. Weekdays are not kept.
    """

    def __init__(self, env, cutoff, today):
        self.env = env(
            context=dict(
                env.context,
                tracking_disable=True,
                mail_notrack=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                no_reset_password=True,
            )
        )
        self.cutoff = cutoff
        self.offset = today - cutoff
        self.company = self.env.user.company_id
        self.currency = self.company.currency_id
        self.counts = defaultdict(int)

    def shift(self, date):
        """Return the file's date moved into the demo calendar, as an Odoo string."""
        return odoo.fields.Date.to_string(date + self.offset)

    def commit(self):
        """Commit, then empty the record cache.

        Emptying the cache keeps it small over thousands of records, and makes
        the next read recompute the exposure fields, which have no dependencies
        and would otherwise keep their first value.
        """
        self.env.cr.commit()
        self.env["res.partner"].invalidate_cache()

    # Master data -----------------------------------------------------------

    def check_not_built(self):
        """Raise SystemExit when an earlier build already filled the database."""
        cutoff = self.env["ir.config_parameter"].get_param(BUILT_PARAMETER)
        if cutoff:
            raise SystemExit(
                "Database %s already contains the demo, replayed to cut-off %s. "
                "Drop and recreate the database to build the demo again."
                % (self.env.cr.dbname, cutoff)
            )

    def create_users(self):
        """Create the credit controller and the salesperson logins."""
        users = self.env["res.users"]
        ref = self.env.ref
        self.controller = users.create(
            {
                "name": "Credit Controller",
                "login": "controller",
                # Posting in the chatter, as a release does, needs an address.
                "email": "controller@example.com",
                "customer": False,
                "password": "controller",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            ref("base.group_user").id,
                            ref("credit_exposure.group_credit_controller").id,
                            ref("account.group_account_invoice").id,
                            ref("stock.group_stock_user").id,
                        ],
                    )
                ],
            }
        )
        self.salesperson = users.create(
            {
                "name": "Sales Representative",
                "login": "sales",
                "email": "sales@example.com",
                "customer": False,
                "password": "sales",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            ref("base.group_user").id,
                            ref("sales_team.group_sale_salesman").id,
                        ],
                    )
                ],
            }
        )

    def create_products(self):
        """Create the invoiced-services product and a stocked product with stock."""
        templates = self.env["product.template"]
        uom_id = self.env.ref("product.product_uom_unit").id
        # The file's amounts are totals, so neither product carries a tax.
        self.service = templates.create(
            {
                "name": "Invoiced services",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 0.0,
                "uom_id": uom_id,
                "uom_po_id": uom_id,
                "taxes_id": [(6, 0, [])],
            }
        ).product_variant_id
        self.goods = templates.create(
            {
                "name": "Copy paper A4, box of 5 reams",
                "type": "product",
                "invoice_policy": "delivery",
                "list_price": PRODUCT_PRICE,
                "standard_price": 18.0,
                "uom_id": uom_id,
                "uom_po_id": uom_id,
                "taxes_id": [(6, 0, [])],
            }
        ).product_variant_id
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.env["stock.change.product.qty"].create(
            {
                "product_id": self.goods.id,
                "new_quantity": STOCK_ON_HAND,
                "location_id": warehouse.lot_stock_id.id,
            }
        ).change_product_qty()
        self.service_account = self.service.product_tmpl_id._get_product_accounts()[
            "income"
        ]

    def create_customers(self, invoices):
        """Create one company per customerID, each with an invoicing contact."""
        country_codes = {}
        for inv in invoices:
            country_codes.setdefault(inv.customer_code, inv.country_code)
        partners = self.env["res.partner"]
        self.customers = {}
        self.contacts = {}
        for position, code in enumerate(sorted(country_codes)):
            country = self.env.ref("base." + COUNTRY_BY_CODE[country_codes[code]])
            customer = partners.create(
                {
                    "name": "Customer %s" % code,
                    "ref": code,
                    "is_company": True,
                    "customer": True,
                    "supplier": False,
                    "country_id": country.id,
                    "user_id": self.salesperson.id,
                }
            )
            # An invoice-type contact becomes the invoice address of new
            # orders, so its documents count in the company's exposure.
            first = FIRST_NAMES[position % len(FIRST_NAMES)]
            last = LAST_NAMES[position % len(LAST_NAMES)]
            self.contacts[code] = partners.create(
                {
                    "name": "%s %s" % (first, last),
                    "parent_id": customer.id,
                    "type": "invoice",
                    "function": "Accounts payable",
                    "email": "%s.%s@%s.example.com"
                    % (first.lower(), last.lower(), code.lower()),
                }
            )
            self.customers[code] = customer
        self.counts["customers"] = len(self.customers)
        _logger.info("created %d customers with their contacts", len(self.customers))

    # History replay --------------------------------------------------------

    def create_invoices(self, invoices):
        """Create and validate one customer invoice per file row, in date order.

        Returns {file invoice number: account.invoice}.
        """
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        created = {}
        for start in range(0, len(invoices), BATCH_SIZE):
            batch = self.env["account.invoice"]
            for inv in invoices[start : start + BATCH_SIZE]:
                record = self.env["account.invoice"].create(
                    self._invoice_values(inv, journal)
                )
                created[inv.number] = record
                batch |= record
            # Validating in creation order numbers the invoices chronologically.
            batch.action_invoice_open()
            self.commit()
            _logger.info("validated %d of %d invoices", len(created), len(invoices))
        self.counts["invoices"] = len(created)
        return created

    def _invoice_values(self, inv, journal):
        customer = self.customers[inv.customer_code]
        # Electronic bills go to the invoicing contact, paper ones to the
        # company, so that both roll up into the company's exposure.
        partner = self.contacts[inv.customer_code] if inv.electronic else customer
        return {
            "type": "out_invoice",
            "partner_id": partner.id,
            "journal_id": journal.id,
            "account_id": customer.property_account_receivable_id.id,
            "currency_id": self.currency.id,
            "date_invoice": self.shift(inv.invoice_date),
            "date_due": self.shift(inv.due_date),
            "origin": inv.number,
            # Listing the fields that create() would otherwise fill from
            # onchanges saves two onchange runs per invoice.
            "payment_term_id": False,
            "fiscal_position_id": False,
            "partner_bank_id": False,
            "user_id": self.salesperson.id,
            # Credit insurers commonly exclude disputed debts from cover, so
            # the demo marks disputed invoices as not insured.
            "credit_insured": not inv.disputed,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": self.service.id,
                        "name": self.service.name,
                        "account_id": self.service_account.id,
                        "quantity": 1.0,
                        "uom_id": self.service.uom_id.id,
                        "price_unit": inv.amount,
                        "invoice_line_tax_ids": [(6, 0, [])],
                    },
                )
            ],
        }

    def register_payments(self, invoices, records):
        """Post one payment per invoice settled by the cut-off, in settlement order."""
        settled = sorted(
            (inv for inv in invoices if inv.settled_date <= self.cutoff),
            key=lambda inv: (inv.settled_date, inv.number),
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        method = self.env.ref("account.account_payment_method_manual_in")
        payments = self.env["account.payment"]
        for start in range(0, len(settled), BATCH_SIZE):
            batch = payments
            for inv in settled[start : start + BATCH_SIZE]:
                invoice = records[inv.number]
                batch |= payments.create(
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": invoice.commercial_partner_id.id,
                        "amount": invoice.residual,
                        "currency_id": self.currency.id,
                        "journal_id": journal.id,
                        "payment_method_id": method.id,
                        "payment_date": self.shift(inv.settled_date),
                        "communication": invoice.number,
                        "invoice_ids": [(4, invoice.id)],
                    }
                )
            batch.post()
            self.commit()
            self.counts["payments"] += len(batch)
            _logger.info(
                "posted %d of %d payments", self.counts["payments"], len(settled)
            )

    # Credit scenario -------------------------------------------------------

    def assign_categories(self):
        """Give each customer a ceiling category from its financial exposure."""
        customers = self.env["res.partner"].browse(
            [self.customers[code].id for code in sorted(self.customers)]
        )
        exposed = customers.filtered(lambda partner: partner.financial_exposure > 0)
        self.categories = {}
        for position, partner in enumerate(exposed):
            self.categories[partner] = EXPOSED_CATEGORIES[
                position % len(EXPOSED_CATEGORIES)
            ]
        for position, partner in enumerate(customers - exposed):
            self.categories[partner] = UNEXPOSED_CATEGORIES[
                position % len(UNEXPOSED_CATEGORIES)
            ]

    def stage_orders(self):
        """Create one order per stage, spread over up to three comfortable customers.

        Runs before the ceilings are set, so no credit check interferes.
        """
        comfortable = [
            partner
            for partner, category in sorted(
                self.categories.items(), key=lambda item: -item[0].financial_exposure
            )
            if category == "comfortable"
        ][:3]
        if not comfortable:
            _logger.warning("no comfortable customer: skipping the staged orders")
            return
        for position, (stage, quantity) in enumerate(ORDER_STAGES):
            customer = comfortable[position % len(comfortable)]
            order = self._create_order(customer, quantity)
            self._advance_order(order, stage, quantity)
            _logger.info("%s: %s for %s", order.name, stage, customer.name)
            self.counts["staged orders"] += 1
        self.commit()

    def _create_order(self, customer, quantity):
        return self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.salesperson.id,
                "order_line": [
                    (0, 0, {"product_id": self.goods.id, "product_uom_qty": quantity})
                ],
            }
        )

    def _advance_order(self, order, stage, quantity):
        """Take a quotation to `stage` through confirmation, delivery and invoicing."""
        if stage == "quotation":
            return
        result = order.action_confirm()
        if isinstance(result, dict):
            _logger.warning("%s was not confirmed: %s", order.name, result.get("name"))
            return
        if stage == "confirmed":
            return
        picking = order.picking_ids.filtered(lambda pick: pick.state == "assigned")
        delivered = quantity // 2 if stage == "partially delivered" else quantity
        for move in picking.move_lines:
            move.quantity_done = delivered
        result = picking.button_validate()
        if isinstance(result, dict):
            # With every quantity set, only a partial delivery opens a wizard:
            # the backorder confirmation, which keeps the rest for later.
            if result.get("res_model") != "stock.backorder.confirmation":
                raise RuntimeError(
                    "Validating %s opened %s, expected the backorder confirmation."
                    % (picking.name, result.get("res_model"))
                )
            self.env[result["res_model"]].browse(result["res_id"]).process()
        if stage == "invoiced draft":
            order.action_invoice_create()

    def set_ceilings(self):
        """Write each customer's ceilings from its category and exposure."""
        self.company.credit_block_orders = True
        # Position of each customer within its category, which picks the
        # usage or share that the category's ceiling formula applies.
        positions = defaultdict(int)
        with_ceiling = 0
        for partner in sorted(self.categories, key=lambda partner: partner.ref):
            category = self.categories[partner]
            management = self._management_ceiling(
                category, partner.total_exposure, positions[category]
            )
            positions[category] += 1
            if not management:
                continue
            insurance = 0.0
            if with_ceiling % 4 != 3:
                insurance = self._insurance_ceiling(
                    management, partner.insured_total_exposure
                )
            partner.write(
                {
                    "credit_management_ceiling": management,
                    "credit_insurance_ceiling": insurance,
                }
            )
            with_ceiling += 1
        self.counts["customers with a ceiling"] = with_ceiling
        self.commit()
        _logger.info("set ceilings on %d customers", with_ceiling)

    def _management_ceiling(self, category, exposure, position):
        if category == "none":
            return 0.0
        if category == "over":
            share = OVER_SHARE[position % len(OVER_SHARE)]
            return max(math.floor(exposure * share), 1.0)
        if category == "near":
            return math.ceil(exposure / NEAR_USAGE[position % len(NEAR_USAGE)])
        # Comfortable: a quarter above the exposure, and at least 150 so that a
        # customer with nothing open still has room for a few orders.
        return max(math.ceil(exposure * 1.25 / 50.0) * 50.0, 150.0)

    def _insurance_ceiling(self, management, insured_exposure):
        """Return the insurance ceiling that goes with a management ceiling.

        The cover is INSURED_SHARE of the management ceiling, raised to leave a
        tenth of headroom over the insured exposure and capped at the management
        ceiling, so that only over customers start above their cover.
        """
        cover = max(
            math.floor(management * INSURED_SHARE), math.ceil(insured_exposure / 0.9)
        )
        return min(cover, management)

    def block_orders(self):
        """Confirm orders over a ceiling: one stays blocked, one is released."""
        near = [
            partner
            for partner in sorted(self.categories, key=lambda partner: partner.ref)
            if self.categories[partner] == "near"
        ][:2]
        if not near:
            _logger.warning("no customer near its ceiling: skipping the blocked orders")
            return
        for position, customer in enumerate(near):
            headroom = customer.credit_management_ceiling - customer.total_exposure
            quantity = math.floor(headroom / PRODUCT_PRICE) + 2
            order = self._create_order(customer, quantity)
            if isinstance(order.action_confirm(), dict):
                order.with_context(credit_exposure_accept_block=True).action_confirm()
            _logger.info(
                "%s for %s: %.2f over %.2f of headroom, credit state %s",
                order.name,
                customer.name,
                order.amount_total,
                headroom,
                order.credit_state,
            )
            if position == 1 and order.credit_blocked:
                order.sudo(self.controller).credit_release(
                    "Customer prepaid half of the order by bank transfer."
                )
                _logger.info("%s released by %s", order.name, self.controller.name)
            self.commit()

    # Summary ---------------------------------------------------------------

    def mark_built(self):
        self.env["ir.config_parameter"].set_param(BUILT_PARAMETER, str(self.cutoff))
        self.commit()

    def summarize(self):
        """Log each customer over or near a ceiling and count the open invoices."""
        self.counts["open invoices"] = self.env["account.invoice"].search_count(
            [("type", "=", "out_invoice"), ("state", "=", "open")]
        )
        orders = self.env["sale.order"].search([("credit_state", "!=", "ok")])
        for order in orders:
            _logger.info("order %s: credit state %s", order.name, order.credit_state)
        self.counts["blocked orders"] = len(orders.filtered("credit_blocked"))
        for partner in sorted(self.categories, key=lambda partner: partner.ref):
            ceiling = partner.credit_management_ceiling
            if not ceiling or partner.total_exposure < 0.8 * ceiling:
                continue
            over = partner.total_exposure > ceiling
            self.counts["over ceiling" if over else "near ceiling"] += 1
            _logger.info(
                "%s: total exposure %.2f of management ceiling %.2f (%.0f %%), "
                "insured %.2f of insurance ceiling %.2f",
                partner.name,
                partner.total_exposure,
                ceiling,
                100.0 * partner.total_exposure / ceiling,
                partner.insured_total_exposure,
                partner.credit_insurance_ceiling,
            )


def build(env, invoices, cutoff):
    """Run every step of the build on env's database and return the counts."""
    builder = DemoBuilder(env, cutoff, datetime.date.today())
    builder.check_not_built()
    replayed = [inv for inv in invoices if inv.invoice_date <= cutoff]
    _logger.info(
        "replaying %d invoices to %s, shifted by %d days",
        len(replayed),
        cutoff,
        builder.offset.days,
    )
    builder.create_users()
    builder.create_products()
    builder.create_customers(replayed)
    records = builder.create_invoices(replayed)
    builder.register_payments(replayed, records)
    builder.assign_categories()
    builder.stage_orders()
    builder.set_ceilings()
    builder.block_orders()
    builder.mark_built()
    builder.summarize()
    return builder.counts


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    odoo.tools.config.parse_config(args.odoo_options + ["--database", args.database])
    history = read_history(args.csv)
    # The default cut-off comes from the whole file, so that a run limited to
    # a few customers replays them to the same date as a full run.
    cutoff = args.cutoff or default_cutoff(history)
    invoices = select_customers(history, args.limit_customers)
    started = time.time()
    with odoo.api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, SUPERUSER_ID, {})
            counts = build(env, invoices, cutoff)
    seconds = time.time() - started
    _logger.info("demo built in %.0f s", seconds)
    print(
        "demo %s: cut-off %s, %s, %.0f s"
        % (
            args.database,
            cutoff,
            ", ".join("%s %d" % item for item in sorted(counts.items())),
            seconds,
        )
    )


if __name__ == "__main__":
    main()
