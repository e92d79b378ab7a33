import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("stp_crm_contract_tour", {
    steps: () => [
        {
            content: "Create a contract",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Hợp đồng bảo trì tour",
        },
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Công ty Tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Công ty Tour')",
            run: "click",
        },
        {
            content: "Set the end of the period",
            trigger: ".o_field_widget[name='date_end'] input",
            run: "edit 12/31/2099 && press Enter",
        },
        {
            content: "Add a line",
            trigger: ".o_field_widget[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='product_id'] input",
            run: "edit Máy nén tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Máy nén tour')",
            run: "click",
        },
        {
            content: "Four units",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='quantity'] input",
            run: "edit 4",
        },
        {
            content: "at 250 each",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='price_unit'] input",
            run: "edit 250",
        },
        ...stepUtils.saveForm(),
        {
            content: "Confirm the contract",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The contract runs",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='running']",
        },
        {
            content: "Create the quotation",
            trigger: ".o_form_view button[name='action_create_quotation']",
            run: "click",
        },
        {
            content: "The quotation is linked to the contract",
            trigger: ".o_form_view .o_field_widget[name='stp_contract_id'] input",
        },
        {
            content: "and quotes the contract line",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:contains('Máy nén tour')",
        },
        {
            content: "Back to the contract",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Hợp đồng bảo trì tour')",
            run: "click",
        },
        {
            content: "The contract counts its order",
            trigger: ".o_form_view button[name='action_view_orders'] .o_stat_value:contains('1')",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "Print the contract",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Contract')",
            run: "click",
        },
        {
            content: "Back on the contract once the PDF is sent",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='running']",
        },
    ],
});
