import { registry } from "@web/core/registry";

const OPPORTUNITY = "Cơ hội của tour dự báo";

registry.category("web_tour.tours").add("stp_crm_forecast_tour", {
    steps: () => [
        {
            content: "The forecast opens on its pivot",
            trigger: ".o_pivot_view .o_pivot",
        },
        {
            content: "Search the tour's opportunity",
            trigger: ".o_searchview_input",
            run: `edit ${OPPORTUNITY}`,
        },
        {
            content: "Search it as the opportunity",
            trigger: ".o_searchview_autocomplete .o_menu_item:contains('Opportunity')",
            run: "click",
        },
        {
            content: "It is in the pipeline, not in commit",
            trigger: ".o_pivot:has(th.o_pivot_header_cell_closed:contains('Pipeline')):not(:has(th.o_pivot_header_cell_closed:contains('Commit')))",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the opportunity",
            trigger: `.o_data_row:contains('${OPPORTUNITY}') button[name='action_open_opportunity']`,
            run: "click",
        },
        {
            content: "Move it to the negotiation stage, a commit stage",
            trigger: ".o_form_view .o_statusbar_status button:contains('Đàm phán tour')",
            run: "click",
        },
        {
            content: "The stage is saved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Đàm phán tour')",
        },
        {
            content: "Back to the forecast",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Back to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The opportunity is now in commit",
            trigger: ".o_pivot:has(th.o_pivot_header_cell_closed:contains('Commit')):not(:has(th.o_pivot_header_cell_closed:contains('Pipeline')))",
        },
    ],
});

registry.category("web_tour.tours").add("stp_crm_forecast_phone_tour", {
    steps: () => [
        {
            content: "On a phone the forecast opens on its cards, the opportunity with its category",
            trigger: `.o_kanban_view .o_kanban_record:contains('${OPPORTUNITY}'):contains('Pipeline')`,
        },
    ],
});
