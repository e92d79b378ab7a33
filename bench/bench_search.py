"""Customer lookup at scale: name_search and the partner list's search by part of a name
typed without diacritics, by email, by tax code and by phone in three formats, with
stp_crm's indexes and without them (Odoo's own indexes only, dropped in a savepoint and
rolled back), p50 and p95 in ms; and what the indexes cost on insert (ORM creates).

Run in an ``odoo shell`` on a database of its own (``unaccent`` enabled for the
diacritics: ``enable_unaccent`` of scripts/common.sh, then ``-u stp_crm``):

    STP_BENCH_SEARCH_PARTNERS=200000 python3 -m odoo shell -d DB --no-http < bench/bench_search.py

The partners (Vietnamese names with diacritics, emails, tax codes, mobiles stored as
"+84 9xx xxx xxx") are written once with SQL (tagged ``ref = 'STPS-...'``) and kept.
"""

import os
import random
import statistics
import time
import unicodedata

from psycopg2.extras import execute_values

from odoo.addons.stp_crm.models.res_partner import TRIGRAM_FIELDS

N = int(os.environ.get("STP_BENCH_SEARCH_PARTNERS", "200000"))
RUNS = int(os.environ.get("STP_BENCH_SEARCH_RUNS", "30"))
# Without our indexes a search reads the whole table (seconds at 500,000): fewer runs.
NATIVE_RUNS = int(os.environ.get("STP_BENCH_SEARCH_NATIVE_RUNS", str(RUNS)))
INSERTS = int(os.environ.get("STP_BENCH_SEARCH_INSERTS", "5000"))
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Hoài"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hương", "Khánh", "Linh", "Lộc", "Mai", "Nam", "Phúc",
         "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vy", "Yến", "Đạt", "Ánh", "Hằng"]  # fmt: skip

env = env  # noqa: F821, PLW0127 - given by odoo shell
cr = env.cr
rng = random.Random(27)


def plain(text):
    return (
        "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        .replace("đ", "d")
        .replace("Đ", "D")
    )


def build():
    cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'STPS-%%'")
    have = cr.fetchone()[0]
    if have >= N:
        return
    rows = []
    for index in range(have, N):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {index}"
        mobile = f"9{index:08d}"
        rows.append(
            (name, name, f"STPS-{index}", f"khach{index}@example.vn", f"03{index:08d}",
             f"+84 {mobile[:2]} {mobile[2:5]} {mobile[5:]}", f"+84{mobile}", True, "contact", "en_US")
        )  # fmt: skip
    # Every other column as on a contact made by the ORM (its defaults and NOT NULL columns).
    template = env["res.partner"].create({"name": "STP bench template"})
    env.flush_all()
    own = ("name", "complete_name", "ref", "email", "vat", "mobile", "phone_sanitized")
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'res_partner' AND column_name != 'id'"
    )
    others = [row[0] for row in cr.fetchall() if row[0] not in own]
    columns = ", ".join(f'"{name}"' for name in own + tuple(others))
    values = ", ".join([f"v.{name}" for name in own] + [f't."{name}"' for name in others])
    execute_values(
        cr,
        f"INSERT INTO res_partner ({columns}) SELECT {values} FROM res_partner t, "  # noqa: S608 - column names
        f"(VALUES %s) AS v({', '.join(own)}) WHERE t.id = {template.id}",
        [row[:7] for row in rows],
        page_size=5000,
    )
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE ref LIKE 'STPS-%%'")
    template.unlink()
    cr.commit()
    vacuum()


def vacuum():
    """After a bulk insert: GIN's pending list merged and the index statistics made, as
    autovacuum would later; until then PostgreSQL scans the pending list at every search and
    misjudges the trigram indexes' cost (a many2one search by tax code walked the whole
    ``complete_name`` btree: 11 s at 500,000 partners, 6 ms after)."""
    cr.commit()
    cr._cnx.autocommit = True
    try:
        cr.execute("VACUUM ANALYZE res_partner")
    finally:
        cr._cnx.autocommit = False


