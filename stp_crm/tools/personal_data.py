"""Reading a record for a person's data export (Law 91/2025/QH15, right of access)."""

from odoo.tools import html2plaintext


def export_values(record, names, not_readable):
    """The values of ``names`` on ``record`` the caller may read, as a person reads them
    (labels of selections, names of linked records, HTML as text, None when empty); the
    fields the caller may not read are added to ``not_readable``."""
    record.ensure_one()
    readable = record.fields_get(names, attributes=["type"])
    not_readable.extend(
        f"{record._description}: {record._fields[name]._description_string(record.env)}"
        for name in names
        if name not in readable and name in record._fields
    )
    values = {}
    for name in names:
        if name not in readable:
            continue
        field, value = record._fields[name], record[name]
        if field.type == "many2one":
            value = value.display_name or None
        elif field.type == "selection":
            value = dict(field._description_selection(record.env)).get(value)
        elif field.type == "html":
            value = html2plaintext(value or "") or None
        values[name] = value if value is not False or field.type == "boolean" else None
    return values
