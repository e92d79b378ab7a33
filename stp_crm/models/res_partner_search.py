import re

from odoo import api, fields, models
from odoo.modules.db import FunctionStatus
from odoo.osv import expression
from odoo.tools import SQL, create_index, make_index_name

# The fields a partner is found by, in a many2one (``_rec_names_search``) and in the
# partner list's search (its "name" field): a trigram index each, so that a search on
# part of them (``ilike '%...%'``) reads the index instead of the whole table.
TRIGRAM_FIELDS = ("complete_name", "email", "ref", "vat", "company_registry")
# What a phone number typed in a search may look like: digits and separators, with
# at least PHONE_MIN_DIGITS digits (fewer is a part of a name, a reference, a tax code).
PHONE_LIKE = re.compile(r"^[+\d\s().\-/]+$")
PHONE_MIN_DIGITS = 8


class ResPartner(models.Model):
    """Customers found at scale: by part of the name, email, reference or tax code with
    or without diacritics (PostgreSQL's ``unaccent``, Odoo's ``--unaccent``), and by
    phone in any format (``0912 345 678``, ``+84912345678``, ``84-912-345-678``)."""

    _inherit = "res.partner"

    complete_name = fields.Char(index="trigram")
    email = fields.Char(index="trigram")
    ref = fields.Char(index="trigram")
    vat = fields.Char(index="trigram")
    company_registry = fields.Char(index="trigram")
    # phone_validation's E.164 form of the partner's number (mobile, else phone).
    phone_sanitized = fields.Char(index="btree_not_null")

    def init(self):
        """The trigram indexes of TRIGRAM_FIELDS. Odoo creates an index under the
        field's own name only when there is none: where base already made a btree
        under it (``complete_name``, ``ref``, ``vat``: the partner list's order and
        equality), the trigram index is added beside it; an index made before
        ``unaccent`` was enabled (or after it was dropped) is made again."""
        super().init()
        registry = self.env.registry
        if not registry.has_trigram:
            return
        indexable_unaccent = registry.has_unaccent == FunctionStatus.INDEXABLE
        cr = self.env.cr
        for fname in TRIGRAM_FIELDS:
            own_name = make_index_name(self._table, fname)
            extra_name = self._stp_trigram_index_name(fname)
            cr.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname IN %s",
                [self._table, (own_name, extra_name)],
            )
            existing = dict(cr.fetchall())
            for name, definition in list(existing.items()):
                if "gin_trgm_ops" in definition and ("unaccent" in definition) != indexable_unaccent:
                    cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
                    del existing[name]
            if own_name in existing and "gin_trgm_ops" not in existing[own_name] and extra_name not in existing:
                column = f'"{fname}"'
                create_index(
                    cr,
                    extra_name,
                    self._table,
                    [f"{registry.unaccent(column) if indexable_unaccent else column} gin_trgm_ops"],
                    method="gin",
                )

    @api.model
    def _stp_trigram_index_name(self, fname):
        return f"{self._table}__{fname}_stp_trgm_index"

    # ------------------------------------------------------------------
    # Phone numbers in any format
    # ------------------------------------------------------------------
    @api.model
    def _stp_phone_e164(self, value):
        """``value`` as an E.164 number when it reads as a phone number, in the
        company's country (Vietnam without one), else False."""
        if not isinstance(value, str) or not PHONE_LIKE.match(value.strip()):
            return False
        if sum(char.isdigit() for char in value) < PHONE_MIN_DIGITS:
            return False
        country = self.env.company.country_id or self.env.ref("base.vn", raise_if_not_found=False)
        if not country:
            return False
        return self._phone_format_number(value.strip(), country, force_format="E164") or False

    @api.model
    def _stp_phone_domain(self, value):
        """The partners whose number is ``value`` in any format, as a domain ([] if
        ``value`` is no phone number): the search of the "Phone/Mobile" field below."""
        e164 = self._stp_phone_e164(value)
        return [("phone_mobile_search", "=", e164)] if e164 else []

    def _search_display_name(self, operator, value):
        """A many2one (``name_search``) and the partner list's search also find a
        partner by phone number, typed in any format."""
        domain = super()._search_display_name(operator, value)
        if operator in ("ilike", "like", "=ilike", "=like", "="):
            phone_domain = self._stp_phone_domain(value)
            if phone_domain:
                domain = expression.OR([domain, phone_domain])
        return domain

    def _search_phone_mobile_search(self, operator, value):
        """The "Phone/Mobile" search of the partner list (``sms``) finds a number in
        any format too: the typed number in E.164 against the sanitized one."""
        domain = super()._search_phone_mobile_search(operator, value)
        if operator not in expression.NEGATIVE_TERM_OPERATORS:
            e164 = self._stp_phone_e164(value)
            if e164:
                domain = expression.OR([domain, [("phone_sanitized", "=", e164)]])
        return domain
