from odoo import models

from .tools import compute, populated, randomize

SUBJECTS = [
    "Máy không khởi động",
    "Máy báo lỗi nhiệt độ cao",
    "Rò rỉ dầu",
    "Áp suất không đạt",
    "Tiếng ồn bất thường",
    "Cần bảo dưỡng định kỳ",
    "Hỏi về hóa đơn",
]


class StpCrmTicket(models.Model):
    _inherit = "stp.crm.ticket"

    _populate_sizes = {"small": 40, "medium": 5_000, "large": 50_000}
    _populate_dependencies = ["res.partner", "stp.crm.installed.product"]

    def _populate_factories(self):
        installed = populated(self, "stp.crm.installed.product") or self.env["stp.crm.installed.product"].search(
            [], limit=1000
        )
        team_ids = self.env["stp.crm.ticket.team"].search([], limit=100).ids

        def machine(values, **kwargs):
            return installed.browse(values["installed_product_id"])

        return [
            ("installed_product_id", randomize(installed.ids)),
            ("partner_id", compute(lambda values, **kwargs: machine(values).partner_id.id)),
            ("product_id", compute(lambda values, **kwargs: machine(values).product_id.id)),
            ("lot_id", compute(lambda values, **kwargs: machine(values).lot_id.id)),
            ("name", randomize(SUBJECTS)),
            ("ticket_type", randomize(["warranty", "support", "complaint"], [4, 5, 1])),
            ("priority", randomize(["0", "1", "2", "3"], [2, 5, 2, 1])),
            ("team_id", randomize(team_ids or [False])),
        ]

    def _populate_finish(self):
        """Tickets move on: some in progress, some waiting for the customer."""
        self[1::3].stage_id = self.env.ref("stp_crm.stp_crm_ticket_stage_in_progress")
        self[2::5].stage_id = self.env.ref("stp_crm.stp_crm_ticket_stage_waiting")
