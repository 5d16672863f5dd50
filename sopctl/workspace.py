"""Find the planning repository and the cycle, and load YAML files into Pydantic models.

A planning repository is a folder holding `charters/` and `cycles/`. Paths in findings are
relative to it, with forward slashes, so the same finding reads the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import UnknownCycle, UserError, WorkspaceNotFound
from .files import link_problem, not_regular
from .findings import Finding, finding
from .hints import (
    allowed_keys,
    date_hint,
    did_you_mean,
    fraction_hint,
    list_entry,
    tag_advice,
    yaml_number_hint,
)
from .periods import start_date
from .yamlhints import unit_hint
from .yamlio import YamlDoc, parse_yaml

M = TypeVar("M", bound=BaseModel)
MAX_YAML_BYTES = 4 * 2**20


def command(verb: str, cycle: str, *rest: str) -> str:
    """The command line that runs `verb` on `cycle`, named: as a hint it acts on that cycle
    from any folder, also when a later cycle is the default."""
    return " ".join(["sopctl", verb, shlex.quote(cycle), *rest])


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds charters/ and cycles/."""
    here = start.resolve()
    for d in (here, *here.parents):
        if (d / "charters").is_dir() and (d / "cycles").is_dir():
            return d
    bare = next((d for d in (here, *here.parents) if _bare_git(d)), None)
    if bare is not None:
        raise WorkspaceNotFound(
            f"{start} is inside a bare git repository ({bare}): it holds history but no "
            "working tree, so there are no files to plan with",
            hint=f"run sopctl in a clone of it ('git clone {shlex.quote(str(bare))} PATH'), "
            "or pass --root",
        )
    raise WorkspaceNotFound(
        f"{start} is not inside a planning repository (no folder with charters/ and cycles/)",
        hint="run inside a planning repo, pass --root, or create one with 'sopctl init PATH'",
    )


def _bare_git(d: Path) -> bool:
    """`d` is a bare git repository (what `git init --bare` makes; a .git folder inside a
    working tree is not reached: its working tree is found first)."""
    return (d / "HEAD").is_file() and (d / "objects").is_dir() and (d / "refs").is_dir()


def list_cycles(root: Path) -> list[str]:
    cycles = root / "cycles"
    # whatever is at cycles/<id>/cycle.yaml names a cycle: reading a folder, a FIFO or a
    # broken symlink there reports it (SOP002, SOP019, SOP001/SOP007), where "unknown cycle"
    # or "has no cycle.yaml" would send the user to write a file that is there
    return sorted(p.name for p in cycles.iterdir() if os.path.lexists(p / "cycle.yaml"))


def pick_cycle(root: Path, cycle: str | None, cwd: Path | None = None) -> str:
    """The cycle named, else the one the current directory is in, else the latest: the one
    whose first period is latest, by id among equals."""
    known = list_cycles(root)
    if cycle is not None and not cycle.strip():  # `sopctl validate ''`: not the default cycle
        raise UnknownCycle(
            "the cycle id is empty",
            hint=f"name a cycle ({', '.join(known) or 'none yet'}), or leave it out for the "
            "cycle of the current folder, else the latest",
        )
    if cycle:
        if cycle not in known:
            shown = ", ".join(known) or "none"
            raise UnknownCycle(
                f"unknown cycle '{cycle}' (cycles here: {shown})",
                hint="name a folder under cycles/ that holds a cycle.yaml",
            )
        return cycle
    if cwd is not None:
        try:
            rel = cwd.resolve().relative_to(root / "cycles")
        except ValueError:
            rel = None
        if rel is not None and rel.parts:
            if rel.parts[0] in known:
                return rel.parts[0]
            if (root / "cycles" / rel.parts[0]).is_dir():  # not another cycle silently
                raise UnknownCycle(
                    f"the current folder is in cycles/{rel.parts[0]}, which has no cycle.yaml",
                    hint=f"write cycles/{rel.parts[0]}/cycle.yaml, or name a cycle "
                    f"({', '.join(known) or 'none yet'})",
                )
    if not known:
        raise UserError(
            "this planning repository has no cycle yet (no cycles/<id>/cycle.yaml)",
            hint="create cycles/<id>/cycle.yaml, or start from 'sopctl init PATH'",
        )
    return max(known, key=lambda c: cycle_order(root, c))


def cycle_order(root: Path, cycle: str) -> tuple[dt.date, str]:
    """How cycles are ordered (the default cycle is the last, a cycle's previous one the one
    before it): by when the first period starts, then by id."""
    return _first_start(root / "cycles" / cycle / "cycle.yaml"), cycle


def later_cycles(root: Path, cycle: str, charter: str | None = None) -> list[str]:
    """The cycles that follow `cycle` in that order (the latest cycle has none); with
    `charter`, only those whose cycle.yaml names that charter."""
    mine = cycle_order(root, cycle)
    later = [c for c in list_cycles(root) if cycle_order(root, c) > mine]
    if charter is None:
        return later
    named = (_CHARTER.search(_peek(root / "cycles" / c / "cycle.yaml")) for c in later)
    return [c for c, m in zip(later, named, strict=True) if m and m.group(1) == charter]


