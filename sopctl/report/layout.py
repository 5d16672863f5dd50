"""The report page: one self-contained HTML file (inline CSS, inline SVG, no script, no font or
image to fetch). A Content-Security-Policy forbids every request, so the file stays silent
when opened, mailed or attached. All text is escaped."""

from __future__ import annotations

from collections.abc import Sequence

from .. import __version__
from . import charts, fmt
from .model import ReportData
from .sections import actions, approvals, exceptions, finance_table, learn, scenarios
from .svgkit import esc

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"

CSS = """
:root{--ink:#1a202c;--muted:#4a5568;--line:#e2e8f0;--ok:#2f855a;--miss:#c53030}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",
Arial,sans-serif;color:var(--ink);background:#f7fafc}
main{max-width:1040px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;
border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
p.meta{margin:2px 0;color:var(--muted)}p.note{color:var(--muted);margin:6px 0}
nav ol{columns:3;margin:12px 0;padding-left:20px;color:var(--muted)}
nav a{color:inherit}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px}
.kpi{border:1px solid var(--line);border-left:5px solid var(--muted);border-radius:4px;
padding:8px 10px}.kpi.ok{border-left-color:var(--ok)}.kpi.miss{border-left-color:var(--miss)}
.kpi .label{color:var(--muted);font-size:12px}.kpi .value{font-size:20px;font-weight:600}
.kpi .target{font-size:12px}.kpi .detail{font-size:12px;color:var(--muted)}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:11px;font-weight:600;
color:#fff;background:var(--muted)}.badge.ok{background:var(--ok)}
.badge.miss{background:var(--miss)}
table{border-collapse:collapse;width:100%;margin:6px 0 4px;font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top;
overflow-wrap:anywhere;min-width:5.5em}td.w,th.w{min-width:120px}.tw{overflow-x:auto}
th{background:#edf2f7;font-weight:600}td.n,th.n{text-align:right;
font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
td.k{white-space:nowrap;min-width:0}th.n{white-space:normal;overflow-wrap:normal}
tr.bad td{background:#fff5f5}
figure.chart{margin:12px 0;border:1px solid var(--line);border-radius:4px;padding:6px}
figure.chart svg{width:100%;height:auto;display:block}
figcaption{font-size:12px;color:var(--muted);padding:2px 6px}
.chart-title{font-size:14px;font-weight:600;fill:var(--ink)}
.tick,.legend-text{font-size:11px;fill:var(--muted)}
.axis-title{font-size:11.5px;fill:var(--ink)}.bar-label{font-size:11px;fill:var(--ink)}
.grid{stroke:#edf2f7}.axis-line{stroke:#a0aec0}
.s-total{fill:#4a5568}.s-up{fill:#38a169}.s-down{fill:#e53e3e}
.s-baseline{fill:#3182ce}.s-pipeline{fill:#805ad5}.s-promotion{fill:#dd6b20}
.s-renewal{fill:#38a169}.s-override{fill:#d53f8c}
.s-load{fill:#90cdf4}.s-ot{fill:#f6ad55}.s-cap{stroke:#2d3748;stroke-width:2}
.s-capmax{stroke:#2d3748;stroke-width:1.5;stroke-dasharray:5 3}
.s-demand{stroke:#c53030;stroke-width:2}.s-short{fill:#e53e3e}.s-bind{fill:#1a202c}
.s-inv{fill:#9ae6b4}.s-ss{stroke:#c05621;stroke-width:2;stroke-dasharray:6 3}
.s-rev{fill:#63b3ed}.s-margin{fill:#2f855a}.s-cash{stroke:#553c9a;stroke-width:2}
footer{margin-top:36px;font-size:11px;color:var(--muted)}
@page{margin:12mm}
@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}
.tw{overflow:visible}table{font-size:10px;break-inside:auto}th,td{padding:2px 4px}
td.w,th.w{min-width:80px}thead{display:table-header-group}
tr,figure.chart,.kpi{break-inside:avoid}h2,h3{break-after:avoid}}
"""

SHORT = 12  # a text column whose cells are all this short stays on one line

SECTIONS = (
    ("kpis", "Headline KPIs"),
    ("demand", "Demand"),
    ("capacity", "Demand and capacity"),
    ("inventory", "Inventory"),
    ("finance", "Finance"),
    ("exceptions", "Exceptions"),
    ("scenarios", "Scenarios"),
    ("approvals", "Approvals"),
    ("actions", "Actions"),
    ("learn", "Learn"),
)


