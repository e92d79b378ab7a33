from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDisplays(TransactionCase):
    """Empty, not zero, where there is nothing to show; nothing cut that matters."""

    def _arch(self, model, view_type, view=None):
        view_id = self.env.ref(view).id if view else None
        return etree.fromstring(self.env[model].get_view(view_id, view_type)["arch"])

    def test_campaign_roi_hidden_before_launch(self):
        """A draft campaign has a cost and no revenue: its ROI (-100 %) means nothing yet."""
        form = self._arch("stp.crm.campaign", "form", "stp_crm.stp_crm_campaign_view_form")
        listing = self._arch("stp.crm.campaign", "list", "stp_crm.stp_crm_campaign_view_list")
        nodes = form.xpath("//field[@name='roi']") + listing.xpath("//field[@name='roi']")
        self.assertEqual(len(nodes), 3)
        for node in nodes:
            shown_in = node
            while "invisible" not in shown_in.attrib:  # the form's header figure: its stat button
                shown_in = shown_in.getparent()
            self.assertEqual(shown_in.get("invisible"), "not date_launched", etree.tostring(node))
        self.assertTrue(listing.xpath("//field[@name='date_launched']"), "the list loads what it tests")

    def test_forecast_lists_leave_missing_amounts_empty(self):
        forecast = self._arch("stp.crm.forecast.report", "list", "stp_crm.stp_crm_forecast_report_view_list")
        [target] = forecast.xpath("//field[@name='target_amount']")
        self.assertEqual(target.get("invisible"), "category != 'target'")
        accuracy = self._arch("stp.crm.forecast.accuracy", "list", "stp_crm.stp_crm_forecast_accuracy_view_list")
        [committed] = accuracy.xpath("//field[@name='committed_amount']")
        self.assertEqual(committed.get("invisible"), "not has_snapshot")

    def test_partner_name_fills_the_title(self):
        """partner_autocomplete's name widget is an inline-block input: at its natural width it cut
        "Công ty TNHH Thiết bị Hòa Phát Sài Gòn" to "… Hòa F" at 1440 px."""
        form = self._arch("res.partner", "form", "base.view_partner_form")
        names = form.xpath("//div[hasclass('oe_title')]/h1/field[@name='name']")
        self.assertEqual(len(names), 2)  # a company's and a person's
        for name in names:
            self.assertIn("w-100", name.get("class").split(), etree.tostring(name))
