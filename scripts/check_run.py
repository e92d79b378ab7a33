"""Checks, over XML-RPC, what `make run` serves: a Vietnamese company in VND with
l10n_vn, the interface in the chosen language, stp_crm with its Vietnamese demo data
loaded (the demo company in Hồ Chí Minh City, its invoices posted, prices in đồng).

    STP_CRM_PORT=8169 python3 scripts/check_run.py      # `make check-run`

Reads STP_CRM_DB, STP_CRM_PORT, STP_CRM_LANG and STP_CRM_COUNTRY as scripts/run.sh
does (defaults stp_crm_demo, 8069, vi_VN, VN) and logs in as admin/admin. Exits
non-zero, naming what differs, when a check fails."""

import os
import sys
import xmlrpc.client

DB = os.environ.get("STP_CRM_DB", "stp_crm_demo")
URL = f"http://localhost:{os.environ.get('STP_CRM_PORT', '8069')}"
LANG = os.environ.get("STP_CRM_LANG", "vi_VN")
COUNTRY = os.environ.get("STP_CRM_COUNTRY", "VN")


def main():
    uid = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/common").authenticate(DB, "admin", "admin", {})
    if not uid:
        sys.exit(f"cannot log in as admin/admin on {DB} at {URL}")
    models = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(DB, uid, "admin", model, method, list(args), kwargs)

    [admin] = call("res.users", "read", [uid], ["lang", "company_id"])
    [company] = call(
        "res.company",
        "read",
        [admin["company_id"][0]],
        ["country_code", "currency_id", "chart_template", "stp_tier_a_threshold", "stp_tier_b_threshold"],
    )
    modules = {
        module["name"]: module
        for module in call(
            "ir.module.module", "search_read", [("name", "in", ["l10n_vn", "stp_crm"])], ["name", "state", "demo"]
        )
    }
    failures = []

    def check(label, actual, expected):
        print(f"{'ok ' if actual == expected else 'BAD'} {label}: {actual!r}")
        if actual != expected:
            failures.append(f"{label}: {actual!r}, expected {expected!r}")

    check("admin language", admin["lang"], LANG)
    check("stp_crm", modules.get("stp_crm", {}).get("state"), "installed")
    check("stp_crm demo data loaded", modules.get("stp_crm", {}).get("demo"), True)
    check_demo(call, check)
    if COUNTRY == "VN":
        currency_id, currency = company["currency_id"]
        check("company country", company["country_code"], "VN")
        check("company currency", currency, "VND")
        check("l10n_vn", modules.get("l10n_vn", {}).get("state"), "installed")
        check("chart of accounts", company["chart_template"], "vn")
        check(
            "tier thresholds in đồng",
            (company["stp_tier_a_threshold"], company["stp_tier_b_threshold"]),
            (500_000_000, 100_000_000),
        )
        words = call("res.currency", "amount_to_text", [currency_id], 1_650_000, context={"lang": LANG})
        check("amount in words ends in the currency unit", words.split()[-1], "đồng" if LANG == "vi_VN" else "Dong")
        provinces = call(
            "res.partner",
            "read_group",
            [("stp_classification", "!=", False), ("is_company", "=", True), ("state_id.country_id.code", "=", "VN")],
            ["state_id"],
            ["state_id"],
        )
        check("demo companies in at least 4 provinces", len(provinces) >= 4, True)
    if failures:
        sys.exit("make run does not serve what it should:\n  " + "\n  ".join(failures))
    print(f"{DB} at {URL}: all checks passed")


def check_demo(call, check):
    """The demo company in Hồ Chí Minh City and its invoices, made once its chart of accounts
    was there (models/account_chart_template.py), in đồng."""
    [company] = call(
        "res.company", "search_read", [("partner_id", "=", xmlid(call, "base.main_partner"))], ["state_id", "phone"]
    )
    check(
        "demo company in Hồ Chí Minh City",
        company["state_id"] and company["state_id"][0],
        xmlid(call, "base.state_vn_VN-SG"),
    )
    check("demo company's phone is Vietnamese", company["phone"][:3], "+84")
    [compressor] = call("product.product", "read", [xmlid(call, "stp_crm.product_demo_compressor")], ["list_price"])
    check("the compressor's price in đồng", compressor["list_price"], 385_000_000)
    invoice_ids = [
        data["res_id"]
        for data in call(
            "ir.model.data", "search_read", [("module", "=", "stp_crm"), ("model", "=", "account.move")], ["res_id"]
        )
    ]
    invoices = call("account.move", "search_read", [("id", "in", invoice_ids)], ["state", "amount_total"])
    check("demo invoices posted", sorted({invoice["state"] for invoice in invoices}), ["posted"])
    check("demo invoices in millions of đồng", min((i["amount_total"] for i in invoices), default=0) >= 1e6, True)


def xmlid(call, name):
    module, name = name.split(".")
    [data] = call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
    return data["res_id"]


if __name__ == "__main__":
    main()
