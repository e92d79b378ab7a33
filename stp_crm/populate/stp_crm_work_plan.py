from datetime import timedelta

from odoo import fields, models

from .tools import compute, customer_ids, randomize, stp_user_ids

GOALS = [
    "Gọi điện chăm sóc khách hàng",
    "Gửi báo giá bảo trì",
    "Thăm nhà máy khách hàng",
    "Khảo sát lắp đặt máy nén khí",
    "Thu hồi công nợ",
    "Đào tạo vận hành cho khách",
    "Chuẩn bị hồ sơ thầu",
]


class StpCrmWorkPlan(models.Model):
    _inherit = "stp.crm.work.plan"

    _populate_sizes = {"small": 40, "medium": 5_000, "large": 50_000}
    _populate_dependencies = ["res.partner"]

    def _populate_factories(self):
        partner_ids = customer_ids(self)
        user_ids = stp_user_ids(self.env)
        now = fields.Datetime.now()

        def deadline(random, **kwargs):
            return now + timedelta(days=random.randint(-20, 40), hours=random.randint(0, 9))

        return [
            ("name", compute(lambda random, values, **kwargs: f"{random.choice(GOALS)}")),
            ("partner_id", randomize(partner_ids)),
            ("user_id", randomize(user_ids)),
            ("is_urgent", randomize([True, False], [2, 3])),
            ("is_important", randomize([True, False], [3, 2])),
            ("date_deadline", compute(deadline)),
            (
                "date_start",
                compute(
                    lambda values, random, **kwargs: values["date_deadline"] - timedelta(days=random.randint(1, 10))
                ),
            ),
            ("progress", randomize([0, 20, 50, 80])),
        ]

    def _populate_finish(self):
        """Plans move on as people work: some started, some done, a few cancelled."""
        self[1::4].action_start()
        self[2::4].action_mark_done()
        self[3::12].action_cancel()
