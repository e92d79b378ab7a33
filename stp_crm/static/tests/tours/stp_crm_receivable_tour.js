import { registry } from "@web/core/registry";

const card = ".o_stp_receivable_kanban .o_kanban_record:contains('Công ty Nợ Quá Hạn')";

// At phone size the Receivables menu opens on cards (the action's mobile_view_mode).
registry.category("web_tour.tours").add("stp_crm_receivable_tour", {
    steps: () => [
        {
            content: "The overdue customer has a card with what it owes",
            trigger: `${card}:contains('1,500.00')`,
        },
        {
            content: "A customer who owes nothing is not listed",
            trigger: ".o_stp_receivable_kanban:not(:has(.o_kanban_record:contains('Công ty Đã Trả')))",
        },
        {
            content: "Open the customer",
            trigger: card,
            run: "click",
        },
        {
            content: "Go to its receivables",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Receivables')",
            run: "click",
        },
        {
            content: "The aging shows the overdue amount 31-60 days past due",
            trigger: ".o_form_view .o_field_widget[name='stp_aging_31_60']:contains('1,500.00')",
        },
    ],
});
