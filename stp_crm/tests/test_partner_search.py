import re
from unittest.mock import patch

from odoo.modules.db import FunctionStatus
from odoo.modules.registry import _unaccent
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import make_index_name

from ..models.res_partner import TRIGRAM_FIELDS, TRIGRAM_PENDING_LIST_KB
from .common import StpCrmXmlRpcMixin

PHONE_FORMATS = ("0912 345 678", "+84912345678", "84-912-345-678", "0912.345.678", "(+84) 912 345 678")


def trigram_indexes(env):
    """{field: index definition} of the partners' trigram indexes."""
    env.cr.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner' AND indexdef LIKE %s", ["%gin_trgm_ops%"]
    )
    definitions = [row[0] for row in env.cr.fetchall()]
    return {
        fname: definition
        for fname in TRIGRAM_FIELDS
        for definition in definitions
        if re.search(rf"\b{fname}\b", definition.split("USING gin", 1)[1])
    }


@tagged("post_install", "-at_install")
class TestPartnerSearch(TransactionCase):
    """Customers found by part of their name with or without diacritics, email, reference,
    tax code and phone number in any format, in a many2one and in the partner list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vietnam = cls.env.ref("base.vn")
        cls.env.company.country_id = cls.vietnam
        cls.user = new_test_user(cls.env, "stp_search_user", groups="base.group_user")
        partners = cls.env["res.partner"]
        # Shaped like production: a country on some, none on others, no email, a second company's.
        cls.an = partners.create({"name": "Nguyễn Văn An", "phone": "0912 345 678", "country_id": cls.vietnam.id})
        cls.binh = partners.create({"name": "Trần Thị Bình", "mobile": "+84 987 654 321"})
        cls.company = partners.create(
            {"name": "Công ty Cổ phần Đồng Tâm", "is_company": True, "vat": "0301234567", "email": "ketoan@dongtam.vn"}
        )
        other_company = cls.env["res.company"].create({"name": "Công ty thứ hai", "country_id": cls.vietnam.id})
        cls.other = partners.create({"name": "Lê Văn Cường", "phone": "028 3822 1234", "company_id": other_company.id})

    def _found(self, name, user=None):
        partners = self.env["res.partner"].with_user(user or self.env.user)
        return {partner_id for partner_id, _name in partners.name_search(name, limit=20)}

    def _listed(self, domain, user=None):
        return set(self.env["res.partner"].with_user(user or self.env.user).search(domain).ids)

    # Indexes

    def test_trigram_indexes_exist_after_install(self):
        indexes = trigram_indexes(self.env)
        self.assertEqual(set(indexes), set(TRIGRAM_FIELDS))
        indexable = self.registry.has_unaccent == FunctionStatus.INDEXABLE
        for fname, definition in indexes.items():
            self.assertIn("USING gin", definition, fname)
            self.assertIn(f"gin_pending_list_limit='{TRIGRAM_PENDING_LIST_KB}'", definition, fname)
            self.assertEqual("unaccent" in definition, indexable, definition)
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [make_index_name("res_partner", "phone_sanitized")]
        )
        self.assertIn("(phone_sanitized)", self.env.cr.fetchone()[0])
        # base's btree under complete_name stays: the partner list's order reads it.
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [make_index_name("res_partner", "complete_name")]
        )
        self.assertIn("btree", self.env.cr.fetchone()[0])

    def test_indexes_made_again_at_upgrade(self):
        """An upgrade (``init``) brings back a missing index, and makes again the ones made
        before ``unaccent`` was enabled or after it was dropped."""
        partners = self.env["res.partner"]
        self.env.cr.execute(f"DROP INDEX {partners._stp_trigram_index_name('complete_name')}")
        self.assertNotIn("complete_name", trigram_indexes(self.env))
        partners.init()
        self.registry.check_indexes(self.env.cr, ["res.partner"])
        self.assertEqual(set(trigram_indexes(self.env)), set(TRIGRAM_FIELDS))

        actual = self.registry.has_unaccent
        other = FunctionStatus.MISSING if actual == FunctionStatus.INDEXABLE else FunctionStatus.INDEXABLE
        if other == FunctionStatus.INDEXABLE and not actual:
            return  # without the extension, an index with unaccent() cannot be made; the other way is tested
        with patch.object(self.registry, "has_unaccent", other):
            partners.init()
            self.registry.check_indexes(self.env.cr, ["res.partner"])
        indexes = trigram_indexes(self.env)
        self.assertEqual(set(indexes), set(TRIGRAM_FIELDS))
        self.assertTrue(all(("unaccent" in definition) == bool(other) for definition in indexes.values()), indexes)

    def test_every_index_made_again_by_an_upgrade(self):
        """``-u stp_crm`` runs ``registry.init_models`` on the module's models (``_auto_init``,
        ``init``, ``check_indexes``): every search index dropped since is made again, the same."""
        phone_index = make_index_name("res_partner", "phone_sanitized")

        def indexes():
            ours = set(trigram_indexes(self.env).values())
            self.env.cr.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'res_partner'"
                " AND (indexdef LIKE %s OR indexname = %s)",
                ["%gin_trgm_ops%", phone_index],
            )
            return {
                name: definition
                for name, definition in self.env.cr.fetchall()
                if name == phone_index or definition in ours
            }

        installed = indexes()
        self.assertEqual(len(installed), len(TRIGRAM_FIELDS) + 1, installed)
        for name in installed:
            self.env.cr.execute(f'DROP INDEX "{name}"')  # noqa: S608 - names read from pg_indexes
        self.assertFalse(indexes())
        self.registry.init_models(self.env.cr, ["res.partner"], {"module": "stp_crm"}, install=False)
        self.assertEqual(indexes(), installed)

    # Diacritics

    def test_search_without_diacritics(self):
        if self.registry.has_unaccent:
            for typed, found in (("nguyen van an", self.an), ("NGUYEN VAN", self.an), ("Nguyễn Văn An", self.an),
                                 ("Nguyen Văn An", self.an), ("dong tam", self.company)):  # fmt: skip
                self.assertIn(found.id, self._found(typed, self.user), typed)
                self.assertIn(found.id, self._listed([("display_name", "ilike", typed)], self.user), typed)
        else:
            # Without the extension (a database made without --unaccent), the search is Odoo's:
            # with the diacritics typed it finds, and with unaccent() present it would wrap both sides.
            self.assertIn(self.an.id, self._found("Nguyễn Văn", self.user))
            self.assertNotIn(self.an.id, self._found("nguyen van an", self.user))
            with patch.object(self.registry, "unaccent", _unaccent):
                query = self.env["res.partner"]._search([("display_name", "ilike", "nguyen van an")])
                code = query.select().code
            for fname in TRIGRAM_FIELDS:
                self.assertIn(f'unaccent("res_partner"."{fname}")', code)

    def test_search_by_email_reference_and_tax_code(self):
        self.assertIn(self.company.id, self._found("dongtam.vn", self.user))
        self.assertIn(self.company.id, self._found("0301234", self.user))
        self.assertIn(self.company.id, self._listed([("display_name", "ilike", "ketoan@")], self.user))

    # Phone numbers

    def test_phone_in_any_format_in_a_many2one_and_the_list(self):
        for typed in PHONE_FORMATS:
            self.assertEqual(self._found(typed, self.user) & {self.an.id, self.binh.id}, {self.an.id}, typed)
            self.assertIn(self.an.id, self._listed([("phone_mobile_search", "ilike", typed)], self.user), typed)
            self.assertIn(self.an.id, self._listed([("display_name", "ilike", typed)], self.user), typed)
        # A mobile stored in international form, a customer without country (the company's).
        for typed in ("0987 654 321", "84987654321", "+84-987-654-321"):
            self.assertIn(self.binh.id, self._found(typed, self.user), typed)
        self.assertEqual(self.binh.phone_sanitized, "+84987654321")

    def test_phone_search_keeps_to_the_users_companies(self):
        self.assertNotIn(self.other.id, self._found("028 3822 1234", self.user))
        self.assertIn(self.other.id, self._found("028 3822 1234"))  # as the admin of both companies

    def test_not_a_phone_number(self):
        partners = self.env["res.partner"]
        self.assertFalse(partners._stp_phone_e164("345 678"))  # too few digits: part of a reference
        self.assertFalse(partners._stp_phone_e164("Nguyễn 0912345678"))
        self.assertFalse(partners._stp_phone_e164(False))
        self.assertEqual(partners._stp_phone_e164("84-912-345-678"), "+84912345678")
        # A negative search is Odoo's alone.
        self.assertNotIn(self.an.id, self._listed([("display_name", "not ilike", "Nguyễn Văn An")]))

    def test_name_search_queries_do_not_grow_with_the_partners(self):
        partners = self.env["res.partner"].with_user(self.user)

        def check():
            self.env.invalidate_all()
            partners.name_search("nguyen")  # warm the caches (rules, companies, fields)
            partners.name_search("0912 345 678")
            with self.assertQueryCount(1):
                partners.name_search("nguyen")
            with self.assertQueryCount(2):  # the numbers as typed (phone_mobile_search), then the search
                partners.name_search("0912 345 678")

        check()
        self.env["res.partner"].create(
            [{"name": f"Nguyễn Khách {index}", "phone": f"0912 000 {index:03d}"} for index in range(30)]
        )
        check()


@tagged("post_install", "-at_install")
class TestPartnerSearchXmlRpc(StpCrmXmlRpcMixin, HttpCase):
    """An integrator looks a customer up by phone and without diacritics on a live server,
    as an internal user without CRM rights."""

    def test_name_search_by_phone_over_xmlrpc(self):
        self.env.company.country_id = self.env.ref("base.vn")
        new_test_user(self.env, "stp_search_rpc", groups="base.group_user")
        partner = self.env["res.partner"].create({"name": "Phạm Thị Dung", "mobile": "0903 111 222"})
        call = self._login("stp_search_rpc")
        for typed in ("0903 111 222", "+84903111222", "84-903-111-222"):
            self.assertEqual([row[0] for row in call("res.partner", "name_search", typed)], partner.ids, typed)
        typed = "pham thi dung" if self.registry.has_unaccent else "Phạm Thị Dung"
        self.assertEqual(call("res.partner", "search", [("display_name", "ilike", typed)]), partner.ids)