def percentiles(times):
    times = sorted(times)
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def searches():
    """(label, term maker, search) triples; the terms are of random partners of the bench."""
    partners = env["res.partner"]

    def pick():
        index = rng.randrange(N)
        cr.execute("SELECT name, email, vat, mobile FROM res_partner WHERE ref = %s", [f"STPS-{index}"])
        return cr.fetchone()

    def phone(fmt):
        digits = pick()[3].replace(" ", "").removeprefix("+84")
        return {"national": f"0{digits[:3]} {digits[3:6]} {digits[6:]}", "e164": f"+84{digits}",
                "dashes": f"84-{digits[:3]}-{digits[3:6]}-{digits[6:]}"}[fmt]  # fmt: skip

    def name_search(term):
        return partners.name_search(term, limit=8)

    def list_search(term):
        return partners.search([("display_name", "ilike", term)], limit=80)

    def phone_search(term):
        return partners.search([("phone_mobile_search", "ilike", term)], limit=80)

    def part(accents):
        """The name without its first word (family name): "Văn An 4521" or "van an 4521"."""
        words = " ".join(pick()[0].split()[1:])
        return words if accents else plain(words).lower()

    def email():
        return pick()[1].split("@")[0] + "@"

    terms = [
        ("part of the name without diacritics", lambda: part(False)),
        ("part of the name with diacritics", lambda: part(True)),
        ("email part", email),
        ("tax code", lambda: pick()[2]),
        ("phone 0912 345 678", lambda: phone("national")),
        ("phone +84912345678", lambda: phone("e164")),
        ("phone 84-912-345-678", lambda: phone("dashes")),
    ]
    return [
        *((f"{label} (name_search)", make, name_search) for label, make in terms),
        *((f"{label} (list search)", make, list_search) for label, make in terms),
        ("phone 84-912-345-678 (list Phone/Mobile)", lambda: phone("dashes"), phone_search),
    ]


def measure(terms, runs=None):
    results = {}
    for label, _make, func in searches():
        func(terms[label][0])
        times = []
        for term in terms[label][:runs]:
            env.invalidate_all()
            started = time.perf_counter()
            found = func(term)
            times.append(time.perf_counter() - started)
            assert found, (label, term)
        results[label] = percentiles(times)
    return results


def our_indexes():
    cr.execute(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'res_partner' AND (indexdef LIKE '%%gin_trgm_ops%%'"
        " AND indexdef NOT LIKE '%%regexp_replace%%' OR indexname = 'res_partner__phone_sanitized_index')"
    )
    return [row[0] for row in cr.fetchall()]


def inserts():
    started = time.perf_counter()
    env["res.partner"].create(
        [
            {
                "name": f"{rng.choice(FAMILY)} Văn Mới {i}",
                "email": f"moi{i}@example.vn",
                "vat": f"04{i:08d}",
                "mobile": f"+84 98 {i:03d} {i % 1000:04d}",
            }
            for i in range(INSERTS)
        ]  # fmt: skip
    )
    env.flush_all()
    return time.perf_counter() - started


build()
if os.environ.get("STP_BENCH_SEARCH_BUILD_ONLY"):
    raise SystemExit
print(f"partners: {env['res.partner'].search_count([]):,}; unaccent: {env.registry.has_unaccent!r}; "
      f"fields {TRIGRAM_FIELDS}")  # fmt: skip
terms = {label: [make() for _run in range(RUNS)] for label, make, _func in searches()}
ours = measure(terms)
indexes = our_indexes()
cr.execute("SAVEPOINT bench_native")
for name in indexes:
    cr.execute(f'DROP INDEX "{name}"')  # noqa: S608 - names read from pg_indexes
native = measure(terms, NATIVE_RUNS)
native_insert = inserts()
cr.execute("ROLLBACK TO SAVEPOINT bench_native")
env.invalidate_all()
cr.execute("SAVEPOINT bench_insert")
our_insert = inserts()
# The new rows wait in the GIN indexes' pending lists, which every search reads (bounded by the
# indexes' gin_pending_list_limit): the same searches again, before VACUUM.
after_inserts = measure(terms, 10)
cr.execute("ROLLBACK TO SAVEPOINT bench_insert")
env.invalidate_all()
print(f"indexes compared: {', '.join(indexes)}")
print(f"runs: ours {RUNS}, without our indexes {NATIVE_RUNS}; load average {os.getloadavg()}")
print(
    f"{'search':58} {'ours p50':>9} {'p95':>7} {'native p50':>11} {'p95':>7} {'speed-up p50':>13} {'after inserts p50':>18}"
)
for label, (p50, p95) in ours.items():
    n50, n95 = native[label]
    a50 = after_inserts[label][0]
    print(f"{label:58} {p50:9.1f} {p95:7.1f} {n50:11.1f} {n95:7.1f} {n50 / p50:12.0f}x {a50:18.1f}")
print(f"create {INSERTS:,} partners (ORM): with the indexes {our_insert:.1f} s, without {native_insert:.1f} s "
      f"({our_insert / native_insert:.2f}x)")  # fmt: skip
cr.rollback()
