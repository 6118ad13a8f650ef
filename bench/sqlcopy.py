"""Replicate documents that Odoo created, with SQL, to reach large sizes quickly.

Creating and posting a customer invoice through the ORM costs about half a
second on a shared two-core machine, so 10,000 of them would take well over an
hour. The benchmark therefore posts a seed of invoices through the ORM and
copies them here. A copy stays consistent because:

* every row that Odoo wrote for a seed invoice is copied: the invoice, its
  lines and tax lines, its journal entry and journal items, the many2many
  rows of their taxes and the invoice's followers; a seed with any other
  related row (payments, reconciliations, analytic lines, sales order links)
  is rejected;
* every stored value of those rows depends only on rows of the same document
  (amounts, residuals, balances), so copying them together keeps them right;
  nothing stored elsewhere sums documents up in Odoo 11 (partner balances are
  computed when read);
* each copy gets new ids from the tables' own sequences and a unique number
  (`BENCH/<serial>`), which keeps the `number_uniq` constraint of invoices and
  never collides with the journal's sequence.

Crowd customers are copies of one customer that the ORM created: a company
partner row, with its commercial partner set to itself, and its image
attachments, which point to the same file of Odoo's content-addressed store.
"""

INVOICE_RELATED_EMPTY = (
    # (table, column referencing the seed rows, table that column references)
    ("account_partial_reconcile", "debit_move_id", "account_move_line"),
    ("account_partial_reconcile", "credit_move_id", "account_move_line"),
    ("account_analytic_line", "move_id", "account_move_line"),
    ("account_analytic_tag_account_move_line_rel", "account_move_line_id",
     "account_move_line"),
    ("account_analytic_tag_account_invoice_line_rel", "account_invoice_line_id",
     "account_invoice_line"),
    ("sale_order_line_invoice_rel", "invoice_line_id", "account_invoice_line"),
    ("account_invoice_payment_rel", "invoice_id", "account_invoice"),
)  # fmt: skip


def table_columns(cr, table):
    cr.execute(
        """
        SELECT column_name
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = %s
         ORDER BY ordinal_position
        """,
        (table,),
    )
    return [row[0] for row in cr.fetchall()]


def insert_copies(cr, table, join, overrides, params=None):
    """Insert into table one copy of each source row that join selects.

    join is the SQL after `FROM table src`; overrides maps a column to the
    SQL expression of its new value (the other columns keep the source's).
    Table and column names come from this module and information_schema only.
    """
    columns = table_columns(cr, table)
    values = [overrides.get(column, "src.%s" % column) for column in columns]
    cr.execute(
        "INSERT INTO %s (%s) SELECT %s FROM %s src %s"
        % (
            table,
            ", ".join('"%s"' % c for c in columns),
            ", ".join(values),
            table,
            join,
        ),
        params,
    )
    return cr.rowcount


def check_seeds_isolated(cr, invoice_ids):
    """Raise ValueError if a seed invoice has rows this module does not copy."""
    for table, column, target in INVOICE_RELATED_EMPTY:
        if target == "account_invoice":
            seed_rows = "SELECT unnest(%(ids)s::int[])"
        elif target == "account_invoice_line":
            seed_rows = (
                "SELECT id FROM account_invoice_line WHERE invoice_id = ANY(%(ids)s)"
            )
        else:
            seed_rows = (
                "SELECT aml.id FROM account_move_line aml JOIN account_invoice inv "
                "ON inv.move_id = aml.move_id WHERE inv.id = ANY(%(ids)s)"
            )
        cr.execute(
            "SELECT count(*) FROM %s WHERE %s IN (%s)" % (table, column, seed_rows),
            {"ids": list(invoice_ids)},
        )
        count = cr.fetchone()[0]
        if count:
            raise ValueError(
                "the seed invoices have %d rows in %s, which copies would miss"
                % (count, table)
            )


def copy_invoices(cr, seed_ids, first_serial, count):
    """Insert `count` copies of the posted seed invoices, cycling over them.

    Copies are numbered BENCH/<serial> from first_serial on. Returns the
    number of invoices inserted.
    """
    seed_ids = sorted(seed_ids)
    check_seeds_isolated(cr, seed_ids)
    cr.execute("DROP TABLE IF EXISTS bench_invoice_map")
    cr.execute(
        """
        CREATE TEMP TABLE bench_invoice_map AS
        SELECT inv.id AS old_id, inv.move_id AS old_move_id, serial.n AS serial,
               'BENCH/' || lpad(serial.n::text, 7, '0') AS number,
               nextval('account_invoice_id_seq') AS new_id,
               nextval('account_move_id_seq') AS new_move_id
          FROM generate_series(%(first)s, %(last)s) AS serial(n)
          JOIN account_invoice inv
            ON inv.id = (%(seeds)s::int[])[1 + serial.n %% %(seed_count)s]
        """,
        {
            "first": first_serial,
            "last": first_serial + count - 1,
            "seeds": seed_ids,
            "seed_count": len(seed_ids),
        },
    )
    insert_copies(
        cr,
        "account_move",
        "JOIN bench_invoice_map map ON map.old_move_id = src.id",
        {"id": "map.new_move_id", "name": "map.number"},
    )
    inserted = insert_copies(
        cr,
        "account_invoice",
        "JOIN bench_invoice_map map ON map.old_id = src.id",
        {
            "id": "map.new_id",
            "move_id": "map.new_move_id",
            "number": "map.number",
            "move_name": "map.number",
        },
    )
    _copy_invoice_lines(cr)
    insert_copies(
        cr,
        "account_invoice_tax",
        "JOIN bench_invoice_map map ON map.old_id = src.invoice_id",
        {"id": "nextval('account_invoice_tax_id_seq')", "invoice_id": "map.new_id"},
    )
    _copy_move_lines(cr)
    copy_followers(cr, "account.invoice", "bench_invoice_map")
    cr.execute("DROP TABLE bench_invoice_map")
    return inserted


