from . import (
    test_access,
    test_api_docs,
    test_contract,
    test_contract_access,
    test_contract_report,
    test_contract_ui,
    test_contract_xmlrpc,
    test_conventions,
    test_installed_product,
    test_partner_tier,
    test_ticket,
    test_ticket_http,
    test_performance,
    test_translations,
    test_ui,
    test_vietnamese_company,
    test_xmlrpc,
)
from . import test_work_plan
from . import test_interaction
from . import test_timeline
from . import test_work_plan_ui
from . import test_work_plan_xmlrpc
from . import test_contract_rules
from . import test_interaction_logging
from . import test_ticket_rules
from . import test_rules_xmlrpc
from . import test_partner_access
from . import test_ticket_visibility
from . import test_visibility_xmlrpc
from . import test_clickbot
from . import test_views
from . import test_populate
from . import test_forecast
from . import test_forecast_ui
from . import test_forecast_xmlrpc
from . import test_receivable
from . import test_crm_roi
from . import test_customer_profile
from . import test_receivable_http
from . import test_customer_analysis
from . import test_customer_ltv
from . import test_customer_analysis_ui
from . import test_customer_analysis_ltv
from . import test_opportunity
from . import test_opportunity_ui
from . import test_opportunity_xmlrpc
from . import test_migration
from . import test_campaign
from . import test_campaign_ui
from . import test_campaign_xmlrpc
from . import test_report_pdf_text
from . import test_age_band
from . import test_displays
from . import test_demo_data
from . import test_campaign_rights
from . import test_campaign_trust_xmlrpc
from . import test_vietnam_map
from . import test_vietnam_map_xmlrpc
from . import test_guarded_mixin
from . import test_readonly_fields_xmlrpc
from . import test_privacy_request
from . import test_personal_data
from . import test_consent_portal
from . import test_campaign_zalo
from . import test_zalo_ad_limit
from . import test_sms_inbound
