"""The operations page: aggregate prior authorization metrics for a period,
as a page (charts drawn on the server as SVG, each with its table) and as CSV.
Reviewers and operations staff only; figures come from metrics.compute."""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from authorizations.core import access, zones
from authorizations.core.pages import SERVICE_NAME
from authorizations.operations import metrics, outcomes
from authorizations.operations.forms import Period, PeriodForm, default_period, periods
from authorizations.treatment.forms import FIX_ASSAYS


def _period(request) -> tuple[PeriodForm, date | None, date | None]:
    data = request.GET if request.GET else default_period(zones.today()).query
    form = PeriodForm(data)
    if form.is_valid():
        return form, form.cleaned_data["from"], form.cleaned_data["to"]
    return form, None, None


def _allowed(request):
    """None when the user may see the page, else the response."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_see_operations(request.user):
        raise PermissionDenied("Only reviewers and operations staff can see this page.")
    return None


BAR_HEIGHT, GAP, BAR_SPACE = 28, 12, 300
# Issue 20: the chart is drawn at its own size (one SVG unit a CSS pixel), so
# its 14 px text stays 14 px, and its width is what the text needs: a wide
# character (0.62 of the font size, above the average of any sans-serif
# font) times the longest label, so no label is clipped.
FONT_SIZE, CHAR_WIDTH, PAD = 14, 0.62 * 14, 16


def _text_width(texts: list[str]) -> int:
    return math.ceil(max((len(t) for t in texts), default=0) * CHAR_WIDTH) + PAD


def chart(figures: list[metrics.Figure]) -> dict:
    """Geometry of a horizontal bar chart of `figures` (suppressed: no bar)."""
    known = [float(f.value) for f in figures if not f.suppressed and f.value is not None]
    top = max(known, default=0) or 1
    label_width = _text_width([f.label for f in figures])
    bars = []
    for i, f in enumerate(figures):
        y = i * (BAR_HEIGHT + GAP)
        width = 0 if f.suppressed or f.value is None else round(BAR_SPACE * float(f.value) / top)
        bars.append({"figure": f, "y": y, "text_y": y + BAR_HEIGHT * 0.68, "width": width,
                     "value_x": label_width + width + 8})
    return {"bars": bars, "figures": figures, "height": len(figures) * (BAR_HEIGHT + GAP),
            "width": label_width + BAR_SPACE + 8 + _text_width([f.text for f in figures]),
            "label_width": label_width, "label_x": label_width - 8,
            "bar_height": BAR_HEIGHT, "font_size": FONT_SIZE}


def _link(period: Period, current: bool) -> dict:
    return {"name": period.name, "start": period.start, "end": period.end,
            "query": urlencode(period.query), "current": current}


@require_GET
def operations(request):
    refused = _allowed(request)
    if refused:
        return refused
    form, start, end = _period(request)
    named = periods(zones.today())
    context = {"page_title": f"Operations – {SERVICE_NAME}", "form": form,
               "suppress_below": metrics.SUPPRESS_BELOW,
               "periods": [_link(p, (p.start, p.end) == (start, end)) for p in named]}
    if start is None:
        context["error_summary"] = form.error_summary()
        return render(request, "authorizations/operations/page.html", context, status=400)
    m = metrics.compute(start, end)
    by_key = {f.key: f for f in m.figures}
    context.update({
        "metrics": m,
        "period_name": next((p.name for p in named if (p.start, p.end) == (start, end)), ""),
        "csv_query": request.GET.urlencode() or f"from={start}&to={end}",
        "counts_chart": chart(m.counts),
        "time_chart": chart([by_key[k] for k in (
            "median_hours_to_decision_expedited", "average_hours_to_decision_expedited",
            "median_hours_to_decision_standard", "average_hours_to_decision_standard")]),
        "other": [by_key[k] for k in ("decided_within_clock_percent",
                                      "median_hours_first_step_to_submission",
                                      "documents_per_request")],
    })
    return render(request, "authorizations/operations/page.html", context)


@require_GET
def operations_csv(request):
    refused = _allowed(request)
    if refused:
        return refused
    form, start, end = _period(request)
    if start is None:
        problems = "; ".join(m for errors in form.errors.values() for m in errors)
        return HttpResponse(problems + "\n", status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="hemgenix-pa-metrics-{start}-to-{end}.csv"')
    csv.writer(response).writerows(metrics.compute(start, end).csv_rows())
    return response


# The factor IX table as people compare it: a row per time point, a column per
# measure, one table per assay (never pooled) and one of the results left out.
# The figures are outcomes.compute's, found by their keys; 100 rows of
# "Median factor IX activity, one-stage assay, at 42 months" became 30.
FIX_COLUMNS = (("patients", "Patients with a result"), ("median", "Median"),
               ("range", "Range"), ("below", "Reported below a limit (\u201c<N\u201d)"))
LEFT_OUT_COLUMNS = (("left_out", "Taken soon after a factor IX product dose"),
                    ("no_assay", "No assay given"))


FIX_TITLE = "Factor IX activity by time point"


def fix_grids(o: outcomes.Outcomes) -> list[dict]:
    by_key = {f.key: f for f in o.fix_table}

    def grid(grid_id: str, title: str, columns, key: str) -> dict:
        """`key`: the figure's key with {column} and {months} to fill."""
        return {"id": grid_id, "title": f"{FIX_TITLE}: {title}",
                "columns": [label for _, label in columns],
                "rows": [{"months": months,
                          "cells": [by_key[key.format(column=column, months=months)]
                                    for column, _ in columns]}
                         for _, months in outcomes.TIME_POINTS]}

    return [grid(f"table-fix-{assay}",
                 f"{words.split(' (')[0].removesuffix(' assay').lower()} assay (% of normal)",
                 FIX_COLUMNS, f"fix_{{column}}_{assay}_{{months}}")
            for assay, words in FIX_ASSAYS] + [
        grid("table-fix-left-out", "results left out", LEFT_OUT_COLUMNS,
             "fix_{column}_{months}")]


