import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("stp_crm_ticket_tour", {
    steps: () => [
        {
            content: "The tickets open in the kanban view",
            trigger: ".o_kanban_view .o_kanban_group",
        },
        {
            content: "Create a ticket",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Subject",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Máy tour không lên hình",
        },
        {
            content: "It is a warranty request",
            trigger: ".o_field_widget[name='ticket_type'] input[data-value='warranty']",
            run: "click",
        },
        {
            content: "Customer",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Bệnh viện Tour",
        },
        {
            trigger: ".o_field_widget[name='partner_id'] .o-autocomplete--dropdown-menu li:contains('Bệnh viện Tour')",
            run: "click",
        },
        {
            content: "Serial number delivered to this customer",
            trigger: ".o_field_widget[name='lot_id'] input",
            run: "edit TOUR-0001",
        },
        {
            trigger: ".o_field_widget[name='lot_id'] .o-autocomplete--dropdown-menu li:contains('TOUR-0001')",
            run: "click",
        },
        ...stepUtils.saveForm(),
        {
            content: "The serial is under warranty",
            trigger: ".o_field_widget[name='warranty_state']:contains('In Warranty')",
        },
        {
            content: "Receive the faulty unit back",
            trigger: "button[name='action_receive_return']",
            run: "click",
        },
        {
            content: "The return transfer is created",
            trigger: ".o_form_view .o_field_widget[name='origin'] input:value(TK)",
        },
        {
            content: "Back to the ticket",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Máy tour không lên hình')",
            run: "click",
        },
        {
            content: "The return is shown as a smart button",
            trigger: "button[name='action_view_returns'] .o_stat_value:contains('1')",
        },
        {
            content: "Solve the ticket",
            trigger: ".o_statusbar_status button:contains('Solved')",
            run: "click",
        },
        {
            content: "The ticket is solved",
            trigger: ".o_form_saved .o_statusbar_status button[aria-checked='true']:contains('Solved')",
        },
    ],
});
