"""`sopctl report`: the executive pack of a cycle or a verified tag as one HTML file.

source.py finds the numbers (working tree or tag), gather.py and records.py turn them into
ReportData, charts.py/svgkit.py draw the SVG charts and layout.py/sections.py lay out the page.
The same files give the same bytes: no clock, no randomness, no network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Report
from .source import PlanSource, PlanUnavailable, inputs_only, is_tag, tagged, working_tree

__all__ = ["PlanUnavailable", "ReportOutcome", "build_report", "default_out", "plan_source"]


@dataclass
class ReportOutcome:
    path: Path
    size: int
    cycle: str
    label: str  # "working tree" or the tag name
    verdict: str  # '' for the working tree
    charts: int
    report: Report = field(default_factory=Report)


@contextmanager
def plan_source(root: Path, target: str | None, solve: bool = True) -> Iterator[PlanSource]:
    """The plan a CYCLE or TAG argument names (default: the current or latest cycle).

    `solve=False` (working tree only): just the loaded cycle, even with invalid input tables
    (for exporting the inputs to fix them); a tag is always verified and re-made."""
    from ..workspace import pick_cycle

    if target is not None and is_tag(root, target):
        with tagged(root, target) as src:
            yield src
        return
    cycle = pick_cycle(root, target, Path.cwd())
    yield working_tree(root, cycle) if solve else inputs_only(root, cycle)


def default_out(root: Path, src: PlanSource, stem: str, suffix: str) -> Path:
    """cycles/<id>/outputs/<stem>.<suffix> (git-ignored); for a tag <stem>-v<N>.<suffix>."""
    name = stem
    if src.tag is not None:
        m = re.search(r"/v(\d+)$", src.tag.name)
        name += f"-v{m[1]}" if m else "-" + re.sub(r"[^A-Za-z0-9._-]+", "-", src.tag.name)
    return root / "cycles" / src.ws.cycle_id / "outputs" / f"{name}.{suffix}"


def build_report(
    root: Path,
    target: str | None,
    out: Path | None,
    scenarios: list[str] | None = None,
    as_of: dt.date | None = None,
) -> ReportOutcome:
    """Render the report and write it atomically; PlanUnavailable when there is no plan."""
    from ..outputs import write_atomic
    from .gather import gather
    from .layout import page

    with plan_source(root, target) as src:
        when = as_of or (src.tag.date if src.tag else None)
        data = gather(src, when, scenarios or None)
        html = page(data).encode("utf-8")
        path = out or default_out(root, src, "report", "html")
        write_atomic(path, html, follow=out is not None)  # a named --out: through a link
        return ReportOutcome(
            path=path,
            size=len(html),
            cycle=src.ws.cycle_id,
            label=src.tag.name if src.tag else "working tree",
            verdict=src.tag.verdict if src.tag else "",
            charts=html.count(b'<figure class="chart"'),
            report=src.report,
        )
