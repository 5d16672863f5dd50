"""Result files of a cycle: deterministic CSV/JSON bytes, input digests, staleness.

Everything sopctl writes under `cycles/<id>/outputs/` goes through here, so the same inputs give
byte-identical files (fixed float formatting, stable row order, no timestamps) and a commit
record can prove which inputs produced which outputs.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .files import escapes_root

if TYPE_CHECKING:
    import polars as pl

    from .validate import Workspace

DECIMALS = 4
MANIFEST = "manifest.json"


def csv_bytes(frame: pl.DataFrame, decimals: int = DECIMALS) -> bytes:
    """CSV with floats rounded to `decimals` places and no negative zeros."""
    import polars as pl

    floats = [c for c, t in frame.schema.items() if t.is_float()]
    if floats:  # not `+ 0.0`, which polars simplifies away, negative zero and all
        rounded = [pl.col(c).round(decimals) for c in floats]
        frame = frame.with_columns(
            pl.when(r == 0).then(0.0).otherwise(r).alias(c)
            for c, r in zip(floats, rounded, strict=True)
        )
    buf = io.BytesIO()  # straight to bytes: no str copy of a large file to encode
    frame.write_csv(buf, float_precision=decimals, line_terminator="\n", null_value="")
    return buf.getvalue()


def json_bytes(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def sha256(path: Path) -> str:
    """The content digest of a plan file: SHA-256 with CRLF line ends read as LF.

    git's line-ending conversion (core.autocrlf, the default of Git for Windows; eol in
    .gitattributes) checks text files out with CRLF and commits them with LF. Hashing the
    bytes as found would make the plan digest depend on the checkout: approvals given on one
    machine would be stale on the next, and a tag would not verify against its own blobs. A
    CR before LF therefore does not count; every other byte does."""
    h = hashlib.sha256()
    held = b""  # a CR at a chunk's end: it may be the first half of a CRLF
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = held + chunk
            held = b"\r" if data.endswith(b"\r") else b""
            h.update(data[: len(data) - len(held)].replace(b"\r\n", b"\n"))
    h.update(held)
    return h.hexdigest()


def content_digest(data: bytes) -> str:
    """`sha256` of bytes in memory (a git blob, a file about to be written)."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def recorded(data: bytes, digest: str) -> bool:
    """Whether `data` is the file a commit record's `digest` names: its content digest, or the
    SHA-256 of its raw bytes (records made before CRLF was read as LF)."""
    return content_digest(data) == digest or hashlib.sha256(data).hexdigest() == digest


def file_recorded(path: Path, digest: str) -> bool:
    """`recorded` for a file on disk (False when it is no regular file)."""
    if not path.is_file():
        return False
    if sha256(path) == digest:
        return True
    h = hashlib.sha256()  # the raw bytes, only when the content digest did not match
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest() == digest


def input_files(ws: Workspace) -> list[Path]:
    """Every file the plan depends on: charter, cycle.yaml and the declared inputs present."""
    assert ws.charter is not None and ws.cycle is not None
    files = [ws.root / "charters" / f"{ws.cycle.charter}.yaml", ws.cycle_dir / "cycle.yaml"]
    inputs = ws.cycle_dir / "inputs"
    # a file sopctl does not read (a link leading outside: SOP003) is no part of the plan
    present = [inputs / d.file for d in ws.charter.inputs if (inputs / d.file).is_file()]
    return files + [p for p in present if not escapes_root(ws.root, p)]


def input_digests(ws: Workspace) -> dict[str, str]:
    return {p.relative_to(ws.root).as_posix(): sha256(p) for p in input_files(ws)}


def manifest(ws: Workspace, step: str, outputs: dict[str, bytes], extra: dict[str, Any]) -> bytes:
    """The record of one run: sopctl version, input digests, output digests (no timestamps)."""
    doc = {
        "cycle": ws.cycle_id,
        "step": step,
        "sopctl": __version__,
        "inputs": input_digests(ws),
        "outputs": {name: content_digest(data) for name, data in sorted(outputs.items())},
        **extra,
    }
    return json_bytes(doc)


def read_manifest(path: Path) -> dict[str, Any] | None:
    if not path.is_file():  # a FIFO would never end
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def manifest_outputs(doc: Mapping[str, Any]) -> dict[str, str]:
    """The result files a manifest lists, by plain file name and digest; an entry that is no
    such pair (a path, '..', a number: a damaged or hand-made manifest) is left out, so the
    outputs are not taken as current and nothing outside them is read."""
    outs = doc.get("outputs")
    if not isinstance(outs, dict):
        return {}
    return {
        name: digest
        for name, digest in outs.items()
        if isinstance(name, str)
        and isinstance(digest, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
    }


def is_current(ws: Workspace, outputs_dir: Path, manifest_name: str) -> bool:
    """True when the outputs were made from exactly the current inputs and are unchanged."""
    doc = read_manifest(outputs_dir / manifest_name)
    if doc is None or doc.get("inputs") != input_digests(ws) or doc.get("sopctl") != __version__:
        return False
    outs = manifest_outputs(doc)
    if outs != doc.get("outputs"):
        return False
    return all(
        (outputs_dir / name).is_file() and sha256(outputs_dir / name) == digest
        for name, digest in outs.items()
    )


def peak_utilisation(summary: Mapping[str, Any]) -> tuple[dict[str, Any], float] | None:
    """The highest of summary.json's `utilisation_peaks` and its utilisation; among equal
    peaks the resource first by name, so the report and `sopctl check` name the same one. A
    period with load on overtime only (`overtime_only`: no regular hours, no utilisation) is
    higher than any, as infinity (load ÷ 0 regular hours): the bottleneck is never missed."""
    peaks = []
    for p in summary.get("utilisation_peaks") or []:
        u = p.get("utilisation") if isinstance(p, dict) else None
        if isinstance(p, dict) and p.get("overtime_only") is True:
            peaks.append((p, math.inf))
        elif isinstance(u, int | float) and not isinstance(u, bool):
            peaks.append((p, float(u)))
    if not peaks:
        return None
    return min(peaks, key=lambda x: (-x[1], str(x[0].get("resource"))))


_STOPPED = {
    "time_limit": "the solver reached its time limit",
    "iteration_limit": "the solver reached its iteration limit",
}


def unsolved_reason(status: str) -> str:
    """Why a solve gave no plan, from its status: the model is infeasible or unbounded, or the
    solver stopped or failed (HiGHS 'error' comes from numbers it cannot work with; the
    diagnosis adds a hint that names the cost or bound out of scale)."""
    if status in ("infeasible", "unbounded"):
        return f"the model is {status}"
    return _STOPPED.get(status, f"the solver failed (status {status})")


def no_plan(status: str) -> str:
    """'no feasible plan: the model is infeasible', or 'no plan: the solver failed ...'."""
    lead = "no feasible plan" if status in ("infeasible", "unbounded") else "no plan"
    return f"{lead}: {unsolved_reason(status)}"
