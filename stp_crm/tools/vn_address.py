"""Vietnam's administrative map since 1 July 2025 (34 provinces, wards without districts):
the data files of ``stp_crm/data/`` read once, and the reading of a typed address.

Pure helpers (no ORM): the models (``res.country.state``, ``res.city``, ``res.partner``)
load the data and move the partners' addresses with them."""

import csv
import functools
import re
import unicodedata
from collections import defaultdict

from odoo.tools import file_open

PROVINCES_FILE = "stp_crm/data/vn_provinces_2025.csv"
WARDS_FILE = "stp_crm/data/vn_wards_2025.csv"
OLD_WARDS_FILE = "stp_crm/data/vn_wards_before_2025.csv"
WARD_XMLID = "vn_ward_%s"

# Abbreviations written before a ward's or a district's name, without diacritics.
WARD_PREFIXES = ("phuong", "p", "xa", "x", "thi tran", "tt", "dac khu")
DISTRICT_PREFIXES = ("quan", "q", "huyen", "h", "thi xa", "tx", "thanh pho", "tp")
PROVINCE_PREFIXES = ("thanh pho", "tp", "tinh", "t")
# Spellings of the provinces' names seen in addresses (normalised), by the province's Odoo code.
PROVINCE_ALIASES = {
    "VN-SG": ("hcm", "tphcm", "ho chi minh", "sai gon", "sg"),
    "VN-HN": ("hn", "ha noi"),
    "VN-DN": ("da nang", "dn"),
    "VN-26": ("hue", "thua thien hue", "tt hue"),
}


def normalize(text):
    """``text`` lowercased, without diacritics, punctuation as spaces: the key that
    compares "Phường Bến Nghé", "phuong ben nghe" and "P.Bến Nghé"."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _strip_prefix(key, prefixes):
    """``(name, True)`` if ``key`` starts with one of ``prefixes``, else ``(key, False)``."""
    for prefix in prefixes:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :], True
    return key, False


def _read(path):
    with file_open(path) as data:  # text, in UTF-8
        return list(csv.DictReader(data))


@functools.cache
def provinces():
    """The 63 provinces of Odoo: ``{Odoo code: {"stp_code", "name", "merged_into"}}``."""
    return {row["code"]: row for row in _read(PROVINCES_FILE)}


@functools.cache
def wards():
    """The 3,321 current wards, communes and special zones (rows of the CSV)."""
    return _read(WARDS_FILE)


@functools.cache
def _ward_index():
    """``{(province's 2-digit code, normalised name without its kind): [ward codes]}``:
    the current wards, then the wards before 2025 by the new ward they went to (with their
    district where the resolution names it, and whether only a part of them went there)."""
    current = defaultdict(list)
    for ward in wards():
        current[(ward["province_code"], _strip_prefix(normalize(ward["name"]), WARD_PREFIXES)[0])].append(ward["code"])
    province_of = {ward["code"]: ward["province_code"] for ward in wards()}
    old = defaultdict(list)
    for row in _read(OLD_WARDS_FILE):
        key = (province_of[row["code"]], _strip_prefix(normalize(row["old_name"]), WARD_PREFIXES)[0])
        old[key].append((row["code"], _district_key(row["old_district"]), row["partial"] == "1"))
    return current, old


def _district_key(text):
    return _strip_prefix(normalize(text), DISTRICT_PREFIXES)[0]


def province_code_in(text):
    """The Odoo code of the province named in ``text`` (a part of an address), or None."""
    key, _prefixed = _strip_prefix(normalize(text), PROVINCE_PREFIXES)
    for code, aliases in PROVINCE_ALIASES.items():
        if key in aliases or key.replace(" ", "") in aliases:
            return code
    return None


def split_address(*texts):
    """The parts of an address (street, street2, city...), split on commas."""
    return [part.strip() for text in texts if text for part in text.split(",") if part.strip()]


def _split_kind(part):
    """``("ward" | "district" | None, name key)`` of one part of an address. "Q.1" and
    "P. 3" are read as "quận 1" and "phường 3"."""
    key = normalize(part)
    key = re.sub(r"^(p|q|x|h|tt|tx|tp)(\d)", r"\1 \2", key)
    name, is_ward = _strip_prefix(key, WARD_PREFIXES)
    if is_ward:
        return "ward", name
    name, is_district = _strip_prefix(key, DISTRICT_PREFIXES)
    if is_district:
        return "district", name
    return None, key


def find_ward(province_stp_code, parts):
    """The code of the current ward of ``parts`` (an address split by :func:`split_address`)
    in the current province ``province_stp_code``, with the parts it was read from: the
    ward and district parts to drop from the text. ``(None, [])`` if it cannot be told:
    no ward written, an unknown one, or an old ward split between several new ones
    without a district to choose."""
    current, old = _ward_index()
    districts = [name for kind, name in map(_split_kind, parts) if kind == "district"]
    district_parts = [part for part in parts if _split_kind(part)[0] == "district"]
    for part in parts:
        kind, name = _split_kind(part)
        if kind != "ward" and not (kind is None and len(parts) == 1):
            continue
        codes = current.get((province_stp_code, name)) or []
        if len(codes) == 1:
            return codes[0], [part, *district_parts]
        code = _old_ward(old.get((province_stp_code, name)) or [], districts)
        if code:
            return code, [part, *district_parts]
    return None, []


def _old_ward(candidates, districts):
    """The new ward of an old one: the only candidate, else the one of the written district;
    an old ward split between new wards (partial) is told only by its district."""
    if districts:
        candidates = [c for c in candidates if not c[1] or c[1] in districts] or candidates
    codes = {code for code, _district, _partial in candidates}
    if len(codes) == 1:
        return codes.pop()
    whole = {code for code, _district, partial in candidates if not partial}
    return whole.pop() if len(whole) == 1 else None
