import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// At phone size: the pipeline shows one column of cards, each with its forecast and feasibility badges.
registry.category("web_tour.tours").add("stp_crm_opportunity_phone_tour", {
    steps: () => [
        {
            content: "The card shows the forecast category of its stage",
            trigger: ".o_kanban_record:contains('Cơ hội của tour') .o_field_widget[name='stp_forecast_category']:contains('Pipeline')",
        },
        {
            content: "Open the opportunity",
            trigger: ".o_kanban_record:contains('Cơ hội của tour')",
            run: "click",
        },
        {
            content: "Judge its feasibility high",
            trigger: ".o_form_view .o_field_widget[name='stp_feasibility'] select",
            run: 'select "high"',
        },
        {
            content: "Put it in the commit forecast",
            trigger: ".o_form_view .o_field_widget[name='stp_forecast_override'] select",
            run: 'select "commit"',
        },
        {
            content: "The forecast category follows the override",
            trigger: ".o_form_view .o_field_widget[name='stp_forecast_category']:contains('Commit')",
        },
        ...stepUtils.saveForm(),
        {
            content: "Back to the pipeline",
            trigger: ".o_back_button, .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The card shows both badges",
            trigger: ".o_kanban_record:contains('Cơ hội của tour'):has(.o_field_widget[name='stp_forecast_category']:contains('Commit')):has(.o_field_widget[name='stp_feasibility']:contains('High'))",
        },
    ],
});
