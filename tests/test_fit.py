"""Tables are printed whole at every terminal width: no number or name is cut short."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sopctl.cli.fit import needed_width, print_table
from tests.helpers import run

WORD = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9,.\-\[\]%]{0,33}", fullmatch=True)
CELL = st.lists(WORD, min_size=0, max_size=6).map(" ".join)


def _render(table: Table, width: int) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, highlight=False)
    print_table(console, table)
    return buf.getvalue()


Spec = tuple[list[str], list[list[str]], list[bool], list[int | None], list[int | None]]


def _table(
    header: list[str],
    rows: list[list[str]],
    no_wrap: list[bool],
    min_width: list[int | None] | None = None,
    ratio: list[int | None] | None = None,
) -> Table:
    t = Table(title="t")
    n = len(header)
    for h, nw, mw, r in zip(
        header, no_wrap, min_width or [None] * n, ratio or [None] * n, strict=True
    ):
        t.add_column(h, no_wrap=nw, min_width=mw, ratio=r)
    for r in rows:
        t.add_row(*(Text(c) for c in r))  # plain text, not Rich markup
    return t


@st.composite
def tables(draw: st.DrawFn) -> Spec:
    n = draw(st.integers(1, 8))
    header = draw(st.lists(WORD, min_size=n, max_size=n))
    rows = draw(st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=5))
    no_wrap = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    # the column options sopctl's tables use: a minimum width (learn's value and status) and a
    # ratio (learn's "for" and "owner" columns)
    min_width = draw(st.lists(st.none() | st.integers(1, 12), min_size=n, max_size=n))
    ratio = draw(st.lists(st.none() | st.integers(1, 3), min_size=n, max_size=n))
    return header, rows, no_wrap, min_width, ratio


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(20, 240))
def test_every_word_of_every_cell_is_printed_whole(spec: Spec, width: int) -> None:
    header, rows, no_wrap, min_width, ratio = spec
    out = _render(_table(header, rows, no_wrap, min_width, ratio), width)
    assert "…" not in out
    if width >= 46:  # every word (at most 34 characters) fits a line with its indent
        assert max(len(line) for line in out.splitlines()) <= width, out
    printed = set(re.split(r"[\s│┃;:]+", out))
    for row in rows:
        for word in " ".join(row).split():
            assert word in printed, (word, out)


def test_a_table_that_fits_is_drawn_as_built() -> None:
    t = _table(["item", "qty"], [["P-100", "1,234,567"]], [True, True])
    assert needed_width(Console(width=200), t) < 40
    out = _render(t, 80)
    assert "┏" in out and "1,234,567" in out


def test_a_minimum_width_counts_as_width_taken() -> None:
    # learn's service table at 80 columns: value and status have a min_width wider than their
    # cells; counting the cells only, the table seemed to fit and Rich cut "≥ 0.95 ±0.02"
    t = Table()
    t.add_column("for", ratio=2)
    t.add_column("metric", no_wrap=True)
    t.add_column("value", justify="right", no_wrap=True, min_width=8)
    t.add_column("target", justify="right", no_wrap=True)
    t.add_column("status", no_wrap=True, min_width=7)
    t.add_column("owner → escalation", ratio=1)
    t.add_row("total", "unit_fill_rate", "0.924", "≥ 0.95 ±0.02", "breach", "ops → sales_lead")
    t.add_row("segment strategic", "unit_fill_rate", "0.9598", "≥ 0.98 ±0.02", "breach", "")
    out = _render(t, 80)
    assert "…" not in out and "≥ 0.95 ±0.02" in out and "≥ 0.98 ±0.02" in out, out


def test_too_wide_for_a_frame_drops_the_frame_then_becomes_blocks() -> None:
    header = ["segment", "demand", "on time", "late", "lost", "service", "target"]
    row = ["strategic", "137,703", "137,700", "2", "0", "100.0%", "98%"]
    wide = _table(header, [row], [True] * 7)
    framed = _render(wide, 200)
    assert "┏" in framed
    need = needed_width(Console(width=200), _table(header, [row], [True] * 7))
    compact = _render(_table(header, [row], [True] * 7), need - 2)
    assert "┏" not in compact and "137,703" in compact and "segment" in compact
    blocks = _render(_table(header, [row], [True] * 7), 40)
    assert blocks.splitlines()[1].startswith("strategic: demand 137,703;")
    assert blocks.splitlines()[2].startswith("    ") and "on time 137,700" in blocks
    assert max(len(line) for line in blocks.splitlines()) <= 40


def test_reconcile_summary_is_whole_at_any_width(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = run(["reconcile", "--dry-run", "--format", "json"], cwd=repo)
    assert r.code == 0, r.out + r.err
    plan = json.loads(r.out)["plan"]
    figures = [f"{s['demand']:,.0f}" for s in plan["service"]]
    # what is still unserved at the end: open backlog or lost units, by the segment's policy
    figures += [
        f"{s['backlog_at_end']:,.0f} backlog"
        if s["shortage_policy"] == "backlog"
        else f"{s['lost_sales']:,.0f} lost"
        for s in plan["service"]
    ]
    assert any(f.endswith(" lost") and not f.startswith("0 ") for f in figures)
    figures += [f"{v:,.2f}" for k, v in plan["costs"].items() if abs(v) >= 0.005]
    for columns in (60, 80, 100, 160):
        monkeypatch.setenv("COLUMNS", str(columns))
        r = run(["reconcile", "--dry-run"], cwd=repo)
        assert r.code == 0, r.out + r.err
        assert "…" not in r.out
        assert all(len(line) <= columns for line in r.out.splitlines())
        for figure in figures:
            assert figure in r.out, (columns, figure)


def test_a_long_word_in_a_wrapping_column_is_not_cut() -> None:
    """Rich narrows the widest wrapping column first, even below its longest word; the shares
    print_table gives every wrapping column keep each at least as wide as its longest word."""
    header = ["kind", "what", "period", "qty", "at stake (EUR)", "cause", "escalate"]
    no_wrap = [True, False, True, True, True, False, True]
    rows = [
        [
            "shortage",
            "PMP-DOS / standard",
            "2027-01",
            "4",
            "2,223",
            "production_lead_time[PMP-DOS]",
            "",
        ],
        [
            "overload",
            "MOT-S",
            "2027-06",
            "950",
            "1,655",
            "supplier_capacity[MOT-S,2027-06]\n1 more unit from the supplier of MOT-S in 2027-06 "
            "saves 1.74 EUR",
            "coo",
        ],
    ]
    for width in (80, 90, 100, 110):
        out = _render(_table(header, rows, no_wrap), width)
        assert "supplier_capacity[MOT-S,2027-06]" in out and "…" not in out, out


def test_blocks_show_the_text_rich_would_draw_not_its_markup() -> None:
    t = Table(title="t")
    for h in ("segment", "demand", "on time", "late", "lost", "service"):
        t.add_column(h, no_wrap=True)
    t.add_row("[bold]strategic[/]", "137,703", "137,700", "2", "0", "[red]100.0%[/]")
    out = _render(t, 40)
    assert "strategic: demand 137,703;" in out and "service 100.0%" in out
    assert "[" not in out


def test_prose_lines_wrap_under_their_own_indent() -> None:
    from sopctl.cli.fit import wrap_lines

    story = [
        "P-100 in 2027-03 for standard: shortage of 22.7 units, 1,700.00 EUR at stake.",
        "  the period: demand 250.0, production started 199.9, supplier_capacity[MOT-S,2027-03]",
        "",
    ]
    assert wrap_lines(story, 0) == story  # piped: one statement per line
    out = wrap_lines(story, 40)
    assert all(len(line) <= 40 for line in out if "supplier_capacity" not in line)
    assert "supplier_capacity[MOT-S,2027-03]" in out[-2]  # a long name is never cut
    second = out.index(next(line for line in out if line.startswith("  the period")))
    assert out[second + 1].startswith("      ") and out[-1] == ""
    assert " ".join(" ".join(out).split()) == " ".join(" ".join(story).split())
