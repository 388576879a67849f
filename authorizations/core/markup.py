"""HTML written in Python for the rows a page repeats (the work queue's
cells, the reviewer's request page's tables): Django's template engine
spends some 8 µs a variable (lookup, localize, escape), and those pages
print over a thousand, most of them in rows (docs/benchmarks.md, issue 20).
The escaping is Django's own: tests/review/admin/test_queue_rows.py holds
quick_html equal to format_html."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe


def quick_html(template: str, *args: Any) -> SafeString:
    """format_html for cells drawn many times a page: the same escaping
    (html.escape, as django.utils.html.escape), without Django's lazy-string
    checks on every argument."""
    return mark_safe(template.format(*(
        arg.__html__() if hasattr(arg, "__html__") else html.escape(str(arg)) for arg in args)))


class Rows(list[Any]):
    """A list of a page's rows that writes them too: `{{ rows.html }}` is one
    variable for a whole table body, written by `write(rows)` when (and only
    if) the template asks. The rows stay a list for `{% if rows %}` and for
    the pages that still loop over them."""

    def __init__(self, rows: Iterable[Any], write: Callable[[list[Any]], str]) -> None:
        super().__init__(rows)
        self._write = write

    @cached_property
    def html(self) -> SafeString:
        return mark_safe(self._write(self))
