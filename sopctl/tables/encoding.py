"""The encoding of a CSV file: UTF-8, or SOP004 with a guess of what it is instead."""

from __future__ import annotations

from ..findings import Finding, finding

__all__ = ["decode_problem", "line_col"]


def line_col(data: bytes, pos: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, pos) + 1
    start = data.rfind(b"\n", 0, pos) + 1
    return line, pos - start + 1


def _utf16_without_bom(data: bytes) -> str:
    """'UTF-16LE'/'UTF-16BE' when the start of the file is text saved as UTF-16 without a
    byte-order mark: a NUL byte after (or before) every character. Valid UTF-8 all the same,
    so it used to read as a header of unknown names (SOP201)."""
    head = data[:64]
    if len(head) < 4 or b"\x00" not in head:
        return ""
    even, odd = head[0::2], head[1::2]
    if not odd.strip(b"\x00") and b"\x00" not in even:
        return "UTF-16LE"
    if not even.strip(b"\x00") and b"\x00" not in odd:
        return "UTF-16BE"
    return ""


def decode_problem(path: str, data: bytes) -> Finding | None:
    """SOP004 at the first byte that is not UTF-8, with a guess of the file's encoding; and at
    the start of a file saved as UTF-16 without a byte-order mark."""
    wide = _utf16_without_bom(data)
    if wide:
        why = (
            f"the file looks like {wide} without a byte-order mark (a NUL byte beside every "
            "character); re-save it as UTF-8 (in Excel: CSV UTF-8)"
        )
        return finding(path, 1, 1, "SOP004", why)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[1:2] == b"\x00":
            guess = "UTF-16"
        elif exc.object[exc.start] >= 0x80:
            guess = "Windows-1252/Latin-1"
        else:
            guess = "another encoding"
        byte = exc.object[exc.start]
        why = f"byte 0x{byte:02x} is not UTF-8 (the file looks like {guess}); re-save it as UTF-8"
        return finding(path, line, col, "SOP004", why)
    return None
