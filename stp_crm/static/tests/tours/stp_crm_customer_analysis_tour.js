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
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Apply the shared favourite: best-selling products by region this year",
            trigger: ".o_favorite_menu .dropdown-item:contains('Best-selling products by region this year')",
            run: "click",
        },
        {
            content: "Products in rows: this year's sales are there",
            trigger: ".o_pivot th:contains('Máy nén khí RPC')",
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
