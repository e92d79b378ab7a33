from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from odoo.addons.base.controllers.rpc import RPC_FAULT_CODE_ACCESS_ERROR, RPC_FAULT_CODE_WARNING

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin, freeze_now, freeze_test_clock

NOW = "2026-11-20 09:00:00"

# Read-only in a form, yet writable over RPC by some users, and why. Nothing else may be.
ALLOWED = {
    # Read-only for CRM users in the contact form; a second node lets managers change
    # them (the tier set by hand overrides the computed one): res.partner refuses others.
    ("res.partner", "stp_tier"): "stp_manager admin",
    ("res.partner", "stp_tier_locked"): "stp_manager admin",
}
# The fields of issue 21: refused by the guard itself (not only by an access right).
SYSTEM_FIELDS = {
    "stp.crm.campaign.line": ("date_sent", "picking_id"),
    "stp.crm.contract": ("previous_contract_id", "number", "commercial_partner_id"),
    "stp.crm.work.plan": ("stp_dunning_open",),
    "stp.crm.ticket": (
        "resolution_hours",
        "sla_success_rate",
        "sla_success",
        "sla_final_state",
        "closed_count",
        "date_last_stage_update",
    ),
}
GUARD_TEXTS = ("set by the system", "changes only through", "cannot change")
USERS = ("admin", "stp_manager", "crm_only")
SKIPPED_TYPES = ("one2many", "many2many", "binary", "properties", "properties_definition", "json", "reference")


