from odoo import fields, models
from odoo.tools import html2plaintext


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Read everything before super(): done activities are deleted there.
        interaction_values = self._stp_interaction_values_when_done(feedback)
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if interaction_values:
            self.env["stp.crm.interaction"]._stp_log_automatically(interaction_values)
        return result

    def _stp_interaction_values_when_done(self, feedback):
        """Values of the interactions logged for the calls, meetings and emails
        among these activities, on records that are interaction sources."""
        source_class = self.env.registry["stp.crm.interaction.source"]
        channel_by_type = self._stp_channel_by_activity_type()
        now = fields.Datetime.now()
        vals_list = []
        for activity in self.sudo():
            channel = channel_by_type.get(activity.activity_type_id.id) or channel_by_type.get(
                activity.activity_category
            )
            if (
                not channel
                or not activity.res_model
                or not issubclass(self.env.registry[activity.res_model], source_class)
            ):
                continue
            values = self.env[activity.res_model].sudo().browse(activity.res_id)._stp_interaction_values()
            if not values:
                continue
            event = activity.calendar_event_id
            values.update(
                channel=channel,
                direction="outbound",
                date=event.start if event else now,
                duration=event.duration if event else 0.0,
                summary=activity.summary or activity.activity_type_id.name,
                outcome=html2plaintext(feedback) if feedback else False,
                user_id=activity.user_id.id or values.get("user_id"),
            )
            vals_list.append(values)
        return vals_list

    def _stp_channel_by_activity_type(self):
        """Channel per activity type id (Odoo's Call, Meeting, Email types) and per
        activity category (any custom type of the phone call / meeting category)."""
        channels = {"phonecall": "phone", "meeting": "in_person"}
        for xmlid, channel in (
            ("mail.mail_activity_data_call", "phone"),
            ("mail.mail_activity_data_meeting", "in_person"),
            ("mail.mail_activity_data_email", "email"),
        ):
            activity_type = self.env.ref(xmlid, raise_if_not_found=False)
            if activity_type:
                channels[activity_type.id] = channel
        return channels
