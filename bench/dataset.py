"""Build the benchmark's data through Odoo's own flows.

The base database holds only the vanilla modules (sale_management, sale_stock,
account_invoicing, l10n_generic_coa) and the data every variant shares:

* one "history" customer per size N, with N open documents: N // 2 posted,
  unpaid customer invoices of one line, and the other half as lines of
  confirmed, uninvoiced sales orders (LINES_PER_ORDER lines each);
* a crowd of customers, each with an open receivable posted as an opening
  balance (one journal entry per CROWD_BATCH customers), as when balances are
  taken over from a previous system;
* a salesperson who confirms the measured orders.

Orders, journal entries and the first `orm_invoices` invoices of each
customer are created and posted with the ORM; further invoices and the crowd
customers are copied with SQL from documents the ORM made (sqlcopy.py explains why
the copies stay consistent). Work is committed in batches, so that an
interrupted build resumes where it stopped: each step counts what the
database already contains before it creates more.
"""

import datetime
import logging
import time

import odoo

import sqlcopy

_logger = logging.getLogger("credit_exposure.bench")

# Context of every record the build creates: no chatter messages, followers or
# mails, which only slow the build down.
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "no_reset_password": True,
}

SALES_LOGIN = "bench_sales"
SALES_PASSWORD = "bench_sales"
SALES_EMAIL = "bench.sales@example.com"
SERVICE_CODE = "BENCH-SERVICE"
GOODS_CODE = "BENCH-GOODS"
SERVICE_PRICE = 100.0
GOODS_PRICE = 50.0
LINES_PER_ORDER = 20
INVOICE_BATCH = 100
ORDER_BATCH = 10
CROWD_BATCH = 500
# Invoices copied per transaction.
COPY_BATCH = 5000
# Opening balances of the crowd, given to the customers in turn.
CROWD_AMOUNTS = (120.0, 250.0, 400.0, 800.0, 1500.0)
# Every CROWD_OVER_EVERY-th crowd customer gets a ceiling below its balance.
CROWD_OVER_EVERY = 10


def history_ref(size):
    return "bench-history-%d" % size


def crowd_ref(position):
    return "bench-crowd-%05d" % position


def split_history(size):
    """Return (open invoices, open order lines) of a history customer of size."""
    invoices = size // 2
    return invoices, size - invoices


def crowd_amount(position):
    return CROWD_AMOUNTS[position % len(CROWD_AMOUNTS)]


def crowd_is_over(position):
    return position % CROWD_OVER_EVERY == 0


class Deadline(object):
    """Wall-clock budget shared by the build steps."""

    def __init__(self, seconds):
        self.end = time.time() + seconds if seconds else None

    def passed(self):
        return self.end is not None and time.time() > self.end


