import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A Vietnamese address on the 2025 map: province first, then its ward.
registry.category("web_tour.tours").add("stp_crm_vietnam_address_tour", {
    steps: () => [
        {
            content: "Type the province: merged provinces are not offered",
            trigger: ".o_field_widget[name='state_id'] input",
            run: "edit Bình",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Ninh Bình')",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu:not(:has(a:contains('Bình Dương')))",
        },
        {
            content: "Pick Thành phố Huế",
            trigger: ".o_field_widget[name='state_id'] input",
            run: "edit Huế",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Thành phố Huế')",
            run: "click",
        },
        {
            content: "Then its ward",
            trigger: ".o_field_widget[name='city_id'] input",
            run: "edit Thuận",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Phường Thuận Hoá')",
            run: "click",
        },
        ...stepUtils.saveForm(),
    ],
});
