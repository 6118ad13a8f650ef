"""SQL of the exposure figures, shared by credit.exposure and its movements."""

import collections

# Every document that counts in an exposure figure gives one contribution,
# keyed by (commercial partner, company, currency, insured, figure). Database
# triggers record each change of a contribution as a movement, so that a
# customer's figures are the sum of a few movement rows, however long its
# history. The triggers subtract what the rows touched by a change contribute
# before it (BEFORE triggers still see the old rows) and add what they
# contribute after it. Each template below selects the contributions of the
# rows matching {where}, with {sign} -1 to subtract and 1 to add.

MOVEMENT_COLUMNS = "partner_id, company_id, currency_id, insured, figure, amount"

# Confirmed orders: what their lines still have to deliver or invoice, in the
# currency of the order's pricelist. A line invoiced beyond its quantity, such
# as a down payment, counts negative, but an order counts no less than zero:
# an advance lowers only its own order, never the customer's other debts.
ORDER_LINES = """
    SELECT so.credit_partner_id, so.company_id, pricelist.currency_id,
           so.credit_insured, 'delivery', {sign} * SUM(open_line.amount)
      FROM sale_order so
      JOIN product_pricelist pricelist ON pricelist.id = so.pricelist_id
     CROSS JOIN LATERAL (
           SELECT GREATEST(SUM(sol.credit_open_amount), 0) AS amount
             FROM sale_order_line sol
            WHERE sol.order_id = so.id
           ) open_line
     WHERE {where}
       AND so.state IN ('sale', 'done')
       AND so.credit_partner_id IS NOT NULL
       AND open_line.amount != 0
     GROUP BY 1, 2, 3, 4
    HAVING SUM(open_line.amount) != 0
"""

# Open posted receivable lines: the residual in the line's foreign currency, or
# in company currency. Lines of insured invoices count as insured.
RECEIVABLE_AMOUNT = """CASE
           WHEN aml.currency_id IS NOT NULL AND aml.currency_id != company.currency_id
           THEN aml.amount_residual_currency ELSE aml.amount_residual END"""
RECEIVABLES = """
    SELECT partner.commercial_partner_id, aml.company_id,
           CASE WHEN aml.currency_id IS NOT NULL
                     AND aml.currency_id != company.currency_id
                THEN aml.currency_id ELSE company.currency_id END,
           COALESCE(inv.credit_insured, FALSE), 'financial',
           {sign} * SUM(%(amount)s)
      FROM account_move_line aml
      JOIN account_account account ON account.id = aml.account_id
      JOIN account_move move ON move.id = aml.move_id
      JOIN res_partner partner ON partner.id = aml.partner_id
      JOIN res_company company ON company.id = aml.company_id
      LEFT JOIN account_invoice inv ON inv.id = aml.invoice_id
     WHERE {where}
       AND account.internal_type = 'receivable'
       AND move.state = 'posted'
       AND aml.reconciled IS NOT TRUE
     GROUP BY 1, 2, 3, 4
    HAVING SUM(%(amount)s) != 0
""" % {"amount": RECEIVABLE_AMOUNT}

# Draft customer invoices, at their counted amount (see the field's help). Draft
# credit notes count only once posted, so that a draft made and deleted
# afterwards cannot make room for an order.
DRAFT_INVOICES = """
    SELECT inv.commercial_partner_id, inv.company_id, inv.currency_id,
           inv.credit_insured, 'financial', {sign} * SUM(inv.credit_draft_amount)
      FROM account_invoice inv
     WHERE {where}
       AND inv.state = 'draft'
       AND inv.type = 'out_invoice'
       AND inv.credit_draft_amount != 0
       AND inv.commercial_partner_id IS NOT NULL
     GROUP BY 1, 2, 3, 4
    HAVING SUM(inv.credit_draft_amount) != 0
"""