@tagged("post_install", "-at_install")
class TestReadonlyFieldsXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """Every stored field of an stp.* model declared read-only (or always read-only in its
    form), and our stp_ fields on res.partner, is refused over XML-RPC to every user who is
    not the superuser, admin included, on an existing record: an error, the value unchanged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.env.ref("base.user_admin").write({"password": "admin", "company_ids": [(4, cls.env.company.id)]})
        with freeze_now(cls.env, NOW):
            cls.records = cls._make_records()

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, NOW)

    @classmethod
    def _make_records(cls):
        env = cls.env
        customer = env["res.partner"].create({"name": "Công ty Chỉ Đọc", "is_company": True})
        product = env["product.product"].create({"name": "Máy nén chỉ đọc", "list_price": 10.0, "taxes_id": []})
        contract = env["stp.crm.contract"].create(
            {
                "name": "Hợp đồng chỉ đọc",
                "partner_id": customer.id,
                "user_id": cls.crm_only.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "line_ids": [(0, 0, {"product_id": product.id, "quantity": 1, "price_unit": 10.0})],
            }
        )
        contract.action_confirm()
        campaign = env["stp.crm.campaign"].create({"name": "Tri ân chỉ đọc", "occasion": "tet"})
        line = env["stp.crm.campaign.line"].create({"campaign_id": campaign.id, "partner_id": customer.id})
        team = env["stp.crm.ticket.team"].create(
            {"name": "Đội chỉ đọc", "member_ids": [(6, 0, cls.crm_only.ids)], "resource_calendar_id": False}
        )
        closed = env["stp.crm.ticket.stage"].search([("is_closed", "=", True)], limit=1)
        ticket = env["stp.crm.ticket"].create(
            {"name": "Phiếu chỉ đọc", "partner_id": customer.id, "team_id": team.id, "user_id": cls.crm_only.id}
        )
        ticket.stage_id = closed
        lead = env["crm.lead"].create({"name": "Cơ hội chỉ đọc", "type": "opportunity", "user_id": cls.crm_only.id})
        zalo_account = env["stp.crm.zalo.account"].create({"name": "OA chỉ đọc", "oa_id": "oa-ro", "app_id": "app-ro"})
        zalo_template = env["stp.crm.zalo.template"].create(
            {"account_id": zalo_account.id, "name": "Mẫu chỉ đọc", "zalo_template_id": "t-ro", "state": "enabled"}
        )
        records = [
            customer,
            contract,
            contract.line_ids,
            campaign,
            line,
            team,
            ticket,
            env["stp.crm.work.plan"].create({"name": "Kế hoạch chỉ đọc", "user_id": cls.crm_only.id}),
            env["stp.crm.installed.product"].create({"partner_id": customer.id, "product_id": product.id}),
            env["stp.crm.investment"].create(
                {"name": "Đầu tư chỉ đọc", "amount": 1000.0, "date": "2026-11-01", "category": "project_setup"}
            ),
            env["stp.crm.job.skip"].create(
                {
                    "name": customer.display_name,
                    "job": "_cron_stp_ltv",
                    "res_model": "res.partner",
                    "res_id": customer.id,
                    "date_first": NOW,
                    "date_last": NOW,
                }
            ),
            env["stp.crm.forecast.snapshot"].create(
                {"date": "2026-11-16", "lead_id": lead.id, "category": "pipeline", "company_id": env.company.id}
            ),
            env["stp.crm.consent"].create({"partner_id": customer.id, "channel": "sms"}),
            env["stp.crm.privacy.request"].create({"partner_id": customer.id, "request_type": "access"}),
            zalo_account,
            zalo_template,
            zalo_template._stp_queue_for(customer, "id"),
        ]
        return {record._name: record for record in records}

    # ------------------------------------------------------------------
    # The fields to try
    # ------------------------------------------------------------------
    def _form_readonly(self, model):
        """Fields always read-only (``readonly="1"``, no condition) in the model's forms."""
        names = set()
        views = self.env["ir.ui.view"].search([("model", "=", model), ("type", "=", "form"), ("mode", "=", "primary")])
        for view in views:
            for node in view._get_combined_arch().iter("field"):
                if node.get("readonly") in ("1", "True") and not node.xpath("ancestor::field"):
                    names.add(node.get("name"))
        return names

    def _candidates(self, model):
        Model = self.env[model]
        own = model.startswith("stp.")
        readonly = {
            name
            for name, description in Model.fields_get(attributes=["readonly", "store"]).items()
            if description["readonly"] and description["store"]
        }
        return sorted(
            name
            for name in readonly | self._form_readonly(model)
            if name in Model._fields
            and Model._fields[name].store
            and Model._fields[name].type not in SKIPPED_TYPES
            and name not in ("id", "create_uid", "create_date", "write_uid", "write_date", "display_name")
            and (own or name.startswith("stp_"))
        )

    def _other_value(self, record, name):
        field = record._fields[name]
        current = record[name]
        if field.type in ("char", "text", "html"):
            return "forged"
        if field.type in ("integer", "float", "monetary", "many2one_reference"):
            return (current or 0) + 7
        if field.type == "boolean":
            return not current
        if field.type == "date":
            return "2001-02-03"
        if field.type == "datetime":
            return "2001-02-03 04:05:06"
        if field.type == "selection":
            values = [key for key, _label in field._description_selection(self.env)]
            return next(value for value in values if value != current)
        other = self.env[field.comodel_name].with_context(active_test=False).search([("id", "!=", current.id)], limit=1)
        return other.id

    # ------------------------------------------------------------------
    # The walk
    # ------------------------------------------------------------------
    def test_readonly_fields_are_refused_over_rpc(self):
        models = sorted(
            name
            for name, model in self.env.registry.items()
            if (name.startswith("stp.") and model._auto and not model._abstract and not model._transient)
        ) + ["res.partner"]
        calls = {login: self._login(login) for login in USERS}
        guarded, tried = set(), 0
        for model in models:
            candidates = self._candidates(model)
            if not candidates:
                continue
            record = self.records.get(model)
            self.assertTrue(record, f"{model} has read-only fields {candidates}: give the test a record of it")
            for name in candidates:
                before = record[name]
                value = self._other_value(record, name)
                for login, call in calls.items():
                    if login in ALLOWED.get((model, name), ""):
                        continue
                    tried += 1
                    with self.subTest(model=model, field=name, user=login):
                        with self.assertRaises(Fault, msg=f"{login} wrote {model}.{name}") as caught:
                            call(model, "write", [record.id], {name: value})
                        record.invalidate_recordset()
                        self.assertEqual(record[name], before, "nothing was written")
                        fault = caught.exception
                        by_guard = any(text in fault.faultString for text in GUARD_TEXTS)
                        # refused for being read-only or out of the user's reach, not for a bad value
                        self.assertIn(
                            fault.faultCode, (RPC_FAULT_CODE_WARNING, RPC_FAULT_CODE_ACCESS_ERROR), fault.faultString
                        )
                        self.assertTrue(by_guard or fault.faultCode == RPC_FAULT_CODE_ACCESS_ERROR, fault.faultString)
                        if by_guard:
                            guarded.add((model, name, login))
        self.assertGreater(tried, 100)
        for model, names in SYSTEM_FIELDS.items():
            for name in names:
                self.assertIn((model, name, "admin"), guarded, f"{model}.{name}: refused by the guard")

    def test_allowed_fields_are_those_listed(self):
        """The allow-list holds no stale entry: each is read-only in a form and writable."""
        call = self._login("admin")
        partner = self.records["res.partner"]
        for model, name in ALLOWED:
            self.assertIn(name, self._candidates(model))
        call("res.partner", "write", [partner.id], {"stp_tier": "a", "stp_tier_locked": True})
        self.assertEqual((partner.stp_tier, partner.stp_tier_locked), ("a", True))

    def test_private_path_cannot_come_over_rpc(self):
        call = self._login("admin")
        plan = self.records["stp.crm.work.plan"]
        for context in ({"stp_system_write": True}, {"stp_system_write": "1"}):
            with self.assertRaises(Fault) as caught:
                call("stp.crm.work.plan", "write", [plan.id], {"stp_dunning_open": True}, context=context)
            self.assertIn("set by the system", caught.exception.faultString)
        with self.assertRaises(Fault) as caught:
            call("stp.crm.work.plan", "write", [plan.id], {"state": "done"}, context={"stp_system_write": True})
        self.assertIn("changes only through its actions", caught.exception.faultString)
        call("stp.crm.work.plan", "action_mark_done", [plan.id])
        self.assertEqual(plan.state, "done")
        self.assertFalse(plan.stp_dunning_open)
