/**
 * Odoo's clickbot (@web/webclient/clickbot) drives the desktop layout: the apps
 * dropdown, the section menus, the view switcher buttons, the search bar always
 * open. None of them exists at phone size, where it stops at its first step ("No
 * element apps menu toggle button"). This walks the same screens the way a phone
 * user does: the app and each of its menus from the burger menu, each view from
 * the view switcher dropdown, and each filter (in the menu's first view) and each
 * group-by (in every view) on its own, from the search bar toggled open. It fails
 * on the first error dialog and ends with the clickbot's success signal.
 */
import { App } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { rpcBus } from "@web/core/network/rpc";

export const SUCCESS_SIGNAL = "clickbot test succeeded";
const MOUSE_EVENTS = ["mouseover", "mouseenter", "mousedown", "mouseup", "click"];
// At phone size the view switcher is a dropdown.
const VIEW_SWITCHER = ".o_control_panel .o_cp_switch_buttons button";

const pendingRpcs = new Set();
let actionCount = 0;
const counts = { menus: 0, views: 0, filters: 0, groupBys: 0 };

function isIdle() {
    return !pendingRpcs.size && [...App.apps].every((app) => !app.scheduler.tasks.size);
}

async function waitFor(condition, description) {
    for (let waited = 0; waited < 30000; waited += 25) {
        const errorDialog = document.querySelector(".o_error_dialog");
        if (errorDialog) {
            throw new Error(`Error dialog while ${description}: ${errorDialog.innerText}`);
        }
        if (condition() && isIdle()) {
            return;
        }
        await new Promise((resolve) => browser.setTimeout(resolve, 25));
    }
    throw new Error(`Timeout while ${description}`);
}

async function click(target, description) {
    if (!target) {
        throw new Error(`No element "${description}" found.`);
    }
    browser.console.log(`Clicking on: ${description}`);
    for (const type of MOUSE_EVENTS) {
        target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window }));
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await waitFor(() => true, description);
}

async function openBurgerMenu() {
    await click(document.querySelector(".o_main_navbar .o_menu_toggle"), "burger menu");
    await waitFor(() => document.querySelector(".o_app_menu_sidebar"), "opening the burger menu");
}

async function openMenu(selector, description) {
    const before = actionCount;
    await click(document.querySelector(`.o_app_menu_sidebar ${selector}`), description);
    await waitFor(() => actionCount > before || document.querySelector(".o_dialog"), `opening ${description}`);
    const dialogClose = document.querySelector(".o_dialog header > .btn-close");
    if (dialogClose) {
        await click(dialogClose, "dialog close button");
    }
}

/** The search bar menu, opened: filters, group-bys. */
async function openSearchMenu() {
    if (!document.querySelector(".o_search_bar_menu")) {
        if (!document.querySelector(".o_searchview_dropdown_toggler")) {
            const searchToggler = document.querySelector(".o_control_panel button:has(> .fa-search)");
            if (!searchToggler) {
                return false;
            }
            await click(searchToggler, "search bar toggler");
        }
        await click(document.querySelector(".o_searchview_dropdown_toggler"), "search options toggler");
    }
    return Boolean(document.querySelector(".o_search_bar_menu"));
}

function searchItems(menuClass) {
    const items = `.${menuClass} > .o_menu_item:not(.o_add_custom_filter, .o_add_custom_group_menu), .${menuClass} > .o_accordion`;
    return [...document.querySelectorAll(items)];
}

/** The clickable element of a search item: a date filter is its first option, as the clickbot does. */
async function searchItemTarget(menuClass, index) {
    if (!(await openSearchMenu())) {
        return null;
    }
    const item = searchItems(menuClass)[index];
    if (!item.classList.contains("o_accordion")) {
        return item;
    }
    if (!item.querySelector(".o_accordion_values")) {
        await click(item.querySelector(".o_accordion_toggle"), `"${item.innerText.trim()}" options`);
    }
    return item.querySelector(".o_accordion_values > .dropdown-item");
}

/** Each item of a search menu on its own: clicked on, then off again. */
async function testSearchItems(menuClass, counter) {
    const labels = searchItems(menuClass).map((item) => item.innerText.trim());
    const kind = menuClass === "o_filter_menu" ? "filter" : "group-by";
    for (const [index, label] of labels.entries()) {
        await click(await searchItemTarget(menuClass, index), `${kind} "${label}"`);
        await click(await searchItemTarget(menuClass, index), `${kind} "${label}" (off)`);
        counts[counter]++;
    }
}

/** Filters once per menu, in its first view; group-bys in every view, since each view groups its own way. */
async function testSearch({ withFilters }) {
    if (await openSearchMenu()) {
        if (withFilters) {
            await testSearchItems("o_filter_menu", "filters");
        }
        await testSearchItems("o_group_by_menu", "groupBys");
    }
}

async function testViews() {
    await testSearch({ withFilters: true });
    const switcher = document.querySelector(VIEW_SWITCHER);
    if (!switcher) {
        return;
    }
    await click(switcher, "view switcher");
    const viewNames = [...document.querySelectorAll(".o-dropdown--menu .dropdown-item:not(.selected)")].map((item) => item.innerText.trim());
    await click(switcher, "view switcher (close)");
    for (const viewName of viewNames) {
        await click(document.querySelector(VIEW_SWITCHER), "view switcher");
        const item = [...document.querySelectorAll(".o-dropdown--menu .dropdown-item")].find((el) => el.innerText.trim() === viewName);
        const before = actionCount;
        await click(item, `${viewName} view`);
        await waitFor(() => actionCount > before, `opening the ${viewName} view`);
        counts.views++;
        await testSearch({ withFilters: false });
    }
}

function leafMenus(menu) {
    return menu.childrenTree.length ? menu.childrenTree.flatMap(leafMenus) : [menu];
}

export async function clickEverywherePhone(appXmlid) {
    const env = odoo.__WOWL_DEBUG__.root.env;
    env.bus.addEventListener("ACTION_MANAGER:UI-UPDATED", () => actionCount++);
    rpcBus.addEventListener("RPC:REQUEST", ({ detail }) => pendingRpcs.add(detail.data.id));
    rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => pendingRpcs.delete(detail.data.id));
    const start = performance.now();
    try {
        await openBurgerMenu();
        if (!document.querySelector(`.o_app_menu_sidebar li.o_app[data-menu-xmlid="${appXmlid}"]`)) {
            await click(document.querySelector(".o_app_menu_sidebar .o_sidebar_topbar .btn-primary"), "All Apps");
        }
        await openMenu(`li.o_app[data-menu-xmlid="${appXmlid}"]`, `app ${appXmlid}`);
        const app = env.services.menu.getApps().find((menu) => menu.xmlid === appXmlid);
        for (const menu of leafMenus(env.services.menu.getMenuAsTree(app.id))) {
            browser.console.log(`Testing menu ${menu.name} ${menu.xmlid}`);
            await openBurgerMenu();
            await openMenu(`li[data-menu-xmlid="${menu.xmlid}"]`, `menu "${menu.name}"`);
            counts.menus++;
            await testViews();
        }
        browser.console.log(`Test took ${(performance.now() - start) / 1000} seconds`);
        browser.console.log(
            `Successfully tested ${counts.menus} menus, ${counts.views} view switches, ` +
                `${counts.filters} filters and ${counts.groupBys} group-bys at phone size`
        );
        browser.console.log(SUCCESS_SIGNAL);
    } catch (error) {
        browser.console.error(error);
    }
}
