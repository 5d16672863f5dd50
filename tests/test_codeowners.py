"""sopctl codeowners: the CODEOWNERS section generated from the charter, and SOP901."""

from __future__ import annotations

import shutil
from pathlib import Path

from sopctl.codeowners import codeowners_findings, generate, merge
from sopctl.findings import Severity
from sopctl.outputs import is_temp
from sopctl.validate import Workspace
from tests.helpers import git, make_repo, run, write_files

SIGNERS = "sam@acme.example olga@acme.example carl@acme.example"


def _ws(root: Path) -> Workspace:
    return Workspace(root=root, cycle_id="2026-12")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_prints_the_section_from_input_owners_and_rights(repo: Path) -> None:
    _edit(
        repo / "charters/acme.yaml",
        "approve_capacity_change: [ops_lead]",
        "approve_capacity_change: [ops_lead, cfo]",
    )
    r = run(["codeowners"], cwd=repo)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "# BEGIN sopctl (generated from charters/acme.yaml; do not edit)"
    assert lines[-1] == "# END sopctl"
    assert f"/charters/acme.yaml {SIGNERS}" in lines
    assert f"/cycles/*/approvals.yaml {SIGNERS}" in lines
    assert "/cycles/*/inputs/history.csv dana@acme.example" in lines
    assert "/cycles/*/inputs/pipeline.csv sam@acme.example" in lines
    # overrides: the owner role, then the override_demand roles
    assert "/cycles/*/inputs/overrides.csv dana@acme.example sam@acme.example" in lines
    # resources: the owner role, then the approve_capacity_change roles
    assert "/cycles/*/inputs/resources.csv olga@acme.example carl@acme.example" in lines
    assert "/cycles/*/inputs/routings.csv olga@acme.example" in lines
    assert not (repo / ".github").exists()  # printing writes nothing


def test_write_keeps_hand_written_lines_and_is_idempotent(repo: Path) -> None:
    r = run(["codeowners", "--write"], cwd=repo)
    assert r.code == 0, r.err
    assert r.out.startswith("created .github/CODEOWNERS")
    target = repo / ".github/CODEOWNERS"
    section = target.read_text(encoding="utf-8")
    target.write_text("* @acme/admins\n\n" + section + "\n/docs/ @acme/writers\n", encoding="utf-8")
    _edit(
        repo / "charters/acme.yaml",
        "members: [dana@acme.example]",
        "members: [dana@acme.example, dev@acme.example]",
    )
    r = run(["codeowners", "--write"], cwd=repo)
    assert r.code == 0, r.err
    assert "updated the section in .github/CODEOWNERS (+2 -2 lines)" in r.out
    assert "+/cycles/*/inputs/history.csv dana@acme.example dev@acme.example" in r.out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("* @acme/admins\n\n# BEGIN sopctl")
    assert text.endswith("# END sopctl\n\n/docs/ @acme/writers\n")
    assert text.count("# BEGIN sopctl") == 1
    again = run(["codeowners", "--write"], cwd=repo)
    assert again.code == 0 and "up to date, nothing written" in again.out
    assert target.read_text(encoding="utf-8") == text
    assert not [p for p in target.parent.iterdir() if is_temp(p.name)]


def test_appends_a_section_to_a_file_without_one(repo: Path) -> None:
    write_files(repo, {"CODEOWNERS": "# team\n* @acme/admins\n"})
    r = run(["codeowners", "--write"], cwd=repo)
    assert r.code == 0, r.err
    assert r.out.startswith("added a section to CODEOWNERS")
    text = (repo / "CODEOWNERS").read_text(encoding="utf-8")
    assert text.startswith("# team\n* @acme/admins\n\n# BEGIN sopctl")
    assert not (repo / ".github").exists()


