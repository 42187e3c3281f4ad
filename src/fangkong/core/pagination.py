"""Paging for list pages: a fixed page size, a page number from the query string, and a
count that stops at COUNT_CAP rows.

Counting every row of a list costs as much as reading it: the passage list of a province
(millions of rows) spent seconds on "共 N 条" before showing 50. Past the cap the page says
"more than 10,000" and the filters narrow the list; the first COUNT_CAP rows stay browsable.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count reads at most cap + 1 rows (SELECT COUNT(*) over a LIMIT)."""

    def __init__(self, object_list: Any, per_page: int, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.cap)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the cap (the count is then cap + 1)."""
        return self.count > self.cap


def capped_count(rows: QuerySet[Any] | Any, cap: int = COUNT_CAP) -> int:
    """How many rows, counting no further than cap + 1."""
    if isinstance(rows, QuerySet):
        return rows[: cap + 1].count()
    return len(rows)


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE, cap: int = COUNT_CAP
) -> Page[Any]:
    paginator = CappedPaginator(queryset, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
