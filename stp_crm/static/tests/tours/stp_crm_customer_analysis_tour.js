import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("stp_crm_customer_analysis_tour", {
    steps: () => [
        {
            content: "The analysis opens as a pivot: regions in rows",
            trigger: ".o_pivot th:contains('North')",
        },
        {
            content: "and quarters in columns",
            trigger: ".o_pivot thead th:contains('Q')",
        },
        {
            content: "Southern revenue is there too",
            trigger: ".o_pivot th:contains('South')",
        },
        {
            content: "Switch to the graph",
            trigger: "button.o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph draws the revenue",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
