"""Print Rich tables so that no number or name is ever cut short.

Rich fits a table that is wider than the terminal by shrinking every column, and a cell that no
longer fits ends in "…": "137,744" becomes "137,7…", an item "CTL-VFD-KIT" becomes
"CTL-VFD-K…". For a planning figure that is worse than no figure. `print_table` avoids it in
three steps:

1. the table as built, when its unbreakable cells fit: numbers and names sit in columns marked
   `no_wrap` (their widest cell must fit) and free text wraps at spaces (its longest word must);
2. else the same table drawn compactly (no outer frame, one space between columns);
3. else one block per row: the row's first cell, then `header value` pairs, wrapped at spaces.

The third form is what an 80-column terminal or a CI log gets for the widest tables.
"""

from __future__ import annotations

import textwrap

from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

_WIDE = 10_000
_HOLD = "\x00"  # a space inside a `header value` pair, not a place to wrap


def _text(console: Console, cell: RenderableType) -> RenderableType:
    """A str cell as the Text Rich draws for it (markup applied), other cells as they are."""
    if isinstance(cell, str):
        return console.render_str(cell) if "[" in cell or ":" in cell else Text(cell)
    return cell


def _span(console: Console, cell: RenderableType) -> tuple[int, int]:
    """(longest word, widest line) of one cell, in terminal columns."""
    cell = _text(console, cell)
    if isinstance(cell, Text):
        plain = cell.plain
        words = plain.split()
        return (
            max(map(cell_len, words), default=0),
            max(map(cell_len, plain.split("\n")), default=0),
        )
    m = Measurement.get(console, console.options.update_width(_WIDE), cell)
    return m.minimum, m.maximum


def _spans(console: Console, table: Table) -> list[tuple[int, int]]:
    """(longest word, widest cell) per column, header included."""
    out = []
    for col in table.columns:
        spans = [_span(console, c) for c in (col.header, *col.cells)]
        least = col.min_width or 0  # a column is never drawn narrower than its min_width
        out.append((max(least, *(lo for lo, _ in spans)), max(least, *(hi for _, hi in spans))))
    return out


def _chrome(console: Console, table: Table) -> int:
    """Columns the frame, separators and padding of the table take: a table of the same style
    and as many columns, every cell empty, measured."""
    probe = Table(
        box=table.box,
        show_edge=table.show_edge,
        pad_edge=table.pad_edge,
        collapse_padding=table.collapse_padding,
        padding=table.padding,
        show_header=table.show_header,
    )
    for _ in table.columns:
        probe.add_column("")
    return Measurement.get(console, console.options.update_width(_WIDE), probe).maximum


def _content(table: Table, spans: list[tuple[int, int]]) -> int:
    """The widest cell of every `no_wrap` column plus the longest word of every other one."""
    return sum(
        hi if col.no_wrap else lo for col, (lo, hi) in zip(table.columns, spans, strict=True)
    )


def needed_width(console: Console, table: Table) -> int:
    """Columns the table needs so that no cell is cut: frame and padding, the widest cell of
    every `no_wrap` column, and the longest word of every other column."""
    return _chrome(console, table) + _content(table, _spans(console, table))


def _share_out(table: Table, spans: list[tuple[int, int]], room: int) -> None:
    """Give each wrapping column an explicit width: at least its longest word, the room left
    shared in proportion to how much wider its widest cell is. (Rich would otherwise narrow the
    widest column first, even below its longest word, and cut that word.) `room`: the console
    width less the frame."""
    free = [i for i, c in enumerate(table.columns) if not c.no_wrap and c.width is None]
    room -= sum(hi for i, (_, hi) in enumerate(spans) if i not in free)
    if not free or sum(spans[i][1] for i in free) <= room:
        return
    widths = {i: spans[i][0] for i in free}
    extra = room - sum(widths.values())
    gaps = {i: spans[i][1] - spans[i][0] for i in free}
    total_gap = sum(gaps.values())
    if extra > 0 and total_gap:
        for i in free:
            widths[i] += extra * gaps[i] // total_gap
        left = room - sum(widths.values())
        for i in sorted(free, key=lambda j: -gaps[j])[: max(left, 0)]:
            widths[i] += 1
    for i, w in widths.items():
        table.columns[i].width = w


def compact(table: Table) -> None:
    """Draw the table without an outer frame, a rule under the header, one space apart."""
    table.box = box.SIMPLE_HEAD
    table.show_edge = False
    table.pad_edge = False
    table.collapse_padding = True


def _plain(console: Console, cell: RenderableType) -> str:
    cell = _text(console, cell)
    return cell.plain if isinstance(cell, Text) else str(cell)


def as_blocks(console: Console, table: Table) -> list[str]:
    """The rows as text blocks: `first cell: header value; header value; …`, wrapped at
    spaces to the console's width with the continuation lines indented."""
    heads = [_plain(console, c.header) for c in table.columns]
    columns = [list(c.cells) for c in table.columns]
    out: list[str] = []
    room = max(console.width, 20)
    for i in range(table.row_count):
        cells = [_plain(console, col[i]).replace("\n", ", ") for col in columns]
        first = cells[0] or "-"
        rest = [f"{h} {v}".strip() for h, v in zip(heads[1:], cells[1:], strict=True) if v]
        # a short `header value` pair stays on one line: its spaces are held by a mark
        held = [p.replace(" ", _HOLD) if len(p) < room - 6 else p for p in rest]
        line = f"{first}: " + "; ".join(held) if held else first
        text = textwrap.fill(
            line,
            width=room,
            subsequent_indent="    ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.append(text.replace(_HOLD, " "))
    return out


def print_table(console: Console, table: Table) -> None:
    """Print `table` whole: as built, compact, or as blocks (see the module docstring)."""
    spans = _spans(console, table)
    title = _plain(console, table.title) if table.title is not None else ""
    table.title = None  # a line of its own: Rich would wrap it to the width of a narrow table
    if title:
        console.print(Text(title, style="table.title"))
    for style in (None, compact):
        if style is not None:
            style(table)
        room = console.width - _chrome(console, table)
        if _content(table, spans) <= room:
            _share_out(table, spans, room)
            console.print(table)
            return
    for block in as_blocks(console, table):
        console.print(Text(block), soft_wrap=True)


def wrap_lines(lines: list[str], width: int) -> list[str]:
    """Lines of prose wrapped at spaces to `width` (0: as they are). A wrapped line keeps its
    own indent and continues four columns further in, so each statement stays one block."""
    if width <= 0:
        return lines
    out: list[str] = []
    for line in lines:
        indent = line[: len(line) - len(line.lstrip(" "))]
        out += textwrap.wrap(
            line,
            width=max(width, len(indent) + 20),
            subsequent_indent=indent + "    ",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return out
