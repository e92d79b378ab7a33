from odoo import models
from odoo.models import regex_order
from odoo.tools import SQL


class StpCrmRatioMixin(models.AbstractModel):
    """Ratio measures of a report: a percentage of two sums, right in every group of a
    pivot, a graph or a grouped list (a ratio of sums, never a sum of ratios).

    ``_ratio_measures`` maps a measure to ``(numerator, denominator)`` fields: its
    ``sum`` in ``read_group`` is ``100 * SUM(numerator) / SUM(denominator)``, empty when
    the denominator sums to 0. Sorted on, an empty ratio counts as the lowest: first in
    ascending order, last in descending order (unless the order says otherwise)."""

    _name = "stp.crm.ratio.mixin"
    _description = "Report Ratio Measures"

    _ratio_measures = {}

    def _read_group_select(self, aggregate_spec, query):
        fname, _sep, func = aggregate_spec.partition(":")
        if fname in self._ratio_measures and func == "sum":
            numerator, denominator = self._ratio_measures[fname]
            return SQL(
                "100.0 * %s / NULLIF(%s, 0)",
                super()._read_group_select(f"{numerator}:sum", query),
                super()._read_group_select(f"{denominator}:sum", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_orderby(self, order, groupby_terms, query):
        if order:
            order = ",".join(self._ratio_order_term(term) for term in order.split(","))
        return super()._read_group_orderby(order, groupby_terms, query)

    def _ratio_order_term(self, term):
        """``term`` of a ``read_group`` order, with the NULLs of a ratio where its empty
        values belong (PostgreSQL puts NULLs first in descending order)."""
        match = regex_order.match(term)
        if not match or match["field"] not in self._ratio_measures or match["nulls"]:
            return term
        descending = (match["direction"] or "").lower() == "desc"
        return f"{term.strip()} {'NULLS LAST' if descending else 'NULLS FIRST'}"