def _copy_invoice_lines(cr):
    cr.execute("DROP TABLE IF EXISTS bench_invoice_line_map")
    cr.execute(
        """
        CREATE TEMP TABLE bench_invoice_line_map AS
        SELECT line.id AS old_id, map.new_id AS new_invoice_id,
               nextval('account_invoice_line_id_seq') AS new_id
          FROM account_invoice_line line
          JOIN bench_invoice_map map ON map.old_id = line.invoice_id
        """
    )
    insert_copies(
        cr,
        "account_invoice_line",
        "JOIN bench_invoice_line_map map ON map.old_id = src.id",
        {"id": "map.new_id", "invoice_id": "map.new_invoice_id"},
    )
    cr.execute(
        """
        INSERT INTO account_invoice_line_tax (invoice_line_id, tax_id)
        SELECT map.new_id, rel.tax_id
          FROM account_invoice_line_tax rel
          JOIN bench_invoice_line_map map ON map.old_id = rel.invoice_line_id
        """
    )
    cr.execute("DROP TABLE bench_invoice_line_map")


def _copy_move_lines(cr):
    cr.execute("DROP TABLE IF EXISTS bench_move_line_map")
    cr.execute(
        """
        CREATE TEMP TABLE bench_move_line_map AS
        SELECT line.id AS old_id, map.new_move_id, map.new_id AS new_invoice_id,
               nextval('account_move_line_id_seq') AS new_id
          FROM account_move_line line
          JOIN bench_invoice_map map ON map.old_move_id = line.move_id
        """
    )
    insert_copies(
        cr,
        "account_move_line",
        "JOIN bench_move_line_map map ON map.old_id = src.id",
        {
            "id": "map.new_id",
            "move_id": "map.new_move_id",
            "invoice_id": "CASE WHEN src.invoice_id IS NULL THEN NULL "
            "ELSE map.new_invoice_id END",
        },
    )
    cr.execute(
        """
        INSERT INTO account_move_line_account_tax_rel
               (account_move_line_id, account_tax_id)
        SELECT map.new_id, rel.account_tax_id
          FROM account_move_line_account_tax_rel rel
          JOIN bench_move_line_map map ON map.old_id = rel.account_move_line_id
        """
    )
    cr.execute("DROP TABLE bench_move_line_map")


def copy_followers(cr, model, map_table):
    """Copy the followers (and their subtypes) of the mapped records of model.

    map_table has old_id and new_id columns.
    """
    cr.execute("DROP TABLE IF EXISTS bench_follower_map")
    cr.execute(
        """
        CREATE TEMP TABLE bench_follower_map AS
        SELECT follower.id AS old_id, map.new_id AS new_res_id,
               nextval('mail_followers_id_seq') AS new_id
          FROM mail_followers follower
          JOIN %s map ON map.old_id = follower.res_id
         WHERE follower.res_model = %%s
        """
        % map_table,
        (model,),
    )
    insert_copies(
        cr,
        "mail_followers",
        "JOIN bench_follower_map map ON map.old_id = src.id",
        {"id": "map.new_id", "res_id": "map.new_res_id"},
    )
    cr.execute(
        """
        INSERT INTO mail_followers_mail_message_subtype_rel
               (mail_followers_id, mail_message_subtype_id)
        SELECT map.new_id, rel.mail_message_subtype_id
          FROM mail_followers_mail_message_subtype_rel rel
          JOIN bench_follower_map map ON map.old_id = rel.mail_followers_id
        """
    )
    cr.execute("DROP TABLE bench_follower_map")


def copy_partners(cr, seed_id, first_position, count, name_prefix, ref_prefix):
    """Insert `count` copies of the company partner seed_id.

    Copy number p (from first_position on) is named name_prefix followed by p
    on five digits, and its reference is ref_prefix followed by the same
    digits. Returns the number of partners inserted.
    """
    cr.execute("DROP TABLE IF EXISTS bench_partner_map")
    cr.execute(
        """
        CREATE TEMP TABLE bench_partner_map AS
        SELECT %(seed)s AS old_id, position.n AS position,
               %(name)s || lpad(position.n::text, 5, '0') AS name,
               %(ref)s || lpad(position.n::text, 5, '0') AS ref,
               nextval('res_partner_id_seq') AS new_id
          FROM generate_series(%(first)s, %(last)s) AS position(n)
        """,
        {
            "seed": seed_id,
            "name": name_prefix,
            "ref": ref_prefix,
            "first": first_position,
            "last": first_position + count - 1,
        },
    )
    inserted = insert_copies(
        cr,
        "res_partner",
        "JOIN bench_partner_map map ON map.old_id = src.id",
        {
            "id": "map.new_id",
            "name": "map.name",
            "display_name": "map.name",
            "ref": "map.ref",
            "commercial_partner_id": "map.new_id",
            "commercial_company_name": "map.name",
        },
    )
    insert_copies(
        cr,
        "ir_attachment",
        "JOIN bench_partner_map map ON map.old_id = src.res_id "
        "WHERE src.res_model = 'res.partner'",
        {"id": "nextval('ir_attachment_id_seq')", "res_id": "map.new_id"},
    )
    copy_followers(cr, "res.partner", "bench_partner_map")
    cr.execute("DROP TABLE bench_partner_map")
    return inserted
