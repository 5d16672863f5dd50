"""Render a validation Report as text, JSON or GitHub workflow commands."""

from __future__ import annotations

import sys

from ..findings import Report, Severity


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def report_text(report: Report, per_file: int) -> str:
    shown, left = report.capped(per_file)
    lines = [str(f) for f in shown]
    for path, n in sorted(left.items()):
        lines.append(f"{path}: note: {_count(n, 'more finding')} not shown (raise --max-per-file)")
    e, w = _count(len(report.errors), "error"), _count(len(report.warnings), "warning")
    files = _count(len(report.checked_files), "file")
    if report.ok:
        lines.append(f"ok: {files} checked, {w}")
    else:
        lines.append(f"failed: {e}, {w} in {files} checked")
    return "\n".join(lines)


def report_github(report: Report, per_file: int) -> str:
    shown, left = report.capped(per_file)
    out = []
    for f in shown:
        level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(f.severity, "notice")
        props = [f"file={_gh_escape(f.path, True)}"]
        if f.line:
            props.append(f"line={f.line}")
        if f.col:
            props.append(f"col={f.col}")
        props.append(f"title={f.code}")  # GitHub shows the title above the message
        out.append(f"::{level} {','.join(props)}::{_gh_escape(f.message)}")
    for path, n in sorted(left.items()):
        out.append(f"::notice file={_gh_escape(path, True)}::{_count(n, 'more finding')} not shown")
    return "\n".join(out)


def emit(report: Report, fmt: str, per_file: int) -> None:
    if fmt == "json":
        text = report.to_json(per_file)
    elif fmt == "github":
        text = report_github(report, per_file)
    else:
        text = report_text(report, per_file)
    if text:
        sys.stdout.write(text + "\n")