def _short(figures, labels):
    """The same figures with the chart's shorter labels (the table keeps the long ones)."""
    return [replace(f, label=label) for f, label in zip(figures, labels, strict=True)]


@require_GET
def outcomes_page(request):
    """Outcomes after treatment (aggregates only; cells under 11 patients
    suppressed), from outcomes.compute. Same access as the operations page."""
    refused = _allowed(request)
    if refused:
        return refused
    o = outcomes.compute()
    months = [str(m) for _, m in outcomes.TIME_POINTS]
    fix_months = f"{', '.join(months[:-1])} and {months[-1]} months"  # "6, 12, ... and 60 months"
    assays = [words.split(" (")[0].removesuffix(" assay") for _, words in FIX_ASSAYS]
    treated_rates = [f for f in o.bleeds if f.key.startswith(("abr_baseline", "abr_treated"))]
    return render(request, "authorizations/operations/outcomes.html", {
        "page_title": f"Outcomes – {SERVICE_NAME}", "outcomes": o,
        "suppress_below": metrics.SUPPRESS_BELOW,
        "exogenous_days": settings.OUTCOMES_EXOGENOUS_FIX_DAYS,
        "treated_chart": chart(_short([o.treated] + o.prophylaxis[:1],
                                      ("Patients treated", "Back on prophylaxis"))),
        "treated_table": [o.treated] + o.prophylaxis,
        "fix_chart": chart(_short(o.fix_medians, [f"{assay}, {m} months"
                                                  for _, m in outcomes.TIME_POINTS
                                                  for assay in assays])),
        "fix_months": fix_months,
        "fix_grids": fix_grids(o),
        "fix_title": FIX_TITLE,
        "bleeds_chart": chart(_short(treated_rates, ["Lead-in"] + [
            f"Months {first}-{last}" for first, last in outcomes.WINDOWS])),
        "completion_chart": chart(_short(o.completion[:3], ("Due so far", "Submitted",
                                                            "Waived"))),
    })
