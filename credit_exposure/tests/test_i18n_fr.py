from odoo.exceptions import AccessError, UserError

from .test_blocking import ACCEPT_BLOCK, BlockingCase

FRENCH = {"lang": "fr_FR"}


class TestI18nFr(BlockingCase):
    """The addon's messages reach a French-speaking user in French.

    French is loaded once, with only this addon's i18n/fr.po, as Odoo does for
    a language installed after the addon.
    """

    @classmethod
    def setUpClass(cls):
        super(TestI18nFr, cls).setUpClass()
        cls.env["ir.module.module"].search(
            [("name", "=", "credit_exposure")]
        )._update_translations("fr_FR")
        (cls.salesperson | cls.warehouse_user).write({"lang": "fr_FR"})

    def as_french(self, records, user):
        """Return records as user, in user's language as the web client sends it."""
        return records.sudo(user).with_context(lang=user.lang)

    def amount(self, value):
        """Format value as the credit messages do for a French reader."""
        customer = self.customer.with_context(**FRENCH)
        return customer._credit_format_amount(value, self.currency)

    def french_onchange_warning(self, partner):
        """Run the quotation form's onchange of partner_id as the French salesperson."""
        orders = self.as_french(self.env["sale.order"], self.salesperson)
        spec = orders._onchange_spec()
        names = [name for name in spec if "." not in name]
        values = dict.fromkeys(names, False)
        values.update(orders.default_get(names))
        values["partner_id"] = partner.id
        return orders.onchange(values, "partner_id", spec).get("warning")

    def french_blocked_error(self, order, text):
        """Return the French UserError message for a blocked order and reason text."""
        controllers = ", ".join(order._credit_controllers().mapped("name"))
        return (
            "Le contrôle crédit a bloqué la commande %s : %s. Un membre du groupe "
            "Contrôleur crédit (%s) peut la débloquer dans Ventes > Contrôle "
            "crédit > Commandes bloquées." % (order.name, text, controllers)
        )

    def test_field_labels_in_french(self):
        partners = self.env["res.partner"].with_context(**FRENCH)
        labels = partners.fields_get(["credit_management_ceiling", "credit_hold"])
        self.assertEqual(
            labels["credit_management_ceiling"]["string"], "Plafond direction"
        )
        self.assertEqual(labels["credit_hold"]["string"], "Blocage client")

    def test_onchange_warning_in_french(self):
        self.confirm(self.create_order(quantity=10))
        warning = self.french_onchange_warning(self.customer)
        self.assertEqual(warning["title"], "Client en dépassement de plafond d'encours")
        self.assertEqual(
            warning["message"],
            "L'encours total de Credit Customer est de %s : il dépasse de %s son "
            "plafond direction de %s.\nL'encours total assuré de Credit Customer "
            "est de %s : il dépasse de %s son plafond assurance de %s."
            % (
                self.amount(1100),
                self.amount(100),
                self.amount(1000),
                self.amount(1100),
                self.amount(300),
                self.amount(800),
            ),
        )

    def test_onchange_credit_hold_in_french(self):
        self.customer.sudo(self.controller).credit_hold = True
        warning = self.french_onchange_warning(self.customer)
        self.assertEqual(
            warning["message"],
            "Credit Customer est en blocage client : toute nouvelle commande est "
            "bloquée jusqu'à ce qu'un contrôleur crédit lève le blocage.",
        )

    def test_block_dialog_in_french(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        action = self.as_french(order, self.salesperson).action_confirm()
        self.assertEqual(action["name"], "Plafond d'encours dépassé")
        wizard = self.env["credit.block.wizard"].browse(action["res_id"])
        self.assertEqual(
            wizard.message.split("\n")[0],
            "%s: Avec cette commande, l'encours total de Credit Customer serait de "
            "%s : il dépasserait de %s son plafond direction de %s."
            % (order.name, self.amount(1100), self.amount(100), self.amount(1000)),
        )

    def test_blocked_chatter_in_french(self):
        self.enable_blocking()
        order = self.create_order(quantity=10)
        self.as_french(order, self.salesperson).with_context(
            **ACCEPT_BLOCK
        ).action_confirm()
        self.assertTrue(order.credit_blocked)
        self.assertIn("Bloquée par le contrôle crédit.", order.message_ids[0].body)
        self.assertIn("plafond direction", order.credit_message)

    def test_invoice_rejected_in_french(self):
        order = self.blocked_order()
        with self.assertRaises(UserError) as caught:
            self.as_french(order, self.salesperson).action_invoice_create()
        self.assertEqual(
            caught.exception.name,
            self.french_blocked_error(order, "elle ne peut pas être facturée"),
        )

    def test_delivery_rejected_in_french(self):
        order = self.cut_off_order()
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        picking = self.as_french(picking, self.warehouse_user)
        picking.move_lines.write({"quantity_done": 5})
        with self.assertRaises(UserError) as caught:
            picking.button_validate()
        self.assertEqual(
            caught.exception.name,
            self.french_blocked_error(
                order, "ses marchandises ne peuvent pas être livrées"
            ),
        )

    def test_reservation_rejected_in_french(self):
        order = self.cut_off_order()
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        with self.assertRaises(UserError) as caught:
            self.as_french(picking, self.warehouse_user).action_assign()
        self.assertEqual(
            caught.exception.name,
            self.french_blocked_error(
                order, "aucun stock ne peut être réservé pour elle"
            ),
        )

    def test_uninsured_invoice_rejected_in_french(self):
        invoices = self.as_french(self.env["account.invoice"], self.salesperson)
        with self.assertRaises(AccessError) as caught:
            invoices.create(
                {
                    "partner_id": self.customer.id,
                    "type": "out_invoice",
                    "account_id": self.customer.property_account_receivable_id.id,
                    "credit_insured": False,
                }
            )
        message = caught.exception.name
        self.assertIn(
            "Seul un contrôleur crédit peut modifier Assuré (nouvelle facture de "
            "%s) par rapport à sa valeur par défaut, assurée. Adressez-vous à un "
            "membre du groupe Contrôleur crédit (" % self.customer.name,
            message,
        )
        self.assertIn(self.controller.name, message)

    def test_released_order_deletion_rejected_in_french(self):
        order = self.blocked_order()
        order.sudo(self.controller).credit_release("Guarantee received")
        order.action_cancel()
        self.salesperson.write(
            {"groups_id": [(4, self.env.ref("sales_team.group_sale_manager").id)]}
        )
        with self.assertRaises(UserError) as caught:
            self.as_french(order, self.salesperson).unlink()
        self.assertEqual(
            caught.exception.name,
            "Le bon de commande %s ne peut pas être supprimé, car le journal des "
            "déblocages crédit enregistre son déblocage. Ce journal est une piste "
            "d'audit que seul le superutilisateur peut supprimer. Laissez plutôt "
            "la commande annulée." % order.name,
        )
