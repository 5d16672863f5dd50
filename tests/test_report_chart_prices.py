"""The capacity chart's marks say a shadow price as the exception of their period does: a
price that is an upper bound of what one more hour saves ('saves at most' in exceptions.csv's
message, reconcile/prices.py) reads 'at most' there too. The chart said 'shadow price 21.30
per hour' where the exception said '1 more hour on ASSY in 2027-05 saves at most 21.30 EUR'."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
from pathlib import Path

import pytest

from sopctl.reconcile import prices
from sopctl.report.charts import resource
from sopctl.report.model import ResourceLoad
from tests.helpers import run

OUT = "cycles/2026-12/outputs"
P = ["2027-01", "2027-02", "2027-03"]


def _load(limit: list[str], bound: list[bool]) -> ResourceLoad:
    three = [100.0, 100.0, 100.0]
    return ResourceLoad(
        "line-a", "fixed", P, three, [0.0] * 3, three, [0.0] * 3, [1.0] * 3, three,
        [12.5, 0.0, 7.25], limit, bound,
    )  # fmt: skip


def _titles(svg: str) -> list[str]:
    return [htmllib.unescape(t) for t in re.findall(r"<title>([^<]*per hour[^<]*)</title>", svg)]


def _caption(svg: str) -> str:
    (cap,) = re.findall(r"<figcaption>(.*?)</figcaption>", svg)
    return htmllib.unescape(cap)


@pytest.mark.parametrize(
    ("bound", "titles", "caption"),
    [
        (
            [False, False, False],
            [
                "2027-01: at capacity (shadow price 12.50 per hour)",
                "2027-03: at capacity (shadow price 7.25 per hour)",
            ],
            "2 period(s) at a limit (●): 2 at capacity.",
        ),
        (
            [False, False, True],
            [
                "2027-01: at capacity (shadow price 12.50 per hour)",
                "2027-03: at capacity (shadow price at most 7.25 per hour)",
            ],
            "2 period(s) at a limit (●): 2 at capacity. 1 of their shadow prices is an upper "
            "bound (the LP's dual): 1 more hour saves at most that, as its exception says.",
        ),
        (
            [True, False, True],
            [
                "2027-01: at capacity (shadow price at most 12.50 per hour)",
                "2027-03: at capacity (shadow price at most 7.25 per hour)",
            ],
            "2 of their shadow prices are upper bounds (the LP's dual): 1 more hour saves at "
            "most that, as their exceptions say.",
        ),
    ],
    ids=["exact", "one bound", "both bounds"],
)
def test_a_mark_whose_price_is_a_bound_says_at_most(
    bound: list[bool], titles: list[str], caption: str
) -> None:
    svg = resource(_load(["at capacity", "", "at capacity"], bound), "c")
    assert _titles(svg) == titles
    assert _caption(svg).endswith(caption)
    if not any(bound):
        assert "at most" not in svg and "upper bound" not in svg


def test_the_chart_says_each_price_as_its_exception_does(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Limits whose dual holds for part of the hour left duals (as in a plan too large to
    re-solve them): some of the minimal plan's prices are bounds, some exact."""
    monkeypatch.setattr(prices, "PARTIAL_WORK", 0)
    assert run(["reconcile"], cwd=repo).code == 0
    r = run(["report", "--out", "pack.html"], cwd=repo)
    assert r.code == 0, r.out + r.err
    page = (repo / "pack.html").read_text(encoding="utf-8")
    data = (repo / OUT / "exceptions.csv").read_text(encoding="utf-8")
    said = {
        (row["resource"], row["period"]): row["message"]
        for row in csv.DictReader(io.StringIO(data))
        if row["kind"] == "overload" and row["resource"]
    }
    seen = {True: 0, False: 0}
    for chart in re.findall(r'<figure class="chart" id="chart-capacity-.*?</figure>', page):
        name = re.search(r"<title[^>]*>([^<]*) \(\w+\): load against capacity<", chart)
        assert name is not None
        n_bound = 0
        for tip in _titles(chart):
            m = re.fullmatch(r"(\S+): .* \(shadow price (at most )?([\d,.]+) per hour\)", tip)
            assert m is not None, tip
            message = said[(name.group(1), m.group(1))]
            verb = "saves at most" if m.group(2) else "saves"
            hour = f"1 more hour on {name.group(1)} in {m.group(1)} {verb} {m.group(3)} EUR"
            assert hour in message, (tip, message)
            seen[bool(m.group(2))] += 1
            n_bound += bool(m.group(2))
        if n_bound:
            assert f" {n_bound} of their shadow prices " in _caption(chart)
        else:
            assert "upper bound" not in _caption(chart)
    assert seen[True] and seen[False], seen  # both kinds, so both are compared
