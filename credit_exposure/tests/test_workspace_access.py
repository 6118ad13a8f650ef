from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from .common import CreditExposureCase

# Actions of Sales > Credit Control, with the view types each opens.
WORKSPACE_ACTIONS = {
    "credit_exposure.credit_blocked_order_action": ["tree", "kanban", "form", "pivot"],
    "credit_exposure.credit_customer_exposure_action_at_risk": [
        "tree",
        "kanban",
        "form",
    ],
    "credit_exposure.credit_customer_exposure_action_no_ceiling": ["tree", "form"],
    "credit_exposure.credit_exposure_analysis_action": ["pivot", "graph"],
    "credit_exposure.credit_exposure_history_action": ["graph", "pivot", "tree"],
    "credit_exposure.credit_key_figure_action": ["tree", "graph"],
    "credit_exposure.credit_payment_delay_action": ["tree"],
}

WORKSPACE_MENUS = [
    "credit_exposure.credit_blocked_order_menu",
    "credit_exposure.credit_customer_exposure_menu_at_risk",
    "credit_exposure.credit_customer_exposure_menu_no_ceiling",
    "credit_exposure.credit_exposure_analysis_menu",
    "credit_exposure.credit_exposure_history_menu",
    "credit_exposure.credit_key_figure_menu",
    "credit_exposure.credit_payment_delay_menu",
]


class TestWorkspaceAccess(CreditExposureCase):
    def test_actions_load_for_controller(self):
        for xmlid, view_types in WORKSPACE_ACTIONS.items():
            action = self.env.ref(xmlid)
            model = self.env[action.res_model].sudo(self.controller)
            views = model.load_views([(False, view_type) for view_type in view_types])
            for view_type in view_types:
                self.assertIn(view_type, views["fields_views"], msg=xmlid)
            domain = safe_eval(action.domain or "[]")
            model.search_read(domain, limit=80)
            model.read_group(domain, ["company_id"], ["company_id"])

    def test_actions_restricted_to_controllers(self):
        group = self.env.ref("credit_exposure.group_credit_controller")
        for xmlid in WORKSPACE_ACTIONS:
            self.assertEqual(self.env.ref(xmlid).groups_id, group, msg=xmlid)

    def test_salesperson_reads_no_report(self):
        for xmlid in WORKSPACE_ACTIONS:
            model_name = self.env.ref(xmlid).res_model
            model = self.env[model_name].sudo(self.salesperson)
            with self.assertRaises(AccessError, msg=model_name):
                model.check_access_rights("read")
            with self.assertRaises(AccessError, msg=model_name):
                model.search([])

    def test_menus_visible_to_controller_only(self):
        Menu = self.env["ir.ui.menu"]
        controller_menus = Menu.sudo(self.controller)._visible_menu_ids()
        salesperson_menus = Menu.sudo(self.salesperson)._visible_menu_ids()
        for xmlid in WORKSPACE_MENUS:
            menu = self.env.ref(xmlid)
            self.assertIn(menu.id, controller_menus, msg=xmlid)
            self.assertNotIn(menu.id, salesperson_menus, msg=xmlid)

    def test_salesperson_snapshot_refused(self):
        with self.assertRaises(AccessError):
            self.env["credit.exposure.history"].sudo(
                self.salesperson
            )._credit_snapshot()

    def test_salesperson_release_action_refused(self):
        with self.assertRaises(AccessError):
            self.env["credit.blocked.order"].sudo(self.salesperson).action_release()

    def test_order_search_has_blocked_filter(self):
        arch = (
            self.env["sale.order"]
            .sudo(self.salesperson)
            .fields_view_get(view_type="search")["arch"]
        )
        self.assertIn('name="credit_blocked"', arch)
