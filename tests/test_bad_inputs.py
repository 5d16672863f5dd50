"""Data-driven corpus of bad (and tricky but valid) planning repositories.

Each folder under tests/fixtures/bad_inputs/ is one case: the minimal example repository with
the case's changes applied, validated through the real CLI (`sopctl validate --format json`).

case.yaml keys:
  description  one line saying what the case is about
  delete       repo-relative paths removed from the minimal repository
  mkdir        repo-relative folders created (e.g. a folder where a file should be)
  binary       {path: hex string} files written byte for byte (BOM, Latin-1, NUL...)
  big          {path: size in bytes} the file's header and data rows, rows repeated up to size
  symlinks     {path: target} symlinks; an absolute target leaves the repository
  fifos        [paths] FIFOs (named pipes) in place of files; the case is skipped without mkfifo
  expect       [{code, path, line?, col?, severity?, message?}] findings that must appear
               (message: a text the finding's message must contain)
  absent       [codes] that must not appear anywhere
  exit         expected exit code (default 1)
  xfail        reason: a known validator bug; the case must fail until it is fixed
files/ holds files copied over the minimal repository at the same relative paths.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sopctl.findings import CODES
from tests.helpers import deadline, make_repo, run

FIXTURES = Path(__file__).parent / "fixtures" / "bad_inputs"
CASE_KEYS = {
    "description",
    "delete",
    "mkdir",
    "binary",
    "big",
    "symlinks",
    "fifos",
    "expect",
    "absent",
    "exit",
    "xfail",
}
EXPECT_KEYS = {"code", "path", "line", "col", "severity", "message"}
NAME = re.compile(r"^\d{3}-[a-z0-9]+(-[a-z0-9]+)*$")


def _case_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def _load(case: Path) -> dict[str, Any]:
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(spec, dict), f"{case.name}/case.yaml must be a mapping"
    return spec


def _params() -> list[Any]:
    out = []
    for case in _case_dirs():
        spec = _load(case)
        marks = []
        if spec.get("xfail"):
            marks.append(pytest.mark.xfail(reason=str(spec["xfail"]), strict=True))
        out.append(pytest.param(case, spec, id=case.name, marks=marks))
    return out


def _remove(p: Path) -> None:
    if p.is_symlink() or p.is_file():
        p.unlink()
    elif p.is_dir():
        shutil.rmtree(p)


def _fill(path: Path, size: int) -> None:
    """Grow a CSV to `size` bytes by repeating its data rows under its header."""
    lines = path.read_bytes().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    assert rows, f"{path} needs data rows to repeat"
    chunk = b"".join(rows)
    body = bytearray(header)
    while len(body) < size:
        body += chunk
    path.write_bytes(bytes(body))


def apply_case(repo: Path, case: Path, spec: dict[str, Any]) -> None:
    for rel in spec.get("delete") or []:
        _remove(repo / rel)
    for rel in spec.get("mkdir") or []:
        target = repo / rel
        if target.is_file() or target.is_symlink():
            target.unlink()
        target.mkdir(parents=True, exist_ok=True)
    files = case / "files"
    if files.is_dir():
        for src in sorted(files.rglob("*")):
            if src.is_file():
                dst = repo / src.relative_to(files)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
    for rel, hexdata in (spec.get("binary") or {}).items():
        dst = repo / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(bytes.fromhex(re.sub(r"\s+", "", str(hexdata))))
    for rel, size in (spec.get("big") or {}).items():
        _fill(repo / rel, int(size))
    for rel, target in (spec.get("symlinks") or {}).items():
        link = repo / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        _remove(link)
        os.symlink(target, link)
    for rel in spec.get("fifos") or []:
        if not hasattr(os, "mkfifo"):
            pytest.skip("this platform has no FIFOs")
        fifo = repo / rel
        fifo.parent.mkdir(parents=True, exist_ok=True)
        _remove(fifo)
        os.mkfifo(fifo)


def _show(findings: list[dict[str, Any]]) -> str:
    return (
        "\n".join(
            f"  {f['path']}:{f['line']}:{f['col']}: {f['severity']} {f['code']} {f['message']}"
            for f in findings
        )
        or "  (no findings)"
    )


def _matches(want: dict[str, Any], got: dict[str, Any]) -> bool:
    return all(v in got[k] if k == "message" else got[k] == v for k, v in want.items())


@pytest.mark.parametrize(("case", "spec"), _params())
def test_bad_input(tmp_path: Path, case: Path, spec: dict[str, Any]) -> None:
    repo = make_repo(tmp_path / "plan")
    apply_case(repo, case, spec)
    with deadline(120) if spec.get("fifos") else contextlib.nullcontext():
        r = run(["validate", "--format", "json", "--max-per-file", "10000"], cwd=repo)
    assert "Traceback" not in r.err and "internal error" not in r.err, r.err
    assert r.out.strip(), f"no JSON on stdout (exit {r.code}); stderr:\n{r.err}"
    report = json.loads(r.out)
    findings = report["findings"]
    shown = _show(findings)
    assert r.code == spec.get("exit", 1), f"exit {r.code}, findings:\n{shown}"
    assert report["ok"] == (r.code == 0)
    for f in findings:  # invariants of every finding
        assert f["code"] in CODES, f
        assert f["line"] >= 0 and f["col"] >= 0, f
        assert not f["path"].startswith("/") and "\\" not in f["path"], f
        assert not (f["col"] and not f["line"]), f
    for want in spec.get("expect") or []:
        assert any(_matches(want, f) for f in findings), f"missing {want}; findings:\n{shown}"
    present = {f["code"] for f in findings}
    for code in spec.get("absent") or []:
        assert code not in present, f"{code} must not appear; findings:\n{shown}"


def test_corpus_is_well_formed() -> None:
    cases = _case_dirs()
    assert len(cases) >= 70
    numbers = [c.name[:3] for c in cases]
    assert len(numbers) == len(set(numbers)), "case numbers must be unique"
    for case in cases:
        assert NAME.match(case.name), case.name
        spec = _load(case)
        assert set(spec) <= CASE_KEYS, (case.name, set(spec) - CASE_KEYS)
        desc = spec.get("description")
        assert isinstance(desc, str) and desc.strip() and "\n" not in desc.strip(), case.name
        exit_code = spec.get("exit", 1)
        assert exit_code in (0, 1), case.name
        expect = spec.get("expect") or []
        assert expect or exit_code == 0, f"{case.name}: a failing case must expect findings"
        for want in expect:
            assert set(want) <= EXPECT_KEYS and {"code", "path"} <= set(want), (case.name, want)
            assert want["code"] in CODES, (case.name, want)
        for code in spec.get("absent") or []:
            assert code in CODES, (case.name, code)
        changes = ("delete", "mkdir", "binary", "big", "symlinks", "fifos")
        has_changes = any(spec.get(k) for k in changes)
        assert has_changes or (case / "files").is_dir(), f"{case.name} changes nothing"