# The triggers, as (name, table, templates with the filter of the rows that a
# change of a row of table touches, columns whose change moves contributions).
# None for the columns: any insertion, deletion or update.
TRIGGERS = [
    (
        "sol",
        "sale_order_line",
        # The whole order of the line, before and after the line changes: the
        # line may move to another order.
        [(ORDER_LINES, "so.id IN (OLD.order_id, NEW.order_id)")],
        ("order_id", "credit_open_amount"),
    ),
    (
        "so",
        "sale_order",
        [(ORDER_LINES, "so.id = {row}.id")],
        ("state", "credit_partner_id", "company_id", "pricelist_id", "credit_insured"),
    ),
    (
        "pricelist",
        "product_pricelist",
        [(ORDER_LINES, "so.pricelist_id = {row}.id")],
        ("currency_id",),
    ),
    (
        "aml",
        "account_move_line",
        [(RECEIVABLES, "aml.id = {row}.id")],
        (
            "amount_residual",
            "amount_residual_currency",
            "reconciled",
            "currency_id",
            "partner_id",
            "account_id",
            "move_id",
            "invoice_id",
            "company_id",
        ),
    ),
    (
        "move",
        "account_move",
        [(RECEIVABLES, "aml.move_id = {row}.id")],
        ("state",),
    ),
    (
        "account",
        "account_account",
        [(RECEIVABLES, "aml.account_id = {row}.id")],
        ("internal_type",),
    ),
    (
        "partner",
        "res_partner",
        [(RECEIVABLES, "aml.partner_id = {row}.id")],
        ("commercial_partner_id",),
    ),
    (
        "company",
        "res_company",
        [(RECEIVABLES, "aml.company_id = {row}.id")],
        ("currency_id",),
    ),
    (
        "invoice",
        "account_invoice",
        [(DRAFT_INVOICES, "inv.id = {row}.id")],
        (
            "state",
            "type",
            "credit_draft_amount",
            "commercial_partner_id",
            "company_id",
            "currency_id",
            "credit_insured",
        ),
    ),
    # Apart from the draft invoices: Odoo 11 has no index on the journal
    # items' invoice_id, so this one must run only when the flag changes.
    (
        "invoice_insured",
        "account_invoice",
        [(RECEIVABLES, "aml.invoice_id = {row}.id")],
        ("credit_insured",),
    ),
]

# The tables whose rows are the documents themselves, rather than parents.
OWN_ROWS = ("sol", "aml", "invoice")

# The tables whose rows count only summed with others (an order's lines): their
# triggers subtract the sum before any insertion or deletion and add it after.
SUMMED_ROWS = ("sol",)

# Statements built from the templates. They hold only the addon's own table,
# column and function names, never a value: values go as query parameters.

DOCUMENT_TEMPLATES = (ORDER_LINES, RECEIVABLES, DRAFT_INVOICES)


def trigger_statements(name, table, templates, columns):
    """Return the statements creating the trigger functions and triggers of table."""
    statements = []
    changed = " OR ".join(
        "OLD.{0} IS DISTINCT FROM NEW.{0}".format(column) for column in columns
    )
    for when, row, sign in (("before", "OLD", -1), ("after", "NEW", 1)):
        function = "credit_exposure_%s_%s" % (name, when)
        inserts = "".join(
            "INSERT INTO credit_exposure_movement (%s) %s;\n"
            % (
                MOVEMENT_COLUMNS,
                template.format(sign=sign, where=where.format(row=row)),
            )
            for template, where in templates
        )
        # A BEFORE trigger returns the row to write (NEW) or to delete (OLD),
        # and PostgreSQL ignores what an AFTER trigger returns.
        result = "RETURN NULL;"
        if when == "before":
            result = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
        statements += [
            "CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql "
            "AS $body$\nBEGIN\n%s%s\nEND\n$body$" % (function, inserts, result),
            "DROP TRIGGER IF EXISTS %s_update ON %s" % (function, table),
            "CREATE TRIGGER %s_update %s UPDATE ON %s FOR EACH ROW WHEN (%s) "
            "EXECUTE PROCEDURE %s()" % (function, when, table, changed, function),
        ]
        # A deleted row takes its contributions away. An inserted document
        # row brings its own, while a new parent row has none yet.
        if name in SUMMED_ROWS:
            event = "INSERT OR DELETE"
        elif when == "before":
            event = "DELETE"
        elif name in OWN_ROWS:
            event = "INSERT"
        else:
            continue
        statements += [
            "DROP TRIGGER IF EXISTS %s ON %s" % (function, table),
            "CREATE TRIGGER %s %s %s ON %s FOR EACH ROW EXECUTE PROCEDURE %s()"
            % (function, when, event, table, function),
        ]
    return statements


def drop_statements():
    """Return the statements dropping every trigger function, with its triggers."""
    return [
        "DROP FUNCTION IF EXISTS credit_exposure_%s_%s() CASCADE" % (name, when)
        for name, _table, _templates, _columns in TRIGGERS
        for when in ("before", "after")
    ]


def rebuild_statements():
    """Return the statements inserting the contributions of every document."""
    return [
        "INSERT INTO credit_exposure_movement (%s) %s"
        % (MOVEMENT_COLUMNS, template.format(sign=1, where="TRUE"))
        for template in DOCUMENT_TEMPLATES
    ]


