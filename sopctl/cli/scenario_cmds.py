"""Commands: sopctl compare, and `sopctl reconcile --scenario / --all-scenarios`.

Imported at the end of app.py; `compare` registers itself on `app`, and the reconcile command
(app.py) hands over to `run_reconcile_scenarios` when scenarios are asked for. The work lives
in `sopctl.scenarios`; the Rich views are in scenario_view.py.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from .app import app, state
from .examples import COMPARE_EXAMPLES
from .options import COUNT_MAX, named_id

__all__ = ["app", "state"]

T = TypeVar("T")
Progress = Callable[[str], None]


class CompareFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command(epilog=COMPARE_EXAMPLES)
def compare(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CYCLE] [NAME|REV]...",
            callback=named_id(
                "a cycle, then scenarios or revisions",
                "sopctl compare 2026-12 upside",
                "leave it out to compare every scenario of the current cycle",
            ),
            help="A cycle id (default: current folder or latest), then scenario names "
            "(default: every declared scenario) or git revisions (the first is the base; one "
            "revision is compared with the working tree).",
        ),
    ] = None,
    fmt: Annotated[
        CompareFormat,
        typer.Option("--format", "-f", help="text, json (the data) or markdown (PR comment)."),
    ] = CompareFormat.text,
    rows: Annotated[
        int,
        typer.Option(
            "--rows",
            metavar="N",
            min=0,
            max=COUNT_MAX,
            help="Exceptions that appear or clear shown per plan.",
        ),
    ] = 10,
) -> None:
    """Plans side by side: service per segment, units short, cost and its parts, revenue,
    margin, working capital and cash, peak utilisation per resource, exceptions that appear or
    clear, with deltas against the base and the best option per KPI. Scenarios are read from
    their written outputs when current and solved otherwise (nothing is written). Exit 1 when a
    plan is missing (invalid inputs or infeasible)."""
    raise typer.Exit(run_compare_cmd(state.root, names or [], fmt.value, rows))


def _declared(root: Path, cycle: str) -> set[str]:
    """Scenario ids of cycle.yaml (with base), read without validating the whole cycle."""
    from ..schemas.cycle import Cycle
    from ..workspace import load_model

    cy, _, _ = load_model(root, root / "cycles" / cycle / "cycle.yaml", Cycle)
    return {"base", *(s.id for s in cy.scenarios)} if cy is not None else {"base"}


def split_names(root: Path, tokens: list[str], cwd: Path) -> tuple[str, str, list[str]]:
    """(cycle, mode, names): the first token is the cycle when a cycle has that id; the rest
    are scenario names when cycle.yaml declares them all, else git revisions. A name that is
    neither, but is spelt like a scenario, is a usage error that names the scenario."""
    from ..errors import UserError
    from ..workspace import list_cycles, pick_cycle

    rest = list(tokens)
    cycle = rest.pop(0) if rest and rest[0] in list_cycles(root) else None
    cycle_id = pick_cycle(root, cycle, cwd)
    known = _declared(root, cycle_id)
    hits = [t for t in rest if t in known]
    if len(hits) == len(rest):
        return cycle_id, "scenarios", rest
    misses = [t for t in rest if t not in known]
    fixed = {t: _spelt_like(t, known) for t in misses}
    if hits:
        raise UserError(
            f"{_words(misses)} {'is not a scenario' if len(misses) == 1 else 'are not scenarios'}"
            f" of cycle {cycle_id}, but {_words(hits)} {'is' if len(hits) == 1 else 'are'}: "
            "compare scenarios of one cycle, or git revisions, not both",
            hint=_instead(cycle, cycle_id, rest, fixed, known),
        )
    revision = {t: _is_revision(root, t) for t in misses}
    # not a revision of the repository; without git, only a name spelt like a scenario
    wrong = [t for t in misses if revision[t] is False or (fixed[t] and not revision[t])]
    if wrong:
        one = len(wrong) == 1
        raise UserError(
            f"{_words(wrong)} {'is neither a scenario' if one else 'are neither scenarios'} of "
            f"cycle {cycle_id} nor {'a git revision' if one else 'git revisions'}",
            hint=_instead(cycle, cycle_id, rest, fixed, known)
            if any(fixed[t] for t in wrong)
            else _could_be(root, cycle, cycle_id, known),
        )
    return cycle_id, "revisions", rest


def _could_be(root: Path, cycle: str | None, cycle_id: str, known: set[str]) -> str:
    """What `sopctl compare NAME` takes, for a NAME that is none of it."""
    from ..workspace import list_cycles

    others = sorted(known - {"base"})
    scenarios = (
        f"scenarios of cycle {cycle_id} ({', '.join(['base', *others])})"
        if others
        else f"scenarios of cycle {cycle_id} (it declares none yet: add them under "
        f"scenarios: in cycles/{cycle_id}/cycle.yaml)"
    )
    cycles = (
        "" if cycle else f", after a cycle id for another cycle ({', '.join(list_cycles(root))})"
    )
    return f"compare takes {scenarios} or git revisions (commits, tags or branches){cycles}"


def _spelt_like(name: str, known: set[str]) -> str | None:
    from ..hints import did_you_mean

    return did_you_mean(name, sorted(known))


def _words(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _instead(
    cycle: str | None, cycle_id: str, rest: list[str], fixed: dict[str, str | None], known: set[str]
) -> str:
    """Did you mean: the scenario each misspelt name is spelt like, and the command with all
    of them spelt right; without a guess for every name, the scenarios there are."""
    meant = {t: m for t, m in fixed.items() if m and m not in rest}
    said = ", ".join(f"{m} for {t}" if len(fixed) > 1 else m for t, m in meant.items())
    if meant and len(meant) == len(fixed):
        names = [meant.get(t, t) for t in rest]
        command = " ".join(["sopctl compare", *([cycle] if cycle else []), *names])
        return f"did you mean {said}? {command}"
    listed = f"scenarios of cycle {cycle_id}: {', '.join(sorted(known))}"
    return f"did you mean {said}? {listed}" if meant else listed


def _is_revision(root: Path, name: str) -> bool | None:
    """Whether `name` is a git revision of the repository; None without git (`compare`
    then says so)."""
    from .. import vcs
    from ..errors import GitError

    try:
        return vcs.resolve_commit(root, name) is not None
    except GitError:  # not a git repository: no revisions at all
        return None


def run_compare_cmd(root: Path | None, tokens: list[str], fmt: str, rows: int) -> int:
    import json
    import sys

    from rich.console import Console

    from ..errors import EXIT_FINDINGS, EXIT_OK
    from ..findings import Report
    from ..scenarios.compare import compare_options
    from ..scenarios.markdown import to_markdown
    from ..scenarios.sources import revision_options, scenario_options
    from ..workspace import find_root
    from .render import emit
    from .scenario_view import show_comparison

    cwd = Path.cwd()
    top = find_root(root or cwd)
    cycle, mode, names = split_names(top, tokens, cwd)
    report = Report()
    if mode == "scenarios":
        _, report, options = _busy(
            fmt, lambda say: scenario_options(top, cycle, names, progress=say)
        )
        if not options:
            emit(report, "json" if fmt == "json" else "text", 20)
            return EXIT_FINDINGS
    else:
        revs: list[str | None] = list(names) if len(names) > 1 else [*names, None]
        options = _busy(fmt, lambda say: revision_options(top, cycle, revs, progress=say))
    result = compare_options(options, cycle, mode, rows)
    if fmt == "json":
        doc = result.to_dict()
        doc["findings"] = [f.to_dict() for f in report.sorted()]
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(result))
    else:
        show_comparison(result, Console(highlight=False))
        if report.findings:
            emit(report, "text", 20)
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _busy(fmt: str, work: Callable[[Progress | None], T]) -> T:
    """Run `work` with a spinner on a terminal (text format), else quietly."""
    from rich.console import Console

    err = Console(stderr=True)
    if fmt == "text" and err.is_terminal:
        with err.status("working") as status:
            return work(lambda m: status.update(m))
    return work(None)


def reconcile_scenarios_cmd(
    cycle: str | None,
    fmt: str,
    dry_run: bool,
    integer: bool,
    top: int,
    per_file: int,
    mps: Path | None,
    names: list[str],
    every: bool,
) -> None:
    """The reconcile command's scenario branch (raises typer.Exit with the exit code)."""
    from ..errors import UserError

    if mps is not None:
        raise UserError(
            "--export-mps writes the base plan's model; run it without --scenario",
            hint="sopctl reconcile --export-mps FILE",
        )
    raise typer.Exit(
        run_reconcile_scenarios(
            state.root, cycle, fmt, dry_run, integer, top, per_file, names, every
        )
    )


def run_reconcile_scenarios(
    root: Path | None,
    cycle: str | None,
    fmt: str,
    dry_run: bool,
    integer: bool,
    top: int,
    per_file: int,
    names: list[str],
    every: bool,
) -> int:
    """`sopctl reconcile --scenario NAME ... | --all-scenarios`: the base plan and each
    scenario, written to outputs/ and outputs/scenarios/<name>/."""
    from ..errors import EXIT_FINDINGS, EXIT_OK
    from ..scenarios.run import run_scenarios
    from .scenario_view import reconcile_json, reconcile_text

    run = _busy(
        fmt,
        lambda say: run_scenarios(
            root,
            cycle,
            names,
            every=every,
            dry_run=dry_run,
            integer=integer,
            progress=say,
        ),
    )
    if fmt == "json":
        reconcile_json(run, per_file)
    else:
        reconcile_text(run, per_file, top)
    return EXIT_OK if run.ok else EXIT_FINDINGS
