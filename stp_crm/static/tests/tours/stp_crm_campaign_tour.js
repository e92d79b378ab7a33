import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("stp_crm_campaign_tour", {
    steps: () => [
        {
            content: "Create a care campaign",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tri ân 20/11 tour",
        },
        {
            content: "For Vietnamese Teachers' Day",
            trigger: ".o_field_widget[name='occasion'] select",
            run: 'select "teachers_day"',
        },
        {
            content: "The segment is the tier-A customers",
            trigger: ".o_field_widget[name='segment_domain']:contains('Tier')",
        },
        {
            content: "Choose the gift",
            trigger: ".o_field_widget[name='gift_product_id'] input",
            run: "edit Giỏ quà tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Giỏ quà tour')",
            run: "click",
        },
        ...stepUtils.saveForm(),
        {
            content: "Generate the recipients",
            trigger: ".o_form_view button[name='action_generate_recipients']",
            run: "click",
        },
        {
            content: "The two tier-A customers are in",
            trigger: ".o_form_view button[name='action_view_recipients'] .o_stat_value:contains('2')",
        },
        {
            content: "Launch the campaign",
            trigger: ".o_form_view button[name='action_launch']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The campaign runs",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='running']",
        },
        {
            content: "See the deliveries",
            trigger: ".o_form_view button[name='action_view_pickings']",
            run: "click",
        },
        {
            content: "A delivery for each tier-A customer",
            trigger: ".o_list_view .o_data_row:contains('Trường Hạng A 1')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Trường Hạng A 2')",
        },
    ],
});

registry.category("web_tour.tours").add("stp_crm_campaign_phone_tour", {
    steps: () => [
        {
            content: "On a phone, campaigns are cards",
            trigger: ".o_kanban_view .o_kanban_record:contains('Tri ân 20/11 trên điện thoại')",
            run: "click",
        },
        {
            content: "The campaign opens",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('Tri ân 20/11 trên điện thoại')",
        },
        {
            content: "Unfold the smart buttons (a dropdown on phones)",
            trigger: ".o_form_view .o_button_more",
            run: "click",
        },
        {
            content: "Open its recipients",
            trigger: ".o-form-buttonbox-small button[name='action_view_recipients']:contains('2')",
            run: "click",
        },
        {
            content: "Recipients are cards too",
            trigger: ".o_kanban_view .o_kanban_record:contains('Trường Hạng A 1')",
        },
    ],
});

registry.category("web_tour.tours").add("stp_crm_campaign_advertising_tour", {
    steps: () => [
        {
            content: "Create a campaign",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Khuyến mãi Tết tour",
        },
        {
            content: "It advertises",
            trigger: ".o_field_widget[name='purpose'] input[data-value='advertising']",
            run: "click",
        },
        {
            content: "Decree 91 applies: consent, [QC], opt-out",
            trigger: ".o_form_view .alert-warning:contains('[QC]')",
        },
        ...stepUtils.saveForm(),
        {
            content: "Generate the recipients",
            trigger: ".o_form_view button[name='action_generate_recipients']",
            run: "click",
        },
        {
            content: "One of the two did not consent",
            trigger: ".o_form_view button[name='action_view_no_consent'] .o_stat_value:contains('1')",
            run: "click",
        },
        {
            content: "Who is excluded, and why",
            trigger: ".o_list_view .o_data_row:contains('Trường Hạng A 2'):contains('No consent')",
        },
    ],
});