def differences_query():
    """Return the query of the keys whose movements differ from their documents."""
    documents = " UNION ALL ".join(
        template.format(sign=1, where="TRUE") for template in DOCUMENT_TEMPLATES
    )
    return """
        WITH movements AS (
            SELECT partner_id, company_id, currency_id, insured, figure,
                   SUM(amount) AS amount
              FROM credit_exposure_movement
             GROUP BY 1, 2, 3, 4, 5
        ), documents AS (
            SELECT partner_id, company_id, currency_id, insured, figure,
                   SUM(amount) AS amount
              FROM ({documents}) AS document ({columns})
             GROUP BY 1, 2, 3, 4, 5
        )
        SELECT partner_id, company_id, currency_id, insured, figure,
               movements.amount, documents.amount
          FROM movements
          FULL JOIN documents
         USING (partner_id, company_id, currency_id, insured, figure)
         WHERE COALESCE(movements.amount, 0) != COALESCE(documents.amount, 0)
    """.format(documents=documents, columns=MOVEMENT_COLUMNS)


def merge_query(where):
    """Return the query merging the movements matching where into one per key."""
    return """
        WITH merged AS (
            DELETE FROM credit_exposure_movement WHERE {where}
            RETURNING {columns}
        )
        INSERT INTO credit_exposure_movement ({columns})
        SELECT partner_id, company_id, currency_id, insured, figure, SUM(amount)
          FROM merged
         GROUP BY 1, 2, 3, 4, 5
        HAVING SUM(amount) != 0
    """.format(where=where, columns=MOVEMENT_COLUMNS)


def component_query(template, where):
    """Return the query of one template's contributions for the rows matching where."""
    return template.format(sign=1, where=where)


# The total that credit checks count for the order aliased so: the sum of its
# lines without those at a negative unit price after discount, as
# sale.order._credit_counted_amount() adds it up in Python.
COUNTED_AMOUNT = """(
    SELECT COALESCE(SUM(sol.price_total), 0)
      FROM sale_order_line sol
     WHERE sol.order_id = so.id
       AND sol.price_unit * (1 - COALESCE(sol.discount, 0) / 100) >= 0
)"""


# A row of check_facts_query(): what the credit check reads of an order. That
# is its company and the company's currency, its credit partner, the
# commercial partner of that partner (the customer) with the customer's
# ceilings and hold, and its counted total in the currency of its pricelist.
CheckFacts = collections.namedtuple(
    "CheckFacts",
    [
        "order_id",
        "company_id",
        "partner_id",
        "insured",
        "order_currency_id",
        "currency_id",
        "rounding",
        "block_orders",
        "customer_id",
        "on_hold",
        "management_ceiling",
        "insurance_ceiling",
        "amount",
    ],
)


def check_facts_query():
    """Return the query of the CheckFacts of the orders with ids IN %s.

    Empty flags and ceilings read as FALSE and 0, as the ORM reads them.
    """
    return """
        SELECT so.id, so.company_id, so.credit_partner_id,
               COALESCE(so.credit_insured, FALSE), pricelist.currency_id,
               company.currency_id, currency.rounding,
               COALESCE(company.credit_block_orders, FALSE), customer.id,
               COALESCE(customer.credit_hold, FALSE),
               COALESCE(customer.credit_management_ceiling, 0),
               COALESCE(customer.credit_insurance_ceiling, 0), {counted}
          FROM sale_order so
          LEFT JOIN product_pricelist pricelist ON pricelist.id = so.pricelist_id
          LEFT JOIN res_company company ON company.id = so.company_id
          LEFT JOIN res_currency currency ON currency.id = company.currency_id
          LEFT JOIN res_partner partner ON partner.id = so.credit_partner_id
          LEFT JOIN res_partner customer ON customer.id = partner.commercial_partner_id
         WHERE so.id IN %s
    """.format(counted=COUNTED_AMOUNT)


def changed_orders_query():
    """Return the query of the confirmed orders with ids IN %s whose total moved.

    The total is the counted one. The query keeps every total that moved by
    more than a quarter of the currency's rounding from the checked amount, or
    fell below the released amount by as much.
    """
    return """
        WITH counted AS (
            SELECT so.id, so.credit_checked_amount, so.credit_released_amount,
                   currency.rounding, {counted} AS amount
              FROM sale_order so
              JOIN product_pricelist pricelist ON pricelist.id = so.pricelist_id
              JOIN res_currency currency ON currency.id = pricelist.currency_id
             WHERE so.id IN %s
               AND so.state IN ('sale', 'done')
        )
        SELECT id
          FROM counted
         WHERE ABS(amount - COALESCE(credit_checked_amount, 0)) > rounding / 4
            OR amount - COALESCE(credit_released_amount, 0) < -rounding / 4
    """.format(counted=COUNTED_AMOUNT)


def record_checked_amounts_query():
    """Return the statement setting the checked amount of the orders with ids IN %s.

    Each order's checked amount becomes its counted total.
    """
    return """
        UPDATE sale_order so
           SET credit_checked_amount = {counted}
         WHERE so.id IN %s
    """.format(counted=COUNTED_AMOUNT)
