from odoo import models

from .tools import compute, randomize

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

    _populate_sizes = {"small": 50, "medium": 2_000, "large": 100_000}

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
