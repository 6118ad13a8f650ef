"""Which customer a document counts for, in which currency, against which ceiling."""

from .test_exposure_cases import ExposureScenarioCase

# 1 company currency = 2 EUR, then 4 EUR: a document of 1,100 EUR counts 550,
# then 275 in company currency.
FOREIGN_CURRENCY_CASES = [
    ("confirm", None, 550.0, 0.0),
    ("set_rate", 4.0, 275.0, 0.0),
    ("deliver", 10.0, 275.0, 0.0),
    ("invoice", None, 0.0, 275.0),
    ("post", None, 0.0, 275.0),
    ("pay", 440.0, 0.0, 165.0),
    ("set_rate", 2.0, 0.0, 330.0),
    ("pay_unapplied", 100.0, 0.0, 230.0, 0.0, 330.0),
]

# A contact's documents count for its company, also once it is archived.
ARCHIVED_CONTACT_CASES = [
    ("confirm", None, 1100.0, 0.0),
    ("deliver", 4.0, 1100.0, 0.0),
    ("invoice", None, 660.0, 440.0),
    ("post", None, 660.0, 440.0),
    ("archive_contact", None, 660.0, 440.0),
    ("manual_entry_contact", 200.0, 660.0, 640.0, 660.0, 440.0),
    ("pay", 40.0, 660.0, 600.0, 660.0, 400.0),
]


class TestExposureScope(ExposureScenarioCase):
    @classmethod
    def setUpClass(cls):
        super(TestExposureScope, cls).setUpClass()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Credit Other Customer", "is_company": True, "customer": True}
        )
        cls._setup_foreign_currency()

    def _step_set_rate(self, rate):
        self.set_rate(self.foreign, rate)

    def _step_archive_contact(self, argument):
        self.contact.active = False

    def _step_manual_entry_contact(self, amount):
        self.create_manual_entry(self.contact, amount)

    def test_foreign_currency_at_today_rate(self):
        self.set_rate(self.currency, 1.0)
        self.set_rate(self.foreign, 2.0)
        order = self.create_order(quantity=10)
        order.write({"pricelist_id": self.foreign_pricelist.id})
        self.assertEqual(order.currency_id, self.foreign)
        self.run_case(order, FOREIGN_CURRENCY_CASES)

    def test_archived_contact_counts_for_company(self):
        order = self.create_order(partner=self.contact, quantity=10)
        self.run_case(order, ARCHIVED_CONTACT_CASES)
        self.assertFiguresAfter(
            "archived contact", self.contact, 660.0, 600.0, 660.0, 400.0
        )

    def test_invoice_address_decides_customer(self):
        order = self.create_order(partner=self.contact, quantity=10)
        order.partner_invoice_id = self.other_customer
        order.action_confirm()
        self.assertFiguresAfter("ordering customer", self.customer, 0.0, 0.0)
        self.assertFiguresAfter("invoiced customer", self.other_customer, 1100.0, 0.0)

    def test_manual_invoice_of_contact(self):
        self.create_manual_invoice(self.contact, 330.0)
        self.assertFiguresAfter("manual invoice", self.customer, 0.0, 330.0)

    def test_ceiling_compared_after_rounding(self):
        # 1,100 EUR at 2.999973 EUR per unit is 366.670633: 366.67 once rounded.
        self.set_rate(self.currency, 1.0)
        self.set_rate(self.foreign, 2.999973)
        order = self.create_order(quantity=10)
        order.write({"pricelist_id": self.foreign_pricelist.id})
        order.action_confirm()
        self.assertFiguresAfter("confirm", self.customer, 366.67, 0.0)
        figures = self.env["credit.exposure"].compute_figures(self.customer)
        for ceiling, exceeded in ((366.67, False), (366.66, True)):
            self.set_ceilings(self.customer, management=ceiling)
            decision = self.customer._credit_decide(
                figures[self.customer.id], self.company
            )
            self.assertEqual(decision.exceeded, exceeded, msg="ceiling %s" % ceiling)

    def test_person_joining_company_brings_documents(self):
        person = self.env["res.partner"].create({"name": "Credit Person"})
        order = self.create_order(partner=person, quantity=10)
        order.action_confirm()
        self.create_manual_invoice(person, 330.0)
        person.parent_id = self.customer
        self.assertFiguresAfter("company", self.customer, 1100.0, 330.0)
        self.assertFiguresAfter("person", person, 1100.0, 330.0)