def test_follows_githubs_lookup_order_and_path_option(repo: Path) -> None:
    write_files(repo, {"docs/CODEOWNERS": "", ".github/CODEOWNERS": "* @a\n"})
    assert run(["codeowners", "--write"], cwd=repo).code == 0
    assert "# END sopctl" in (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert (repo / "docs/CODEOWNERS").read_text(encoding="utf-8") == ""
    r = run(["codeowners", "--write", "--path", "elsewhere/OWNERS"], cwd=repo)
    assert r.code == 0, r.err
    assert (repo / "elsewhere/OWNERS").read_text(encoding="utf-8").startswith("# BEGIN sopctl")


def test_planning_repo_in_a_subfolder_uses_rooted_paths(tmp_path: Path) -> None:
    top = tmp_path / "mono"
    plan = top / "planning"
    plan.mkdir(parents=True)
    make_repo(plan, commit=False)
    shutil.rmtree(plan / ".git")  # the git repository is the folder above
    git(top, "init", "-q", "-b", "main")
    r = run(["--root", str(plan), "codeowners", "--write"], cwd=top)
    assert r.code == 0, r.err
    text = (top / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert f"/planning/charters/acme.yaml {SIGNERS}" in text
    assert "/planning/cycles/*/inputs/pipeline.csv sam@acme.example" in text
    assert codeowners_findings(_ws(plan.resolve())) == []
    _edit(plan / "charters/acme.yaml", "members: [sam@acme.example]", "members: [sue@acme.example]")
    (f,) = codeowners_findings(_ws(plan.resolve()))
    assert f.path == "../.github/CODEOWNERS"


def test_findings_sop901(repo: Path) -> None:
    ws = _ws(repo)
    assert codeowners_findings(ws) == []  # no CODEOWNERS file: nothing to say
    write_files(repo, {".github/CODEOWNERS": "* @acme/admins\n"})
    (f,) = codeowners_findings(ws)
    assert (f.path, f.line, f.code, f.severity) == (
        ".github/CODEOWNERS",
        0,
        "SOP901",
        Severity.WARNING,
    )
    assert "no sopctl section" in f.message and "sopctl codeowners --write" in f.message
    assert run(["codeowners", "--write"], cwd=repo).code == 0
    assert codeowners_findings(ws) == []
    _edit(
        repo / "charters/acme.yaml", "members: [carl@acme.example]", "members: [cleo@acme.example]"
    )
    (f,) = codeowners_findings(ws)
    assert (f.line, f.col, f.code) == (3, 1, "SOP901")  # the BEGIN line, after two hand lines
    assert "out of date" in str(f)
    _edit(repo / ".github/CODEOWNERS", "# END sopctl\n", "")
    (f,) = codeowners_findings(ws)
    assert f.line == 3 and "without its '# END sopctl' line" in f.message
    r = run(["codeowners", "--write"], cwd=repo)
    assert r.code == 2 and "no '# END sopctl' line closes it" in r.err


def test_findings_quiet_when_the_charter_does_not_load(repo: Path) -> None:
    write_files(repo, {".github/CODEOWNERS": "* @a\n"})
    _edit(repo / "charters/acme.yaml", "version: 1", "version: 1\nunknown_key: 3")
    assert codeowners_findings(_ws(repo)) == []
    r = run(["codeowners"], cwd=repo)
    assert r.code == 1 and "charters/acme.yaml does not load" in r.err
    assert "sopctl validate" in r.err


def test_several_charters_get_lines_per_cycle(repo: Path) -> None:
    text = (repo / "charters/acme.yaml").read_text(encoding="utf-8")
    other = text.replace("name: Acme Parts", "name: Acme Services").replace(
        "members: [sam@acme.example]", "members: [stan@acme.example]"
    )
    cycle = (repo / "cycles/2026-12/cycle.yaml").read_text(encoding="utf-8")
    write_files(
        repo,
        {
            "charters/services.yaml": other,
            "cycles/2027-01/cycle.yaml": cycle.replace("id: 2026-12", "id: 2027-01").replace(
                "charter: acme", "charter: services"
            ),
        },
    )
    section = generate(repo)
    assert section.charters == ["charters/acme.yaml", "charters/services.yaml"]
    assert section.lines[0].startswith(
        "# BEGIN sopctl (generated from charters/acme.yaml, charters/services.yaml;"
    )
    assert "/cycles/2026-12/inputs/pipeline.csv sam@acme.example" in section.lines
    assert "/cycles/2027-01/inputs/pipeline.csv stan@acme.example" in section.lines
    assert not [line for line in section.lines if "/cycles/*/" in line]


def test_escapes_spaces_and_comments_out_roles_without_members(repo: Path) -> None:
    _edit(repo / "charters/acme.yaml", "{file: items.csv,", "{file: item master.csv,")
    _edit(repo / "charters/acme.yaml", "members: [carl@acme.example]", "members: []")
    _edit(
        repo / "charters/acme.yaml",
        "owner: demand_planner, due: signal}\n  - {file: pipeline",
        "owner: cfo, due: signal}\n  - {file: pipeline",
    )
    lines = generate(repo).lines
    assert "/cycles/*/inputs/item\\ master.csv olga@acme.example" in lines
    assert (
        "# /cycles/*/inputs/history.csv  (no members in role cfo: add members to the charter)"
        in lines
    )


def test_merge_replaces_only_the_first_marked_section() -> None:
    from sopctl.codeowners import Section

    new = Section(["# BEGIN sopctl (x)", "/a b@c.de", "# END sopctl"], [])
    text = "top\n# BEGIN sopctl (old)\n/z y@c.de\n# END sopctl\nbottom\n"
    assert merge(text, new) == "top\n# BEGIN sopctl (x)\n/a b@c.de\n# END sopctl\nbottom\n"
    assert merge("", new) == "# BEGIN sopctl (x)\n/a b@c.de\n# END sopctl\n"


def test_scenario_files_are_owned_by_their_owner_role(repo: Path) -> None:
    scenarios = repo / "cycles/2026-12/scenarios"
    write_files(
        repo,
        {
            "cycles/2026-12/scenarios/rush.yaml": "description: More\nowner: sales_lead\n"
            "overlays: []\n",
            "cycles/2026-12/scenarios/shift.yaml": "description: Less\nowner: ops_lead\n"
            "overlays: []\n",
            "cycles/2026-12/scenarios/broken.yaml": "owner: [not, a, role\n",
        },
    )
    lines = generate(repo).lines
    assert "/cycles/2026-12/scenarios/rush.yaml sam@acme.example" in lines
    assert "/cycles/2026-12/scenarios/shift.yaml olga@acme.example" in lines
    assert not [ln for ln in lines if "broken.yaml" in ln]  # validate reports it, not this
    shutil.rmtree(scenarios)
    assert not [ln for ln in generate(repo).lines if "/scenarios/" in ln]
