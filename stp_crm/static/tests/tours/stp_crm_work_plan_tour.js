import { registry } from "@web/core/registry";

const column = (title) => `.o_kanban_group:has(.o_column_title:contains('${title}'))`;

registry.category("web_tour.tours").add("stp_crm_work_plan_tour", {
    steps: () => [
        {
            content: "The Eisenhower board shows its four columns, even empty ones",
            trigger: `${column("Important & Urgent")} ~ ${column("Important, Not Urgent")} ~ ${column(
                "Urgent, Not Important"
            )} ~ ${column("Neither Urgent nor Important")}`,
        },
        {
            content: "Create a plan: it opens in the first column, 'do first'",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Name the plan",
            trigger: `${column("Important & Urgent")} .o_kanban_quick_create .o_field_widget[name='name'] input`,
            run: "edit Kế hoạch của tour",
        },
        {
            content: "Add it",
            trigger: ".o_kanban_quick_create button.o_kanban_add",
            run: "click",
        },
        {
            content: "The plan is on the board, in 'do first'",
            trigger: `${column("Important & Urgent")} .o_kanban_record:not(.o_kanban_quick_create):contains('Kế hoạch của tour')`,
        },
        {
            content: "Close the quick create form opened for the next plan",
            trigger: ".o_kanban_quick_create .o_kanban_cancel",
            run: "click",
        },
        {
            content: "The quick create form is closed",
            trigger: ".o_kanban_renderer:not(:has(.o_kanban_quick_create))",
        },
        {
            content: "Drag it to 'schedule' (important, not urgent)",
            trigger: `${column("Important & Urgent")} .o_kanban_record:contains('Kế hoạch của tour')`,
            // Drop inside the column's body: its very top edge is outside the drop zone.
            async run(helpers) {
                await helpers.drag_and_drop(column("Important, Not Urgent"), {
                    position: { top: 80, left: 40 },
                    relative: true,
                });
            },
        },
        {
            content: "Open the plan from its new column",
            trigger: `${column("Important, Not Urgent")} .o_kanban_record:contains('Kế hoạch của tour')`,
            run: "click",
        },
        {
            content: "Mark it as done",
            trigger: ".o_form_view button[name='action_mark_done']",
            run: "click",
        },
        {
            content: "The plan is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='done']",
        },
    ],
});
