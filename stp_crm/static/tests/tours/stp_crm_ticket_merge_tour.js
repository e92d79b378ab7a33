import { registry } from "@web/core/registry";

const TICKETS = ["Phiếu tour gộp A", "Phiếu tour gộp B"];

function mergeAndOpen() {
    return [
        {
            content: "Merge the selected tickets",
            trigger: ".o-dropdown--menu .o_menu_item:contains('Merge')",
            run: "click",
        },
        {
            content: "The wizard previews what moves into the oldest ticket",
            trigger: `.modal .o_field_widget[name='preview']:contains('messages')`,
        },
        {
            trigger: ".modal button[name='action_merge']",
            run: "click",
        },
        {
            content: "The merged ticket opens",
            trigger: `.o_form_view .o_field_widget[name='name'] textarea:value(${TICKETS[0]}), .o_form_view .o_field_widget[name='name'] input:value(${TICKETS[0]})`,
        },
        {
            content: "Its chatter lists what it absorbed",
            trigger: ".o-mail-Message:contains('Merged into this ticket')",
        },
    ];
}

registry.category("web_tour.tours").add("stp_crm_ticket_merge_tour", {
    steps: () => [
        ...TICKETS.map((name) => ({
            content: `Select ${name}`,
            trigger: `.o_list_view .o_data_row:contains('${name}') .o_list_record_selector input`,
            run: "click",
        })),
        {
            content: "Open the actions of the selection",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        ...mergeAndOpen(),
    ],
});

function longTouch(row) {
    row.dispatchEvent(new TouchEvent("touchstart", { bubbles: true, cancelable: true }));
    return new Promise((resolve) => setTimeout(resolve, 600)).then(() =>
        row.dispatchEvent(new TouchEvent("touchend", { bubbles: true, cancelable: true }))
    );
}

registry.category("web_tour.tours").add("stp_crm_ticket_merge_phone_tour", {
    steps: () => [
        {
            content: "On a phone, tickets open as cards: switch to the list",
            trigger: ".o_kanban_view .o_cp_switch_buttons button, .o_control_panel .o_cp_switch_buttons button",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o-dropdown-item:has(.oi-view-list)",
            run: "click",
        },
        {
            content: "On a phone, a long touch selects a ticket",
            trigger: `.o_list_view .o_data_row:contains('${TICKETS[0]}')`,
            run: ({ anchor }) => longTouch(anchor),
        },
        {
            content: "In selection mode, a tap selects another",
            trigger: `.o_list_view:has(.o_data_row_selected) .o_data_row:contains('${TICKETS[1]}')`,
            run: "click",
        },
        {
            content: "Open the actions of the selection",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        ...mergeAndOpen(),
    ],
});

registry.category("web_tour.tours").add("stp_crm_ticket_split_tour", {
    steps: () => [
        {
            content: "Point at the message about the second problem",
            trigger: ".o-mail-Message:contains('Máy in tour kẹt giấy')",
            run: "hover",
        },
        {
            content: "Split it into a new ticket",
            trigger: ".o-mail-Message:contains('Máy in tour kẹt giấy') button[name='stp-crm-split-ticket']",
            run: "click",
        },
        {
            content: "The message is chosen",
            trigger: ".modal .o_field_widget[name='message_ids'] .o_data_row:contains('Máy in tour kẹt giấy')",
        },
        {
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Máy in tour",
        },
        {
            trigger: ".modal button[name='action_split']",
            run: "click",
        },
        {
            content: "The new ticket opens",
            trigger: ".o_form_view .o_field_widget[name='split_from_id']",
        },
    ],
});
