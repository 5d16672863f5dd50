"""CSV writing shared by the example generators (standard library only)."""

from __future__ import annotations

from pathlib import Path


def num(x: float | int | None) -> str:
    """Plain number: no thousands separator, at most 4 decimals, integers without '.0'."""
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Comma-separated, LF line ends, numbers via `num`; a cell that would need quoting fails."""
    lines = [",".join(header)]
    for row in rows:
        cells = []
        for v in row:
            cell = num(v) if isinstance(v, int | float) or v is None else str(v)
            if "," in cell or "\n" in cell or '"' in cell:
                raise ValueError(f"{path.name}: cell needs quoting: {cell!r}")
            cells.append(cell)
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