def table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """An HTML table whose cells are escaped; columns in `numeric` align right and stay on one
    line, as do short codes (a period, an id: at most 12 characters); other text wraps at
    spaces (columns of long text keep a minimum width), so that no column is cut on a narrow
    screen or on paper."""
    wide = {
        i
        for i in range(len(head))
        if i not in numeric and rows and sum(len(r[i]) for r in rows) / len(rows) > 22
    }
    short = {
        i
        for i in range(len(head))
        if i not in numeric and max((len(r[i]) for r in rows), default=0) <= SHORT
    }

    def cls(i: int) -> str:
        if i in numeric:
            return " class=n"
        return " class=w" if i in wide else " class=k" if i in short else ""

    th = "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(head))
    body = []
    for r in rows:
        body.append(
            "<tr>" + "".join(f"<td{cls(i)}>{esc(c)}</td>" for i, c in enumerate(r)) + "</tr>"
        )
    return (
        f'<div class="tw"><table><thead><tr>{th}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _kpis(d: ReportData) -> str:
    cards = []
    for k in d.kpis:
        word = "on target" if k.status == "ok" else "misses"
        badge = f' <span class="badge {k.status}">{word}</span>' if k.status != "none" else ""
        target = f"target {esc(k.target)}{badge}" if k.target else "no charter target"
        cards.append(
            f'<div class="kpi {k.status}"><div class="label">{esc(k.label)}</div>'
            f'<div class="value">{esc(k.value)}</div><div class="target">{target}</div>'
            f'<div class="detail">{esc(k.detail)}</div></div>'
        )
    return f'<div class="kpis">{"".join(cards)}</div>'


def _demand(d: ReportData) -> str:
    if not d.waterfall:
        return '<p class="note">No demand plan.</p>'
    final = d.waterfall[-1].value
    out = charts.waterfall(
        "chart-demand-waterfall",
        "Demand waterfall over the horizon",
        d.waterfall,
        "layer of the demand view",
        "units",
        f"Units over {d.header.first_period} to {d.header.last_period}: the statistical "
        f"baseline, then each layer of the demand view, to the final {fmt.num(final)} units.",
    )
    names = {
        "baseline": "baseline",
        "pipeline": "pipeline",
        "promotion": "promotions",
        "renewal": "renewals",
        "override": "overrides",
    }
    out += charts.stacked(
        "chart-demand-periods",
        "Demand per period by layer",
        d.inventory.periods,
        d.demand_by_period,
        names,
        "units",
        "Units per period; overrides that lower demand stack below zero.",
    )
    return out


def _capacity(d: ReportData) -> str:
    if not d.resources:
        return '<p class="note">No resources in this plan.</p>'
    out = [
        '<p class="note">Load is the planned hours (regular and overtime); demand hours are what '
        "the final demand would need in its own period (final demand × routing hours), so a "
        "gap between them is pre-build or shortage.</p>"
    ]
    for i, r in enumerate(d.resources):
        out.append(charts.resource(r, f"chart-capacity-{i + 1}"))
    return "".join(out)


def _inventory(d: ReportData) -> str:
    inv = d.inventory
    if not inv.value:
        return '<p class="note">No supply plan.</p>'
    out = charts.inventory(inv, d.header.currency, [p.material_inventory for p in d.finance])
    if inv.items:
        rows = [(i, str(n), fmt.num(m, 1)) for i, n, m in inv.items[:20]]
        out += "<h3>Items below safety stock</h3>" + table(
            ["item", "periods below", "largest shortfall (units)"], rows, {1, 2}
        )
        if len(inv.items) > 20:
            out += f'<p class="note">… and {len(inv.items) - 20} more items.</p>'
    return out


def _finance(d: ReportData) -> str:
    if not d.finance:
        return '<p class="note">No finance view.</p>'
    cur = d.header.currency
    return (
        charts.cash_bridge(d.finance, cur)
        + charts.finance_periods(d.finance, cur)
        + "<h3>Finance bridge per period</h3>"
        + finance_table(d, table)
    )


def page(d: ReportData) -> str:
    h = d.header
    title = f"S&OP executive pack: {h.organisation}, cycle {h.cycle}"
    nav = "".join(f'<li><a href="#{sid}">{esc(name)}</a></li>' for sid, name in SECTIONS)
    meta = [
        f"Charter {h.charter} · horizon {h.first_period} to {h.last_period} ({h.bucket}s) · "
        f"currency {h.currency} · cycle status {h.cycle_status} · plan {h.status}",
        h.source,
    ]
    if h.verification:
        meta.append(h.verification)
    meta.append(f"Plan digest {h.plan_digest}")
    if h.as_of:
        meta.append(f"As of {h.as_of}")
    bodies = {
        "kpis": _kpis(d),
        "demand": _demand(d),
        "capacity": _capacity(d),
        "inventory": _inventory(d),
        "finance": _finance(d),
        "exceptions": exceptions(d, table),
        "scenarios": scenarios(d, table),
        "approvals": approvals(d, table),
        "actions": actions(d, table),
        "learn": learn(d, table),
    }
    sections = "".join(
        f'<section id="{sid}"><h2>{esc(name)}</h2>{bodies[sid]}</section>' for sid, name in SECTIONS
    )
    notes = "".join(f'<p class="note">Plan note: {esc(n)}</p>' for n in d.notes)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="generator" content="sopctl {esc(__version__)}">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<header><h1>{esc(title)}</h1>"
        + "".join(f'<p class="meta">{esc(m)}</p>' for m in meta)
        + f"</header><nav><ol>{nav}</ol></nav>{sections}{notes}"
        f"<footer>Made by sopctl {esc(__version__)} from the files of cycle {esc(h.cycle)}; "
        "every number can be traced to cycles/"
        f"{esc(h.cycle)}/outputs/ and the inputs named in docs/report.md.</footer>"
        "</main></body></html>\n"
    )
