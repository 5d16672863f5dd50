"""The JSON Schemas of `sopctl schema` and `sopctl validate` judge YAML documents alike.

An editor with the YAML language server checks a file against the exported schema while it is
typed; a file it accepts should not then fail `sopctl validate` for a reason the schema could
have said. Each case edits one file of a fresh planning repository and asks both. The JSON side
reads the YAML as the language server does (YAML 1.2: `6e1` is a number, timestamps are text);
sopctl reads YAML 1.1.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import make_repo, run

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the dev extra")

CYCLE = "cycles/2026-12/cycle.yaml"
CHARTER = "charters/acme.yaml"
APPROVALS = "cycles/2026-12/approvals.yaml"
ACTIONS = "cycles/2026-12/actions.yaml"
SCENARIO = "cycles/2026-12/scenarios/more.yaml"
SCHEMA = {
    CYCLE: "cycle.schema.json",
    CHARTER: "charter.schema.json",
    APPROVALS: "approvals.schema.json",
    ACTIONS: "actions.schema.json",
    SCENARIO: "scenario.schema.json",
}
DIGEST = "a" * 64


def _approval(time: str) -> str:
    return (
        "version: 1\napprovals:\n  - role: cfo\n    person: carl@acme.example\n"
        f"    time: {time}\n    plan_digest: {DIGEST}\n"
    )


def _action(due: str) -> str:
    return (
        "version: 1\nactions:\n  - id: call-supplier\n    description: Ask for more valves\n"
        f"    owner: ops_lead\n    due: {due}\n"
    )


def _scenario(overlay: str) -> str:
    return f"description: More pumps\nowner: sales_lead\noverlays:\n  - {overlay}\n"


# (name, file, old text or None for the whole file, new text): each accepted by both
GOOD = [
    ("example as made", CHARTER, "quorum: 2", "quorum: 2"),
    ("week-less month", CYCLE, "first_period: 2027-01", "first_period: 2027-02"),
    ("approval", APPROVALS, None, _approval("'2026-12-12T09:30:00Z'")),
    ("action, plain date", ACTIONS, None, _action("2027-01-15")),
    ("action, quoted date", ACTIONS, None, _action("'2027-01-15'")),
    ("action, leap day", ACTIONS, None, _action("2028-02-29")),
    ("metric share", CHARTER, "target: 0.95", "target: 1"),
    ("scenario", SCENARIO, None, _scenario("{kind: demand, from: 2027-02, factor: 1.2}")),
    ("scenario units", SCENARIO, None, _scenario("{kind: demand, units: -1000000000}")),
    # blanks around a quoted value: sopctl trims every text it reads, and so does the schema
    ("period in blanks", CYCLE, "first_period: 2027-01", "first_period: ' 2027-01 '"),
    ("currency in blanks", CHARTER, "currency: EUR", "currency: ' EUR\t'"),
    (
        "role id and member in blanks",
        CHARTER,
        "required_roles: [sales_lead,",
        "required_roles: [' sales_lead ',",
    ),
    ("member in blanks", CHARTER, "members: [sam@acme.example]", "members: [' sam@acme.example ']"),
    (
        "approval in blanks",
        APPROVALS,
        None,
        _approval("' 2026-12-12T09:30:00Z '")
        .replace("role: cfo", "role: ' cfo '")
        .replace("carl@acme.example", "' carl@acme.example '")
        .replace(DIGEST, f"' {DIGEST} '"),
    ),
    (
        "action in blanks",
        ACTIONS,
        None,
        _action("' 2027-01-15 '").replace("id: call-supplier", f"id: ' {'a' * 64} '"),
    ),
    (
        "scenario period in blanks",
        SCENARIO,
        None,
        _scenario("{kind: demand, from: ' 2027-02 ', factor: 1.2}"),
    ),
]
# each refused by both
BAD = [
    ("period not YYYY-MM", CYCLE, "first_period: 2027-01", "first_period: Jan-2027"),
    ("period before 1900", CYCLE, "first_period: 2027-01", "first_period: 1899-12"),
    ("month 13", CYCLE, "first_period: 2027-01", "first_period: 2027-13"),
    ("no such day or hour", APPROVALS, None, _approval("'2027-02-30T25:00:00Z'")),
    ("time digits missing", APPROVALS, None, _approval("'2027-2-3T5:0:0Z'")),
    ("time not UTC", APPROVALS, None, _approval("'2027-02-03T05:00:00+01:00'")),
    ("date as d/m/y", ACTIONS, None, _action("01/02/2027")),
    ("date with a time", ACTIONS, None, _action("'2027-01-15T00:00:00'")),
    ("no leap day", ACTIONS, None, _action("'2027-02-29'")),
    ("share in percent", CHARTER, "target: 0.95", "target: 95"),
    ("negative bias", CHARTER, "target: 0.05", "target: -0.05"),
    ("penalty past 1e9", CHARTER, "shortage_penalty: 20", "shortage_penalty: 2.0e+9"),
    ("dso as text", CHARTER, "dso_days: 45", "dso_days: '60'"),
    ("quorum a fraction", CHARTER, "quorum: 2", "quorum: 1.5"),
    ("scenario period", SCENARIO, None, _scenario("{kind: demand, from: 2027/02, factor: 1.2}")),
    ("factor past 1000", SCENARIO, None, _scenario("{kind: demand, factor: 5000}")),
    ("units past 1e9", SCENARIO, None, _scenario("{kind: demand, units: 2.0e+9}")),
    ("blanks only", ACTIONS, None, _action("2027-01-15").replace("Ask for more valves", "'  '")),
    (
        "id past 64 in blanks",
        ACTIONS,
        None,
        _action("2027-01-15").replace("id: call-supplier", f"id: ' {'a' * 65} '"),
    ),
    (
        "blank inside an id",
        ACTIONS,
        None,
        _action("2027-01-15").replace("id: call-supplier", "id: 'call supplier'"),
    ),
    ("period with a blank inside", CYCLE, "first_period: 2027-01", "first_period: '2027 -01'"),
]
# what JSON Schema cannot say (docs/formats.md, "Editor schemas"): the editor accepts these,
# sopctl refuses them. A change that closes one of these gaps should move it to BAD.
GAPS = [
    # JSON Schema's "integer" is any number with no fraction, so 2.0 is one
    ("quorum written 2.0", CHARTER, "quorum: 2", "quorum: 2.0"),
    # YAML 1.2 reads 6e1 as 60; YAML 1.1 (sopctl) as text: write 60 or 6.0e+1
    ("exponent without a dot", CHARTER, "dso_days: 45", "dso_days: 6e1"),
    # YAML 1.1 reads an unquoted time as a timestamp, not the text an approval keeps
    ("unquoted time", APPROVALS, None, _approval("2026-12-12T09:30:00Z")),
    # the schema cannot know the bucket of the charter the cycle names
    ("week on a monthly charter", CYCLE, "first_period: 2027-01", "first_period: 2027-W01"),
]


class _Yaml12(yaml.SafeLoader):
    """YAML as the language server reads it for these cases: 1.2 floats, no timestamps."""


_Yaml12.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("agree") / "plan")
    cycle = root / CYCLE
    cycle.write_text(cycle.read_text() + "  - id: more\n    description: More pumps\n")
    (root / SCENARIO).parent.mkdir()
    (root / SCENARIO).write_text(next(new for name, *_, new in GOOD if name == "scenario"))
    return root


def _judge(base: Path, tmp: Path, file: str, old: str | None, new: str) -> tuple[bool, bool, str]:
    from sopctl.schema_export import schemas

    repo = tmp / "plan"
    shutil.copytree(base, repo)
    path = repo / file
    if old is None:
        text = new
    else:
        text = path.read_text()
        assert old in text, (file, old)
        text = text.replace(old, new, 1)
    path.write_text(text)
    result = run(["validate"], cwd=repo)
    assert result.code in (0, 1), result.err
    schema = schemas()[SCHEMA[file]]
    data: Any = yaml.load(text, Loader=_Yaml12)  # a SafeLoader subclass
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    shown = [f.split(" ", 3)[-1] for f in result.out.splitlines() if " SOP" in f]
    return result.code == 0, not errors, f"sopctl: {shown}; schema: {[e.message for e in errors]}"


@pytest.mark.parametrize(("name", "file", "old", "new"), GOOD, ids=[c[0] for c in GOOD])
def test_both_accept(base: Path, tmp_path: Path, name: str, file: str, old: Any, new: str) -> None:
    ok_sopctl, ok_schema, why = _judge(base, tmp_path, file, old, new)
    assert ok_sopctl and ok_schema, why


@pytest.mark.parametrize(("name", "file", "old", "new"), BAD, ids=[c[0] for c in BAD])
def test_both_refuse(base: Path, tmp_path: Path, name: str, file: str, old: Any, new: str) -> None:
    ok_sopctl, ok_schema, why = _judge(base, tmp_path, file, old, new)
    assert not ok_sopctl and not ok_schema, why


@pytest.mark.parametrize(("name", "file", "old", "new"), GAPS, ids=[c[0] for c in GAPS])
def test_documented_gaps(
    base: Path, tmp_path: Path, name: str, file: str, old: Any, new: str
) -> None:
    ok_sopctl, ok_schema, why = _judge(base, tmp_path, file, old, new)
    assert ok_schema and not ok_sopctl, why


def test_every_schema_names_its_dialect() -> None:
    from sopctl.schema_export import schemas

    for name, schema in schemas().items():
        if name.endswith(".schema.json"):
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name
            jsonschema.Draft202012Validator.check_schema(schema)