class BaseBuilder(object):
    """Fill a database that has the vanilla modules installed."""

    def __init__(self, env, deadline, orm_invoices=100):
        self.env = env(context=dict(env.context, **QUIET_CONTEXT))
        self.deadline = deadline
        self.orm_invoices = orm_invoices
        self.company = self.env.user.company_id
        self.currency = self.company.currency_id
        self.today = datetime.date.today()

    def commit(self):
        self.env.cr.commit()

    def ensure_master_data(self):
        """Create the salesperson and the two products once."""
        env = self.env
        users = env["res.users"].with_context(active_test=False)
        self.salesperson = users.search([("login", "=", SALES_LOGIN)])
        if not self.salesperson:
            self.salesperson = users.create(
                {
                    "name": "Bench Salesperson",
                    "login": SALES_LOGIN,
                    "password": SALES_PASSWORD,
                    "customer": False,
                    "email": SALES_EMAIL,
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                env.ref("base.group_user").id,
                                env.ref("sales_team.group_sale_salesman_all_leads").id,
                            ],
                        )  # fmt: skip
                    ],
                }
            )
        if not self.salesperson.email:
            # Confirming an order posts a chatter message, which needs the
            # author's email address.
            self.salesperson.email = SALES_EMAIL
        self.tax = env["account.tax"].search(
            [
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("company_id", "=", self.company.id),
            ],
            order="sequence, id",
            limit=1,
        )
        uom = env.ref("product.product_uom_unit")
        self.service = self._ensure_product(
            SERVICE_CODE,
            {
                "name": "Bench service",
                "type": "service",
                "invoice_policy": "order",
                "list_price": SERVICE_PRICE,
                "uom_id": uom.id,
                "uom_po_id": uom.id,
                "taxes_id": [(6, 0, self.tax.ids)],
            },
        )
        self.goods = self._ensure_product(
            GOODS_CODE,
            {
                "name": "Bench goods",
                "type": "consu",
                "invoice_policy": "delivery",
                "list_price": GOODS_PRICE,
                "uom_id": uom.id,
                "uom_po_id": uom.id,
                "taxes_id": [(6, 0, self.tax.ids)],
            },
        )
        accounts = self.service.product_tmpl_id._get_product_accounts()
        self.income_account = accounts["income"]
        self.sale_journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        self.general_journal = env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        self.opening_account = env["account.account"].search(
            [
                ("user_type_id", "=", env.ref("account.data_unaffected_earnings").id),
                ("company_id", "=", self.company.id),
            ],
            limit=1,
        )
        self.pricelist = env["product.pricelist"].search([], limit=1)
        self.commit()

    def _ensure_product(self, code, values):
        product = self.env["product.product"].search([("default_code", "=", code)])
        if product:
            return product
        values = dict(values, default_code=code)
        return self.env["product.template"].create(values).product_variant_id

    def _ensure_customer(self, ref, name):
        partners = self.env["res.partner"]
        partner = partners.search([("ref", "=", ref)], limit=1)
        if partner:
            return partner
        return partners.create(
            {
                "name": name,
                "ref": ref,
                "is_company": True,
                "customer": True,
                "supplier": False,
                "user_id": self.salesperson.id,
            }
        )

    # History customers ---------------------------------------------------

    def build_history(self, size):
        """Give the customer of this size its open invoices and order lines.

        Returns the numbers of open invoices and open order lines it has.
        """
        partner = self._ensure_customer(history_ref(size), "Bench history %d" % size)
        self.commit()
        invoices_expected, lines_expected = split_history(size)
        invoices = self._fill_invoices(partner, invoices_expected)
        lines = self._fill_order_lines(partner, lines_expected)
        return invoices, lines

    def _count_invoices(self, partner):
        return self.env["account.invoice"].search_count(
            [("partner_id", "=", partner.id), ("state", "=", "open")]
        )

    def _count_order_lines(self, partner):
        return self.env["sale.order.line"].search_count(
            [("order_partner_id", "=", partner.id), ("state", "=", "sale")]
        )

    def _fill_invoices(self, partner, expected):
        """Post invoices through the ORM up to the seed size, then copy them."""
        done = self._count_invoices(partner)
        seeds_expected = min(expected, self.orm_invoices)
        started = time.time()
        while done < seeds_expected and not self.deadline.passed():
            count = min(INVOICE_BATCH, seeds_expected - done)
            batch = self.env["account.invoice"]
            for position in range(done, done + count):
                batch |= batch.create(self._invoice_values(partner, position))
            batch.action_invoice_open()
            self.commit()
            done += count
            _logger.info(
                "%s: %d of %d open invoices posted (%.1f per second)",
                partner.name,
                done,
                expected,
                done / max(time.time() - started, 0.001),
            )
        if done >= seeds_expected and done < expected:
            done += self._copy_invoices(partner, expected - done)
        return done

    def _copy_invoices(self, partner, count):
        seeds = self.env["account.invoice"].search(
            [
                ("partner_id", "=", partner.id),
                ("state", "=", "open"),
                ("number", "not like", "BENCH/"),
            ]
        )
        cr = self.env.cr
        copied = 0
        while copied < count:
            cr.execute(
                "SELECT count(*) FROM account_invoice WHERE number LIKE 'BENCH/%'"
            )
            first_serial = cr.fetchone()[0] + 1
            chunk = min(COPY_BATCH, count - copied)
            copied += sqlcopy.copy_invoices(cr, seeds.ids, first_serial, chunk)
            self.commit()
            _logger.info(
                "%s: %d of %d invoices copied from %d posted ones",
                partner.name,
                copied,
                count,
                len(seeds),
            )
        self.env.clear()
        return copied

    def _invoice_values(self, partner, position):
        # Dates over the last four months with 30 days to pay: about a quarter
        # of the invoices are not yet due, the rest overdue.
        invoice_date = self.today - datetime.timedelta(days=position % 120)
        due_date = invoice_date + datetime.timedelta(days=30)
        return {
            "type": "out_invoice",
            "partner_id": partner.id,
            "journal_id": self.sale_journal.id,
            "account_id": partner.property_account_receivable_id.id,
            "currency_id": self.currency.id,
            "date_invoice": odoo.fields.Date.to_string(invoice_date),
            "date_due": odoo.fields.Date.to_string(due_date),
            "payment_term_id": False,
            "fiscal_position_id": False,
            "partner_bank_id": False,
            "user_id": self.salesperson.id,
            "origin": "bench",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": self.service.id,
                        "name": self.service.name,
                        "account_id": self.income_account.id,
                        "quantity": 1.0 + position % 3,
                        "uom_id": self.service.uom_id.id,
                        "price_unit": SERVICE_PRICE,
                        "invoice_line_tax_ids": [(6, 0, self.tax.ids)],
                    },
                )  # fmt: skip
            ],
        }

    def _fill_order_lines(self, partner, expected):
        done = self._count_order_lines(partner)
        started = time.time()
        while done < expected and not self.deadline.passed():
            orders = self.env["sale.order"]
            for _ in range(ORDER_BATCH):
                count = min(LINES_PER_ORDER, expected - done)
                if count <= 0:
                    break
                orders |= orders.create(self.order_values(partner, self.service, count))
                done += count
            # Odoo 11's sale.order._action_confirm handles one order at a time.
            for order in orders:
                order.action_confirm()
            self.commit()
            _logger.info(
                "%s: %d of %d open order lines (%.1f per second)",
                partner.name,
                done,
                expected,
                done / max(time.time() - started, 0.001),
            )
        return done

    def order_values(self, partner, product, lines, quantity=1.0):
        """Return the values of a quotation with `lines` lines of product."""
        return {
            "partner_id": partner.id,
            "partner_invoice_id": partner.id,
            "partner_shipping_id": partner.id,
            "pricelist_id": self.pricelist.id,
            "user_id": self.salesperson.id,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "name": product.name,
                        "product_uom_qty": quantity + position % 3,
                        "product_uom": product.uom_id.id,
                        "price_unit": product.list_price,
                        "tax_id": [(6, 0, self.tax.ids)],
                    },
                )  # fmt: skip
                for position in range(lines)
            ],
        }

    # Crowd -----------------------------------------------------------------

    def build_crowd(self, count):
        """Create `count` crowd customers, each with an opening balance.

        The first customer is created through the ORM and copied for the
        others; the balances are posted through the ORM. Returns how many crowd
        customers have their balance posted.
        """
        if not count:
            return 0
        partners = self.env["res.partner"]
        seed = self._ensure_customer(crowd_ref(0), "Bench crowd %05d" % 0)
        existing = partners.search_count([("ref", "=like", "bench-crowd-%")])
        if existing < count:
            sqlcopy.copy_partners(
                self.env.cr, seed.id, existing, count - existing,
                "Bench crowd ", "bench-crowd-",
            )  # fmt: skip
            self.commit()
            self.env.clear()
            _logger.info("crowd: %d customers copied", count - existing)
        self.env.cr.execute(
            """
            SELECT partner.id
              FROM res_partner partner
             WHERE partner.ref LIKE 'bench-crowd-%%' AND partner.ref <= %s
               AND NOT EXISTS (SELECT 1 FROM account_move_line aml
                                WHERE aml.partner_id = partner.id)
             ORDER BY partner.ref
            """,
            (crowd_ref(count - 1),),
        )
        pending = partners.browse([row[0] for row in self.env.cr.fetchall()])
        done = count - len(pending)
        started = time.time()
        for start in range(0, len(pending), CROWD_BATCH):
            if self.deadline.passed():
                break
            self._post_opening_balances(pending[start : start + CROWD_BATCH])
            self.commit()
            done += len(pending[start : start + CROWD_BATCH])
            _logger.info(
                "crowd: %d of %d opening balances posted (%.1f per second)",
                done,
                count,
                (start + CROWD_BATCH) / max(time.time() - started, 0.001),
            )
        return done

    def _post_opening_balances(self, partners):
        """Post one journal entry debiting each partner's receivable account."""
        lines = []
        total = 0.0
        for partner in partners:
            amount = crowd_amount(crowd_position(partner))
            total += amount
            lines.append(
                (
                    0,
                    0,
                    {
                        "name": "Opening balance",
                        "partner_id": partner.id,
                        "account_id": partner.property_account_receivable_id.id,
                        "debit": amount,
                        "credit": 0.0,
                        "date_maturity": odoo.fields.Date.to_string(self.today),
                    },
                )  # fmt: skip
            )
        lines.append(
            (
                0,
                0,
                {
                    "name": "Opening balance",
                    "account_id": self.opening_account.id,
                    "debit": 0.0,
                    "credit": total,
                },
            )  # fmt: skip
        )
        move = self.env["account.move"].create(
            {
                "journal_id": self.general_journal.id,
                "date": odoo.fields.Date.to_string(self.today),
                "ref": "Bench opening balances",
                "line_ids": lines,
            }
        )
        move.post()


def crowd_partners(env):
    """Return the crowd customers, in position order."""
    return env["res.partner"].search([("ref", "=like", "bench-crowd-%")], order="ref")


def crowd_position(partner):
    return int(partner.ref.rsplit("-", 1)[1])


def group_crowd_by_limit(env, over_share, normal_share):
    """Return {ceiling: partners} for the crowd, with few distinct ceilings.

    A customer marked over gets over_share of its balance, the others
    normal_share, so that the variants can write them in a few ORM calls.
    """
    groups = {}
    for partner in crowd_partners(env):
        position = crowd_position(partner)
        share = over_share if crowd_is_over(position) else normal_share
        ceiling = crowd_amount(position) * share
        groups.setdefault(ceiling, env["res.partner"])
        groups[ceiling] |= partner
    return groups
