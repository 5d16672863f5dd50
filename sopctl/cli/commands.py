"""Thin command bodies: map options to one core call and render its result."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EXIT_FINDINGS, EXIT_OK, UserError

if TYPE_CHECKING:
    from ..explain import PlanFrames
    from ..validate import Workspace

RECONCILE_VIEW = ("sopctl.cli.plan_view",)  # what renders a plan: imported while HiGHS solves


def run_validate(root: Path | None, cycle: str | None, fmt: str, per_file: int) -> int:
    from ..validate import validate
    from .render import emit

    report = validate(root, cycle)
    emit(report, fmt, per_file)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def run_demand_cmd(root: Path | None, cycle: str | None, fmt: str, per_file: int) -> int:
    from ..demand import run_demand
    from .demand_view import show_json, show_text
    from .render import emit

    run = run_demand(root, cycle)
    if run.result is None:  # validation failed: show why
        emit(run.report, fmt, per_file)
    elif fmt == "json":
        show_json(run, per_file)
    else:
        show_text(run, per_file)
    return EXIT_OK if run.ok else EXIT_FINDINGS


def run_reconcile_cmd(
    root: Path | None,
    cycle: str | None,
    fmt: str,
    dry_run: bool,
    integer: bool,
    top: int,
    per_file: int,
    mps: Path | None = None,
) -> int:
    from ..plan import run_reconcile

    view = RECONCILE_VIEW
    if fmt == "text" and sys.stderr.isatty():
        from rich.console import Console

        from .ticker import Ticker

        err = Console(stderr=True)
        ticker = Ticker("reconciling")
        with err.status(ticker):
            run = run_reconcile(
                root,
                cycle,
                dry_run=dry_run,
                integer=integer,
                mps=mps,
                progress=ticker.step,
                prefetch=view,
            )
    else:
        run = run_reconcile(root, cycle, dry_run=dry_run, integer=integer, mps=mps, prefetch=view)
    from .plan_view import show_json, show_text

    if fmt == "json":
        show_json(run, per_file)
    else:
        show_text(run, per_file, top)
    return EXIT_OK if run.ok else EXIT_FINDINGS


def _known_name(ws: Workspace, frames: PlanFrames, name: str) -> str:
    """The plan's id `name` stands for, by the rule CSV values follow (another case, a glossary
    alias: tables.refs.canonical), said on stderr; `name` itself when it is an id or none."""
    from ..tables.refs import canonical

    assert ws.charter is not None
    ids = frozenset(
        [
            *frames.supply["item"].to_list(),
            *frames.materials["material"].to_list(),
            *frames.capacity["resource"].to_list(),
        ]
    )
    mapping, _ = canonical([name], ids, ws.charter.aliases())
    if name not in mapping:
        return name
    print(f"reading '{name}' as {mapping[name]}", file=sys.stderr)
    return mapping[name]


def run_explain_cmd(
    root: Path | None, cycle: str | None, name: str, period: str | None, scenario: str | None
) -> int:
    from ..explain import explain_item, explain_material, explain_resource
    from ..periods import problem
    from ..plan import plan_frames_for
    from .fit import wrap_lines
    from .render import emit

    if scenario is not None and scenario != "base":
        from ..scenarios.sources import scenario_frames_for

        got = scenario_frames_for(root, cycle, scenario)
    else:
        got = plan_frames_for(root, cycle)
        scenario = None
    ws, frames, report, source, why = got
    if frames is None:
        emit(report, "text", 20)
        for line in why:
            print(line)
        fix = "the conflicting data above" if why else "the findings above"
        shown = f"sopctl reconcile --scenario {scenario}" if scenario else "sopctl reconcile"
        print(f"no plan to explain: fix {fix} first ({shown} --dry-run shows it too)")
        return EXIT_FINDINGS
    periods = ws.periods()
    assert ws.charter is not None  # a plan was found: its charter was read
    if period is not None and period not in periods:
        span = f"{periods[0]}..{periods[-1]}" if periods else "none"
        said, hint = "", "name a period of the horizon as in supply_plan.csv, or leave out --period"
        if bad := problem(period, ws.charter.cadence.bucket):  # misspelt: say how
            said, hint = f": it {bad.what}", bad.fix
        raise UserError(
            f"period '{period}' is not in the plan of cycle {ws.cycle_id} (periods {span}){said}",
            hint=hint,
        )
    name = _known_name(ws, frames, name)
    if frames.supply.filter(frames.supply["item"] == name).height:
        lines = explain_item(ws, frames, name, period)
    elif frames.materials.filter(frames.materials["material"] == name).height:
        lines = explain_material(frames, name, period)
    else:
        lines = explain_resource(ws, frames, name, period)
    writes = f"sopctl reconcile --scenario {scenario}" if scenario else "sopctl reconcile"
    note = {
        "outputs": "the written plan",
        "stale": "a plan solved now (the outputs are stale)",
    }.get(source, f"a plan solved now (no outputs yet; {writes} writes them)")
    whose = f"scenario {scenario}" if scenario else f"cycle {ws.cycle_id}"
    print(f"explaining {note} of {whose}" + (f" (cycle {ws.cycle_id})" if scenario else ""))
    # wrapped on a terminal only: piped, each statement stays one line for grep and scripts
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 0
    print("\n".join(wrap_lines(lines, width)))  # a price note is the story's own last line
    return EXIT_OK


def run_init(path: Path, example: str, cycle: str | None = None) -> int:
    from ..demos.minimal import PLACEHOLDER_DOMAIN
    from ..scaffold import scaffold

    files, enclosing = scaffold(path, example, cycle)
    first = next(f for f in files if f.endswith("/cycle.yaml")).split("/")[1]
    git_said = "git initialised"
    sub = enclosing is not None and enclosing.resolve() != path.resolve()
    if enclosing is not None:
        git_said = "in its existing git repository"
    if sub:
        git_said = f"inside the git repository at {enclosing}: no new repository made"
    print(
        f"created a planning repository in {path} ({len(files)} files, {git_said}, "
        f"JSON Schemas for editor completion in schemas/); first cycle {first}"
    )
    if sub:
        print(
            "  a planning repository in a subfolder: run sopctl inside it or with --root, and set "
            "the action's path: and the pre-commit hook's files: to it (docs/ci.md)"
        )
    texts = {f: (path / f).read_text("utf-8") for f in files}
    where = [
        f + (" (roles[].members)" if f.startswith("charters/") else " (owner)")
        for f, text in texts.items()
        if f"@{PLACEHOLDER_DOMAIN}" in text
    ]
    print("next:")
    if path.resolve() != Path.cwd().resolve():  # `sopctl init .` is there already
        print(f"  cd {shlex.quote(str(path))}")
    if where:
        print(f"  edit {' and '.join(where)}:")
        print(
            "    put your team's git e-mails (git config user.email) in place of the "
            f"@{PLACEHOLDER_DOMAIN}\n    addresses: sopctl approve takes a sign-off only "
            "from a member of the role"
        )
    print("  sopctl validate")
    print('  git add -A && git commit -m "Start S&OP"')
    print(f"  sopctl reconcile {first}, then each approver: sopctl approve {first} --role ROLE")
    print(
        f"  an exception that escalates needs an action that answers it: add it to "
        f"cycles/{first}/actions.yaml\n    (answers: kind:item-or-resource:period) and commit "
        f"it; sopctl status {first} lists what still stops the commit"
    )
    print(f"  sopctl tag {first}: commit the approved plan as the tag sop/{first}/v1")
    return EXIT_OK


def run_schema(root: Path | None, out: Path | None) -> int:
    from ..schema_export import write_schemas
    from ..workspace import find_root

    target = out if out is not None else find_root(root or Path.cwd()) / "schemas"
    if target.exists() and not target.is_dir():
        raise UserError(
            f"--out {target} is a file; sopctl schema writes six files into a folder",
            hint="name a folder (it is created when missing)",
        )
    for path in write_schemas(target):
        sys.stdout.write(f"wrote {path}\n")
    return EXIT_OK
