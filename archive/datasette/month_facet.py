"""A `month` facet for ISO 8601 text columns: Datasette facets dates by day only.

`?_facet_month=first_seen` (or `{"month": "first_seen"}` in metadata) counts rows per
YYYY-MM; choosing a month filters with Datasette's own `first_seen__startswith=YYYY-MM`.
"""

from __future__ import annotations

import re
from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


class MonthFacet(Facet):
    """Rows per calendar month of an ISO 8601 date or timestamp column."""

    type = "month"

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        """One facet per configured column: months, newest first, with counts and toggle links."""
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config, source = source_and_config["config"], source_and_config["source"]
            column = config.get("column") or config["simple"]
            col = escape_sqlite(column)
            # HAVING (not WHERE) on the month itself: SQLite then reads an index on
            # substr(column, 1, 7) in order when the archive has one, instead of sorting rows.
            sql = f"""
                select substr({col}, 1, 7) as value, count(*) as count from ({self.sql})
                group by value having value >= '0' and value < ':'
                order by value desc limit {size + 1}
            """
            try:
                rows = await self.ds.execute(
                    self.database, sql, self.params, truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}__startswith"
            values = []
            for row in [r for r in rows.rows if _MONTH.match(r["value"] or "")][:size]:
                selected = args.get(key) == row["value"]
                toggle = (path_with_removed_args(self.request, {key: row["value"]}) if selected
                          else path_with_added_args(self.request, {key: row["value"]}))
                values.append({
                    "value": row["value"], "label": row["value"], "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, toggle), "selected": selected,
                })
            results.append({
                "name": column, "type": self.type, "results": values,
                "hideable": source != "metadata",
                "toggle_url": path_with_removed_args(self.request, {"_facet_month": column}),
                "truncated": len(rows.rows) > size,
            })
        return results, timed_out
