import itertools
import logging
import time

from psycopg2.extras import execute_values

from odoo import models, tools
from odoo.tools import SQL

from .tools import compute, randomize

_logger = logging.getLogger(__name__)
# Size "huge": rows written by one INSERT of the SQL fast path (_populate_insert).
INSERT_BATCH = 10_000

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE_NAMES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Gia"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hùng",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
]
COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Công ty TNHH MTV"]
TRADES = ["Cơ khí", "Thực phẩm", "Dệt may", "Xây dựng", "Nhựa", "Điện tử", "Bao bì", "Thủy sản", "Gỗ", "Dược phẩm"]
BRAND_WORDS = ["Phú Thịnh", "Hòa Phát", "Minh Long", "Thành Công", "Đại Việt", "Sao Mai", "Tân Tiến", "An Khang"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ"]
# The provinces where most customers are, weighted; the states come with base (res.country.state).
PROVINCES = {
    "base.state_vn_VN-SG": 30,
    "base.state_vn_VN-HN": 25,
    "base.state_vn_VN-57": 8,
    "base.state_vn_VN-39": 8,
    "base.state_vn_VN-DN": 6,
    "base.state_vn_VN-HP": 6,
    "base.state_vn_VN-CT": 4,
    "base.state_vn_VN-43": 4,
    "base.state_vn_VN-56": 3,
    "base.state_vn_VN-44": 3,
    "base.state_vn_VN-31": 3,
}


def person_name(random):
    return f"{random.choice(FAMILY_NAMES)} {random.choice(MIDDLE_NAMES)} {random.choice(GIVEN_NAMES)}"


class ResPartner(models.Model):
    """Populate factories only (``odoo-bin populate``), kept in populate/ as Odoo's base does:
    not a feature of the contacts, so not merged into models/res_partner.py."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    _populate_sizes = {"small": 50, "medium": 2_000, "large": 100_000, "huge": 500_000}

    def _populate_factories(self):
        states = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in PROVINCES]
        weights = [weight for state, weight in zip(states, PROVINCES.values(), strict=True) if state]
        state_ids = [state.id for state in states if state]
        vietnam = self.env.ref("base.vn")

        def name(values, counter, random):
            if values["is_company"]:
                trade, brand = random.choice(TRADES), random.choice(BRAND_WORDS)
                return f"{random.choice(COMPANY_FORMS)} {trade} {brand} {counter + 1}"
            return person_name(random)

        def email(values, counter, random):
            return f"lienhe{counter + 1}@{random.choice(['gmail.com', 'vnn.vn', 'fpt.vn', 'viettel.vn'])}"

        return [
            ("is_company", randomize([True, False], [4, 1])),
            ("name", compute(name)),
            ("country_id", compute(lambda **kwargs: vietnam.id)),
            ("state_id", randomize(state_ids, weights)),
            ("street", compute(lambda random, **kwargs: f"{random.randint(1, 399)} {random.choice(STREETS)}")),
            (
                "phone",
                compute(lambda random, **kwargs: f"+84 9{random.randint(0, 9)} {random.randint(1_000_000, 9_999_999)}"),
            ),
            ("email", compute(email)),
            ("customer_rank", compute(lambda **kwargs: 1)),
            ("stp_classification", randomize(["customer", "prospect", "distributor", "partner"], [6, 3, 1, 1])),
            ("stp_potential", randomize(["high", "medium", "low"], [1, 3, 2])),
            ("stp_development_trend", randomize(["growing", "stable", "declining"], [3, 5, 2])),
            # Tiers come from invoices; a few are set and locked by hand, as sales managers do.
            ("stp_tier_locked", randomize([True, False], [1, 19])),
            ("stp_tier", randomize(["a", "b", "c"], [1, 3, 6])),
        ]

    def _populate_insert(self, values, count):
        """Size ``huge``: the ``count`` partners of the factories' ``values`` written in SQL
        (``INSERT ... SELECT``, INSERT_BATCH rows a statement) instead of ``create``, which
        takes 4 to 24 ms a partner here (500,000: half an hour to hours). What the ORM would
        write is written: the factories' columns (company-dependent ones for the current
        company, through the fields' own conversion), the stored fields computed from them
        (complete and commercial company name, commercial partner, normalized email and
        sanitized phone with the ORM's helpers; the others, street parts and today's
        province, by the ORM on a new record once per distinct value), and every other
        column copied from a partner made by ``create`` (defaults, create/write user and
        date). No create override runs: populated partners have no parent, user or
        chatter, as in the ORM path with ``quiet()``. ``test_populate`` checks the rows
        equal the ORM's. Returns the partners."""
        cr = self.env.cr
        factory_fnames = [fname for fname, _factory in self._populate_factories()]
        factory_set = set(factory_fnames)
        computed = ("complete_name", "commercial_company_name", "email_normalized", "phone_sanitized")
        # The other stored fields computed from the factories' ones (street parts, today's
        # province, ...) depend on few distinct values: the ORM computes each once on a new record.
        by_orm = {
            field.name: [name for name in factory_fnames if name in {dep.split(".")[0] for dep in depends}]
            for field in self._fields.values()
            if field.store and field.compute and field.name not in computed and field.name != "commercial_partner_id"
            for depends in [self.pool.field_depends[field]]
        }
        by_orm = {fname: deps for fname, deps in by_orm.items() if deps}
        known = {}

        def orm_value(fname, vals):
            key = (fname, *(vals.get(dep) for dep in by_orm[fname]))
            if key not in known:
                record = self.new({dep: vals.get(dep) for dep in by_orm[fname]})
                field = self._fields[fname]
                known[key] = field.convert_to_column(field.convert_to_write(record[fname], record), record)
            return known[key]

        fnames = [*factory_fnames, *computed, *by_orm]
        template = self.create({"name": "STP populate template"})
        self.env.flush_all()
        cr.execute(
            SQL(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                self._table,
            )
        )
        types = dict(cr.fetchall())
        others = [name for name in types if name not in fnames and name not in ("id", "commercial_partner_id")]
        countries = {}

        def row(vals):
            country = countries.get(vals.get("country_id"))
            if country is None:
                country = countries[vals.get("country_id")] = self.env["res.country"].browse(vals.get("country_id"))
            vals["complete_name"] = vals["name"]  # no parent
            vals["commercial_company_name"] = vals["name"] if vals["is_company"] else None
            vals["email_normalized"] = tools.email_normalize(vals.get("email"), strict=False) or None
            vals["phone_sanitized"] = next(
                (
                    sanitized
                    for fname in self._phone_get_number_fields()
                    if vals.get(fname)
                    and (sanitized := self._phone_format(number=vals[fname], country=country, force_format="E164"))
                ),
                None,
            )
            for fname in by_orm:
                vals[fname] = orm_value(fname, vals)
            return [
                self._fields[fname].convert_to_column_insert(vals[fname], self) if fname in factory_set else vals[fname]
                for fname in fnames
            ]

        # The id is drawn first, so the commercial partner (the partner itself) goes in the same INSERT.
        columns = SQL(", ").join(SQL.identifier(name) for name in ["id", "commercial_partner_id", *fnames, *others])
        selected = SQL(", ").join(
            [SQL("v.id"), SQL("v.id")]
            + [SQL("v.%s", SQL.identifier(name)) for name in fnames]
            + [SQL("t.%s", SQL.identifier(name)) for name in others]
        )
        query = SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t,"
            " (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id, r.* FROM (VALUES %s) AS r(%s)) v"
            " WHERE t.id = %s RETURNING id",
            SQL.identifier(self._table),
            columns,
            selected,
            SQL.identifier(self._table),
            self._table,
            SQL("%%s"),  # execute_values' placeholder of the rows, once mogrified
            SQL(", ").join(SQL.identifier(name) for name in fnames),
            template.id,
        )
        statement = cr.mogrify(query).decode()
        row_template = "(" + ", ".join(f"%s::{types[fname]}" for fname in fnames) + ")"
        ids = []
        started = time.monotonic()
        while batch := list(itertools.islice(values, INSERT_BATCH)):
            rows = [row(vals) for vals in batch]
            written = execute_values(
                cr._obj, statement, rows, template=row_template, page_size=INSERT_BATCH, fetch=True
            )
            ids += [row_id for (row_id,) in written]
            _logger.info("res.partner: %s of %s written in %.0f s", len(ids), count, time.monotonic() - started)
        template.unlink()
        # What autovacuum would do later, done now: the GIN indexes' pending lists merged (else
        # every trigram search scans them) and fresh statistics, so that PostgreSQL picks the
        # trigram indexes (docs/scaling.md; a VACUUM ANALYZE res_partner afterwards does both).
        cr.execute(
            SQL(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
                " WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
                self._table,
            )
        )
        cr.execute(SQL("ANALYZE %s", SQL.identifier(self._table)))
        self.env.invalidate_all()
        return self.browse(ids)