MAX_CYCLE_PEEK = 1 << 20  # first_period may follow pages of assumptions
_FIRST_PERIOD = re.compile(r"""^first_period:[ \t]*["']?([0-9]{4}-[0-9A-Za-z]+)""", re.MULTILINE)
_CHARTER = re.compile(r"""^charter:[ \t]*["']?([A-Za-z0-9_.-]+)""", re.MULTILINE)


def _peek(path: Path) -> str:
    """The start of a cycle.yaml ("" when there is none to read); a huge file is read in
    part, a FIFO never opened."""
    if not path.is_file():
        return ""
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_CYCLE_PEEK).decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return ""


def _first_start(path: Path) -> dt.date:
    """When a cycle's first period, as written in cycle.yaml, starts (date.min when it has
    none to read): the latest cycle is the one planning furthest ahead, so a stray folder such
    as cycles/zz does not become the default by its name, and a weekly cycle sorts among
    monthly ones by date, not by the characters of its label."""
    m = _FIRST_PERIOD.search(_peek(path))
    return (start_date(m.group(1)) if m else None) or dt.date.min


def display(root: Path, path: Path) -> str:
    """Repo-relative path with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(root: Path, path: Path) -> tuple[str | None, list[Finding]]:
    shown = display(root, path)
    if not path.exists() and not path.is_symlink():
        return None, [finding(shown, 0, 0, "SOP001", "the file is missing; create it")]
    if (link := link_problem(root, path, shown)) is not None:
        return None, [link]
    if path.is_dir():
        return None, [finding(shown, 0, 0, "SOP002", "this is a directory, not a file")]
    odd = not_regular(path, shown)
    if odd is not None:
        return None, [odd]
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            return None, [
                finding(
                    shown,
                    0,
                    0,
                    "SOP006",
                    f"a YAML file of {size / 2**20:.1f} MiB is too large; "
                    "charters and cycles are one-page documents",
                )
            ]
        data = path.read_bytes()
    except OSError as exc:
        return None, [finding(shown, 0, 0, "SOP007", f"cannot read the file: {exc.strerror}")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            finding(shown, line, col, "SOP004", "the file is not UTF-8; re-save it as UTF-8")
        ]
    if not text.strip():
        return None, [finding(shown, 0, 0, "SOP005", "the file is empty")]
    return text, []


PATTERN_WORDS = {  # the patterns of sopctl's schemas, in words
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$": "an id is letters, digits, '_', '.' and '-', starting with "
    "a letter or a digit (no spaces)",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "must be an e-mail address such as ana@example.com",
    r"^[^@\s]+@[^@\s]+$": "must be an e-mail address such as ana@example.com",
    r"^[A-Z]{3}$": "must be a three-letter ISO 4217 currency code such as EUR or USD",
    r"^[0-9a-f]{64}$": "must be a SHA-256 digest: 64 lower-case hex digits",
}

_YAML11_EXP = re.compile(r"^([-+]?[0-9]+(?:\.[0-9]*)?)[eE]([-+]?)([0-9]+)$")


MAX_LISTED_KEYS = 12  # an unknown key's message lists the keys allowed there up to this many


def _mapping_at(data: object, loc: tuple[int | str, ...]) -> dict[object, object]:
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return {}
    return data if isinstance(data, dict) else {}


def _unknown_key_advice(
    doc: YamlDoc, loc: tuple[int | str, ...], model: type[BaseModel] | None
) -> str:
    """'did you mean …' for a misspelt key, else the keys allowed there when they are few."""
    if model is None:
        return "remove it or check its spelling"
    allowed = allowed_keys(model, loc[:-1], doc.data)
    used = _mapping_at(doc.data, loc[:-1])
    close = did_you_mean(str(loc[-1]), [k for k in allowed if k not in used])
    if close is not None:
        return f"did you mean '{close}'? Rename it, or remove it"
    if allowed and len(allowed) <= MAX_LISTED_KEYS:
        return f"use one of the keys allowed here ({', '.join(allowed)}) or remove it"
    return "remove it or check its spelling"


def _misspelt_as(doc: YamlDoc, loc: tuple[int | str, ...], model: type[BaseModel] | None) -> str:
    """For a missing key: ' (is 'shortage_penalt' on line 9 meant to be it?)' when an unknown
    key next to it is spelt close to it, else ''."""
    if model is None:
        return ""
    allowed = allowed_keys(model, loc[:-1], doc.data)
    for key in _mapping_at(doc.data, loc[:-1]):
        if isinstance(key, str) and key not in allowed and did_you_mean(key, [str(loc[-1])]):
            line = doc.where((*loc[:-1], key))[0]
            return f" (is '{key}' on line {line} meant to be it?)"
    return ""


def _period_key(loc: tuple[int | str, ...]) -> bool:
    return bool(loc) and str(loc[-1]).endswith("period")


def _period_of(day: dt.date) -> str:
    """A date written where a period belongs: the month (or the ISO week) to write."""
    year, week, _ = day.isocalendar()
    return f"a period is a month: write {day:%Y-%m} (on a weekly charter: {year}-W{week:02d})"


def pydantic_findings(
    doc: YamlDoc, exc: ValidationError, model: type[BaseModel] | None = None
) -> list[Finding]:
    """SOP106-SOP108 findings for a failed validation of `doc`; with the `model` validated
    against, an unknown key is compared with the keys allowed where it is."""
    out: list[Finding] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        kind = err["type"]
        if kind == "extra_forbidden":
            line, col = doc.where(loc)
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP106",
                    f"unknown key '{dotted}'; {_unknown_key_advice(doc, loc, model)}",
                )
            )
        elif kind == "missing":
            line, col = doc.where(loc[:-1])
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP107",
                    f"required key '{dotted}' is missing; add it{_misspelt_as(doc, loc, model)}",
                )
            )
        else:
            line, col = doc.where(loc)
            given = err.get("input")
            shown = repr(given) if isinstance(given, str | int | float | bool) else None
            text = err["msg"][0].lower() + err["msg"][1:]
            ctx = err.get("ctx") or {}
            if kind == "union_tag_invalid":  # pydantic's words for a discriminated union
                disc = str(ctx.get("discriminator", "kind")).strip("'")
                expected = str(ctx.get("expected_tags"))
                text = f"{disc} {ctx.get('tag')!r} is not one of {expected}"
                text += tag_advice(ctx.get("tag"), expected)
                if entry := list_entry(loc):  # 'overlays.1' counts from 0: say which one
                    text = f"{entry.strip()}: {text}"
                shown = None
            elif kind == "value_error":  # our own validators' words, without pydantic's prefix
                text = text.removeprefix("value error, ")
            elif kind == "string_pattern_mismatch":  # a regular expression is no advice
                text = PATTERN_WORDS.get(str(ctx.get("pattern")), text)
            elif kind in ("model_type", "model_attributes_type", "dict_type"):
                text = "must be a mapping of keys to values (key: value on its own lines)"
            elif kind == "less_than_equal" and ctx.get("le") == 1:  # a fraction: 98 for 0.98?
                percent = fraction_hint(given)
                text = f"must be a fraction from 0 to 1{'; ' + percent if percent else ''}"
            msg = f"'{dotted}' {('is ' + shown + ': ') if shown else ''}{text}"
            if kind.startswith("date_"):  # not pydantic's parser words ("input is too short")
                reason = str(ctx.get("error", ""))
                why = f" ({reason})" if "range" in reason else ""
                if isinstance(given, dt.datetime):
                    shown = str(given)
                msg = f"'{dotted}' is {shown + ', ' if shown else ''}not a date{why}; "
                msg += date_hint(given)
            if kind == "string_type" and isinstance(given, dt.date) and _period_key(loc):
                msg += f" (YAML read it as a date; {_period_of(given)})"
            elif kind == "string_type" and isinstance(given, bool | int | float | dt.date):
                what = {bool: "a yes/no value", dt.date: "a date", dt.datetime: "a date"}.get(
                    type(given), "a number"
                )
                msg += f" (YAML read it as {what}; put the value in quotes)"
            elif kind == "list_type" and isinstance(given, dict):
                glued = [k for k in given if isinstance(k, str) and k.startswith("-")]
                if glued:  # '-id: webshop' is a key; '- id: webshop' a list entry
                    msg += f" (put a space after '-': write '- {glued[0][1:]}:')"
            elif kind in ("float_type", "int_type") and isinstance(given, str):
                m = _YAML11_EXP.match(given.strip())
                if m and math.isfinite(float(given)):  # YAML 1.1 reads 1e3 as text: a dot
                    mant, sign, exp = m.groups()  # before the exponent makes it a number
                    mant = mant if "." in mant else mant + ".0"
                    msg += f" (YAML reads it as text; write {mant}e{sign or '+'}{exp})"
                elif model is not None:  # 95%, €60, 0,98, 1,000, 60 days: what to write
                    hint = yaml_number_hint(model, loc, doc.data, given)
                    msg += hint or unit_hint(loc, given, doc.data)
            out.append(finding(doc.path, line, col, "SOP108", msg))
    return out


def load_model(
    root: Path,
    path: Path,
    model: type[M],
    context: Callable[[object], dict[str, object]] | None = None,
) -> tuple[M | None, YamlDoc | None, list[Finding]]:
    """Read, parse and validate one YAML file into `model`; `context` makes the validation
    context of the document read (validators' messages may use it)."""
    text, findings = read_text(root, path)
    if text is None:
        return None, None, findings
    doc, findings = parse_yaml(display(root, path), text)
    if doc is None:
        return None, doc, findings
    try:
        said = context(doc.data) if context is not None else None
        return model.model_validate(doc.data, context=said), doc, findings
    except ValidationError as exc:
        return None, doc, findings + pydantic_findings(doc, exc, model)
