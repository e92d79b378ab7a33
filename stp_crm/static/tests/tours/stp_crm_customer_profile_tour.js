import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("stp_crm_customer_profile_tour", {
    steps: () => [
        {
            content: "Open the STP CRM page of the customer",
            trigger: ".o_notebook a[name='stp_crm']",
            run: "click",
        },
        {
            content: "Classify it as a customer",
            trigger: ".o_field_widget[name='stp_classification'] select",
            run: 'select "customer"',
        },
        {
            content: "Rate its potential high",
            trigger: ".o_field_widget[name='stp_potential'] select",
            run: 'select "high"',
        },
        ...stepUtils.saveForm(),
        {
            content: "The tier is shown on the profile",
            trigger: ".o_field_widget[name='stp_tier'] input[data-value='c']:checked",
        },
    ],
});
