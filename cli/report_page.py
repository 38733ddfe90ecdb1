"""Renders the report's figures as one self-contained HTML page.

Jinja2 (autoescaped: names are user input) writes the page and every table;
Plotly.js, inlined from the plotly package, draws the charts in the browser
from the page's `report-data` JSON block, so the figures exist once and
nothing is fetched when the page is viewed. Imported only by `report`: jinja2
and plotly are too heavy for every command's start-up.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cli.output import to_json
from cli.reports import groups_document
from domain.vocabulary import DIRECTIONS, END_REASONS, REPORT_HORIZONS, EndReason
from projections.engagement import HEALTH_STATES
from projections.report_data import ReportFigures

# Characters that could end the script block or be read as markup, as JSON escapes.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}  # fmt: skip


def pseudonyms(ids: Iterable[str], key: bytes) -> dict[str, str]:
    """A stable code per person, `P-` and four hex digits of a keyed hash (more
    digits for everyone if two listed people would share one). The key is the
    store's own, so a reader cannot recompute codes from a list of employee ids."""
    ids = sorted(set(ids))
    digests = {i: hmac.new(key, i.encode(), hashlib.sha256).hexdigest() for i in ids}
    for width in range(4, 65, 2):
        codes = {i: f"P-{d[:width]}" for i, d in digests.items()}
        if len(set(codes.values())) == len(codes):
            return codes
    raise AssertionError("unreachable: SHA-256 digests of distinct ids differ")


def script_json(data: Any) -> str:
    """JSON that can sit inside `<script type="application/json">` whatever names hold."""
    return to_json(data).translate(_SCRIPT_SAFE)


def at_risk_rows(figures: ReportFigures, codes: dict[str, str] | None) -> list[dict[str, Any]]:
    """The listed pairings as shown: names beside ids, or only codes when pseudonymised."""
    shown = []
    for row in figures.at_risk:
        entry = {k: row[k] for k in ("id", "program", "direction", "health", "paired_on",
                                     "last_met_on", "days_quiet", "cadence_days")}  # fmt: skip
        for role in ("mentor", "mentee"):
            if codes is not None:
                entry[role] = codes[row[role]]
            else:
                entry[role] = row[role]
                entry[f"{role}_name"] = figures.people.get(row[role])
        shown.append(entry)
    return shown


def report_data(
    figures: ReportFigures, meta: dict[str, Any], codes: dict[str, str] | None
) -> dict[str, Any]:
    """The page's JSON: `retention` and `engagement` exactly as those commands print them."""
    return {
        "meta": meta,
        "directions": list(DIRECTIONS),
        "retention": groups_document(figures.as_of, "direction", figures.retention),
        "engagement": groups_document(figures.as_of, "direction", figures.engagement),
        "incidence": figures.incidence,
        "curves": figures.curves,
        "monthly": figures.monthly,
        "program_health": figures.program_health,
        "at_risk": {"total": figures.at_risk_total, "listed": at_risk_rows(figures, codes)},
        "cohorts": figures.cohorts,
        "participants": figures.participants,
    }


def render(figures: ReportFigures, meta: dict[str, Any], codes: dict[str, str] | None) -> str:
    import jinja2
    import plotly.offline

    # The template is read as package data, like the script and the style; one
    # file needs no loader (and PackageLoader finds the tests' cli folder first).
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pct"] = percent
    environment.filters["num"] = number
    environment.filters["label"] = label
    data = report_data(figures, meta, codes)
    template = environment.from_string(_asset("report.html.j2"))
    return template.render(
        data=data,
        data_json=script_json(data),
        plotly_js=plotly.offline.get_plotlyjs(),
        script=_asset("report.js"),
        style=_asset("report.css"),
        directions=DIRECTIONS,
        present=[g["key"] for g in figures.retention],
        retention={g["key"]: g for g in figures.retention},
        engagement={g["key"]: g for g in figures.engagement},
        horizons=[str(h) for h in REPORT_HORIZONS if h in (90, 180, 365)],
        ways=[*END_REASONS],
        not_dropouts=(EndReason.COMPLETED, EndReason.PROGRAM_CLOSED),
        health_states=HEALTH_STATES,
        pseudonymised=codes is not None,
    )


def _asset(name: str) -> str:
    # Beside this module, in an editable or a regular install alike (package
    # data: see pyproject). Not importlib.resources.files("cli"): under pytest
    # that finds the tests' own cli folder.
    return (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")


NOTHING = "\u2013"  # an en dash: "no value" in the tables, as in print


def percent(value: float | None, digits: int = 1) -> str:
    return NOTHING if value is None else f"{100 * value:.{digits}f}%"


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return NOTHING
    return f"{value:,}" if isinstance(value, int) else f"{value:,.{digits}f}"


def label(key: str | None) -> str:
    """`mentor_withdrew` -> `mentor withdrew`."""
    return "" if key is None else str(key).replace("_", " ")
