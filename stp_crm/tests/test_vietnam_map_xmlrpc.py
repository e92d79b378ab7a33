import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestVietnamMapXmlRpc(HttpCase):
    """An integrator on a live server: the 34 provinces, a ward by its code, and moving
    contacts to the 2025 map as a partner manager (no CRM or admin rights)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, "stp_map_rpc", groups="base.group_user,base.group_partner_manager")
        vietnam = cls.env.ref("base.vn")
        cls.partners = cls.env["res.partner"].create(
            [
                {"name": "Khách Hà Giang", "country_id": vietnam.id, "state_id": cls.env.ref("base.state_vn_VN-03").id,
                 "city": "Xã Lũng Cú, H. Đồng Văn"},
                {"name": "Khách lạ", "country_id": vietnam.id, "state_id": cls.env.ref("base.state_vn_VN-57").id,
                 "city": "Khu chưa rõ"},
            ]
        )  # fmt: skip

    def test_provinces_wards_and_move(self):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, "stp_map_rpc", "stp_map_rpc", {})
        self.assertTrue(uid)

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, uid, "stp_map_rpc", model, method, list(args), kwargs
            )

        offered = call("res.country.state", "name_search", "", [("country_id.code", "=", "VN")], limit=100)
        self.assertEqual(len(offered), 34)
        merged = call("res.country.state", "search_count", [("stp_merged_into_id", "!=", False)])
        self.assertEqual(merged, 29)
        [lung_cu] = call("res.city", "search_read", [("stp_code", "=", "00715")], fields=["name", "state_id"])
        self.assertEqual(lung_cu["name"], "Xã Lũng Cú")

        result = call("res.partner", "action_stp_update_address_2025", self.partners.ids)
        self.assertEqual(result["params"]["type"], "warning")
        rows = call(
            "res.partner", "read", self.partners.ids, fields=["state_id", "city_id", "city", "stp_address_to_check"]
        )
        tuyen_quang = self.env.ref("base.state_vn_VN-07").id
        self.assertEqual(
            [(row["state_id"][0], row["city_id"] and row["city_id"][0], row["stp_address_to_check"]) for row in rows],
            [(tuyen_quang, lung_cu["id"], False), (self.env.ref("base.state_vn_VN-SG").id, False, True)],
        )
        self.assertEqual(rows[1]["city"], "Khu chưa rõ")
        # A second run changes nothing.
        call("res.partner", "action_stp_update_address_2025", self.partners.ids)
        self.assertEqual(
            call(
                "res.partner", "read", self.partners.ids, fields=["state_id", "city_id", "city", "stp_address_to_check"]
            ),
            rows,
        )
        # What the move keeps is the system's: a contact editor cannot write it, context or not.
        for field, value in (("stp_address_before_2025", "Bịa"), ("stp_state_before_2025_id", tuyen_quang)):
            with self.assertRaisesRegex(xmlrpc.client.Fault, "set by the system"):
                call("res.partner", "write", self.partners.ids, {field: value}, context={"stp_system_write": True})
        [row] = call("res.partner", "read", self.partners[:1].ids, fields=["stp_current_state_id"])
        self.assertEqual(row["stp_current_state_id"][0], tuyen_quang)
