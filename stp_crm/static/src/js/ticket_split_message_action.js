import { _t } from "@web/core/l10n/translation";
import { messageActionsRegistry } from "@mail/core/common/message_actions";

// On a ticket's chatter: split this message (and the others chosen in the wizard) into a new ticket.
messageActionsRegistry.add("stp-crm-split-ticket", {
    condition: (component) =>
        component.props.thread?.model === "stp.crm.ticket" &&
        component.store.self.isInternalUser &&
        ["email", "comment"].includes(component.props.message.message_type),
    icon: "fa fa-scissors",
    title: _t("Split into a new ticket"),
    onClick: (component) =>
        component.env.services.action.doAction("stp_crm.stp_crm_ticket_split_action", {
            additionalContext: {
                active_model: "stp.crm.ticket",
                active_id: component.props.thread.id,
                default_message_ids: [component.props.message.id],
            },
        }),
    sequence: 15,
});
