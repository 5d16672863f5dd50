"""Property tests: whatever bytes a planner saves, the loaders answer with findings, never a crash.

Each property writes generated content over one file of the minimal example (a CSV input, the
charter or cycle.yaml) in a repository made once per test function, and calls the library's
`validate` directly. The YAML loader and the CSV reader are also exercised on their own.

Every finding must also be well formed: a catalogued code, and a line that exists in the file.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sopctl import yamlio
from sopctl.demos.minimal import CHARTER, CYCLE, files
from sopctl.findings import CODES, Finding, Report
from sopctl.tables.contracts import CONTRACTS
from sopctl.tables.csvread import LINE, read_raw
from sopctl.validate import validate
from sopctl.yamlio import parse_yaml
from tests.helpers import write_files

# SOPCTL_HYPOTHESIS_SCALE=20 runs twenty times as many examples (a longer hunt for bugs)
SCALE = float(os.environ.get("SOPCTL_HYPOTHESIS_SCALE", "1"))
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FAST = settings(SETTINGS, max_examples=int(200 * SCALE))
SLOW = settings(SETTINGS, max_examples=int(100 * SCALE))

BASE = files()
CH = "charters/acme.yaml"
CY = "cycles/2026-12/cycle.yaml"
INPUTS = {  # file -> table type, as the minimal charter declares them
    "cycles/2026-12/inputs/history.csv": "demand_history",
    "cycles/2026-12/inputs/pipeline.csv": "pipeline",
    "cycles/2026-12/inputs/overrides.csv": "overrides",
    "cycles/2026-12/inputs/items.csv": "items",
    "cycles/2026-12/inputs/resources.csv": "resources",
    "cycles/2026-12/inputs/routings.csv": "routings",
    "cycles/2026-12/inputs/inventory.csv": "inventory",
}
COLUMN_NAMES = sorted({c.name for contract in CONTRACTS.values() for c in contract.columns})
# YAML and CSV readers count these as line breaks; a finding's line must exist in the file
_BREAKS = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")


@contextmanager
def planning_repo() -> Iterator[Path]:
    """The minimal example without git; made once per test function, shared by its examples."""
    with tempfile.TemporaryDirectory(prefix="sopctl-hyp-") as d:
        root = Path(d)
        write_files(root, BASE)
        yield root


@contextmanager
def replaced(root: Path, rel: str, data: bytes) -> Iterator[None]:
    """`rel` holds `data` for the duration of the block, then its original text again."""
    path = root / rel
    path.write_bytes(data)
    try:
        yield
    finally:
        path.write_text(BASE[rel], encoding="utf-8")


def line_count(data: bytes) -> int:
    return len(_BREAKS.split(data.decode("utf-8", errors="replace")))


def check_findings(findings: list[Finding], path: str | None = None, lines: int = 0) -> None:
    for f in findings:
        assert isinstance(f, Finding)
        assert f.code in CODES, f
        assert f.line >= 0 and f.col >= 0, f
        assert not (f.col and not f.line), f
        assert f.message, f
        assert not f.path.startswith("/") and "\\" not in f.path, f
        if path is not None and f.path == path:
            assert f.line <= lines, f"{f} points past the end of the file ({lines} lines)"


def check_validate(root: Path, rel: str, data: bytes) -> Report:
    with replaced(root, rel, data):
        report = validate(root)
    assert isinstance(report, Report)
    check_findings(report.findings, rel, line_count(data))
    assert report.ok == (not report.errors)
    return report


# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------
def words(text: str) -> list[str]:
    """A vocabulary written as one space-separated string."""
    return text.split()


CELL_WORDS = words(
    "P-100 P-200 P-300 strategic Strategic standard retail proposal won ASSY CREW fixed labour "
    "delta replace 2026-01 2027-01 2027-06 2027-13 2027-W05 0 12 -5 2.5 1,200 1e3 NaN inf -inf "
    "1e400 99999999999999999999 sam@acme.example bob@example =1+2 é"
)
CELL_ODD = ["", " ", "Strategic accounts", "Jan 2027", '"1,200"', '"', '""', '"a,b"', '"x\ny"']
CELL_ODD += ['"unclosed', "\x00", "\ufeff"]
CELL = st.one_of(
    st.sampled_from(CELL_WORDS + CELL_ODD),
    st.sampled_from(COLUMN_NAMES),
    st.text(max_size=10),
)


@st.composite
def csv_bytes(draw: st.DrawFn, rel: str) -> bytes:
    """A CSV close to the real `rel`: cells replaced, rows dropped or added, separators, line
    endings and encoding varied."""
    rows = [line.split(",") for line in BASE[rel].splitlines()]
    if draw(st.booleans()):
        rows = draw(st.lists(st.sampled_from(rows), max_size=8)) or rows[:1]
    for _ in range(draw(st.integers(0, 6))):
        r = draw(st.integers(0, len(rows) - 1))
        op = draw(st.sampled_from(["cell", "cell", "cell", "drop_cell", "add_cell", "row"]))
        if op == "cell" and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(CELL)
        elif op == "drop_cell" and rows[r]:
            rows[r].pop(draw(st.integers(0, len(rows[r]) - 1)))
        elif op == "add_cell":
            rows[r].append(draw(CELL))
        else:
            rows.insert(r, draw(st.lists(CELL, max_size=8)))
    sep = draw(st.sampled_from([",", ",", ",", ";", "\t", "|"]))
    eol = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    tail = draw(st.sampled_from(["", eol, eol * 3, " "]))
    text = eol.join(sep.join(r) for r in rows) + tail
    enc = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(enc, errors="replace")


def any_csv(rel: str) -> st.SearchStrategy[bytes]:
    return st.one_of(csv_bytes(rel), st.binary(max_size=200))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=15),
    st.sampled_from(words("month week 2027-01 2027-W01 acme 2026-12 ops_lead x@y.z")),
)
KEYS = st.one_of(
    st.sampled_from(
        words(
            "version organisation name cadence bucket horizon_periods roles id members inputs "
            "file table segments pipeline stages probability charter first_period assumptions "
            "owner limits"
        )
    ),
    st.text(max_size=8),
    st.integers(-3, 3),
)


def _containers(kids: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(kids, max_size=4) | st.dictionaries(KEYS, kids, max_size=5)


TREES = st.recursive(SCALARS, _containers, max_leaves=20)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


WORDS = st.sampled_from(
    [
        *words(
            "sales_lead ops_lead cfo nobody strategic standard retail qualified committed month "
            "week 2027-01 2027-W01 2027-W53 2026-12 9999-12 0000-01 acme demand_history pipeline "
            "items promotions history.csv ./items.csv ../x.csv /etc/hostname sub/x.csv . signal "
            "commit x@y.z EUR S&OP"
        ),
        "",
        " ",
        "not an email",
        "s and op",
    ]
)
# a leaf replaced by a value of the same type keeps the document loadable more often, so the
# semantic checks and the inputs behind them get exercised too
SAME_TYPE: dict[type, st.SearchStrategy[Any]] = {
    str: st.one_of(WORDS, st.text(max_size=12)),
    int: st.one_of(st.integers(-2, 600), st.integers()),
    float: st.one_of(st.floats(-1.5, 2.5), st.floats()),
    bool: st.one_of(st.booleans(), st.sampled_from([0, 1, "yes", None])),
}


TREE_OPS = ("tweak", "tweak", "tweak", "replace", "delete", "add")
LEAF_OPS = ("tweak", "tweak", "tweak", "add")


@st.composite
def mutated_tree(draw: st.DrawFn, text: str, ops: tuple[str, ...] = TREE_OPS) -> str:
    """The parsed document with one or two values tweaked, replaced, deleted or repeated.

    With LEAF_OPS only scalars change, to values of the same type, or list entries repeat: the
    document mostly still loads, so the semantic checks and the inputs behind them run too.
    """
    data = copy.deepcopy(yaml.safe_load(text))
    leaves_only = "replace" not in ops
    for _ in range(draw(st.integers(1, 2))):
        node: Any = data
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            # descend into containers mostly; with LEAF_OPS stop at a list now and then, to
            # repeat one of its entries
            stop_at_list = leaves_only and isinstance(child, list) and not draw(st.integers(0, 3))
            descend = leaves_only or draw(st.integers(0, 4))
            if isinstance(child, dict | list) and child and descend and not stop_at_list:
                node = child
                continue
            op = draw(st.sampled_from(ops))
            if op == "tweak" and type(child) in SAME_TYPE:
                node[key] = draw(SAME_TYPE[type(child)])
            elif op == "tweak" and leaves_only:
                if isinstance(child, list):  # repeat an entry: duplicate ids
                    child.append(copy.deepcopy(child[draw(st.integers(0, len(child) - 1))]))
            elif op in ("tweak", "replace"):
                node[key] = draw(TREES)
            elif op == "delete":
                del node[key]
            elif isinstance(node, list):  # repeat an entry (duplicate ids) or add a random one
                repeat = leaves_only or draw(st.booleans())
                node.append(copy.deepcopy(child) if repeat else draw(TREES))
            elif not leaves_only:
                node[draw(KEYS)] = draw(TREES)
            break
    return dump(data)


ODD_VALUES = ["", "~", "-1", "1.5", "[]", "{}", "yes", "&a x", "*a", "<<: {}", "x: y"]
ODD_VALUES += ["2027-01-01", "!!binary aGk=", "!!python/name:os.system", "'unclosed", "[a, b"]


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """The document's text with lines deleted, repeated, swapped or edited."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "repeat", "swap", "edit", "value", "indent"]))
        if op == "delete" and len(lines) > 1:
            lines.pop(i)
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "edit":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.text(max_size=6)) + lines[i][pos:]
        elif op == "value" and ": " in lines[i]:
            head = lines[i].split(": ", 1)[0]
            lines[i] = f"{head}: {draw(st.sampled_from(ODD_VALUES))}"
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["\t", " ", "   "])) + lines[i]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n---\n", "\n...\n"]))


def yamlish(text: str) -> st.SearchStrategy[bytes]:
    tree = mutated_tree(text)
    text_s = st.text(max_size=200)
    as_text = st.one_of(tree, tree, tree, mutated_text(text), TREES.map(dump), text_s)
    encoding = st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "latin-1"])
    encoded = st.tuples(as_text, encoding).map(lambda te: te[0].encode(te[1], errors="replace"))
    return st.one_of(encoded, encoded, encoded, st.binary(max_size=200))


# ---------------------------------------------------------------------------------------------
# Properties over the whole validation
# ---------------------------------------------------------------------------------------------
def test_validate_survives_any_csv_input() -> None:
    with planning_repo() as root:

        @given(data=st.data())
        @SLOW
        def prop(data: st.DataObject) -> None:
            rel = data.draw(st.sampled_from(sorted(INPUTS)), label="file")
            check_validate(root, rel, data.draw(any_csv(rel), label="content"))

        prop()


def test_validate_survives_any_charter() -> None:
    with planning_repo() as root:

        @given(content=yamlish(CHARTER))
        @SLOW
        def prop(content: bytes) -> None:
            check_validate(root, CH, content)

        prop()


def test_validate_survives_tweaked_charter_and_cycle() -> None:
    with planning_repo() as root:

        @given(
            rel=st.sampled_from([CH, CY]),
            data=st.data(),
        )
        @SLOW
        def prop(rel: str, data: st.DataObject) -> None:
            text = CHARTER if rel == CH else CYCLE
            content = data.draw(mutated_tree(text, LEAF_OPS), label="content")
            check_validate(root, rel, content.encode("utf-8"))

        prop()


def test_validate_survives_any_cycle() -> None:
    with planning_repo() as root:

        @given(content=yamlish(CYCLE))
        @SLOW
        def prop(content: bytes) -> None:
            check_validate(root, CY, content)

        prop()


# ---------------------------------------------------------------------------------------------
# Properties of the loaders on their own
# ---------------------------------------------------------------------------------------------
@given(text=st.one_of(st.text(max_size=300), TREES.map(dump), mutated_text(CHARTER)))
@FAST
def test_parse_yaml_returns_a_mapping_or_findings(text: str) -> None:
    doc, findings = parse_yaml("x.yaml", text)
    check_findings(findings, "x.yaml", len(_BREAKS.split(text)))
    if doc is None:
        assert findings, "an unusable document must say why"
    else:
        assert isinstance(doc.data, dict)
        for line, col in doc.marks.values():
            assert line >= 1 and col >= 1


@given(text=st.one_of(st.text(max_size=300), TREES.map(dump), mutated_text(CHARTER)))
@example(text="aliases: [s? & op]\n")  # libyaml reads a list, the pure scanner an error
@FAST
def test_libyaml_fast_path_gives_what_the_pure_loader_gives(text: str) -> None:
    """parse_yaml tries libyaml first; data, marks and findings must not depend on that."""
    if yamlio._FAST is None:
        return  # PyYAML without libyaml: only the pure loader exists
    fast = yamlio._fast_parse("x.yaml", text)
    saved, yamlio._FAST = yamlio._FAST, None
    try:
        pure, findings = parse_yaml("x.yaml", text)
    finally:
        yamlio._FAST = saved
    if fast is not None:
        assert pure is not None and not findings
        assert (fast.data, fast.marks) == (pure.data, pure.marks)


@given(data=st.data())
@FAST
def test_read_raw_returns_a_table_or_findings(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory(prefix="sopctl-hyp-") as d:
        rel = data.draw(st.sampled_from(sorted(INPUTS)), label="file")
        content = data.draw(any_csv(rel), label="content")
        known = set(CONTRACTS[INPUTS[rel]].names)
        path = Path(d) / "t.csv"
        path.write_bytes(content)
        table, findings = read_raw(path, "t.csv", known, 2**20)
        lines = line_count(content)
        check_findings(findings, "t.csv", lines)
        if table is None:
            assert findings, "an unreadable table must say why"
            return
        assert all(isinstance(h, str) for h in table.header)
        assert LINE in table.frame.columns
        physical = table.frame[LINE].to_list()
        assert physical == sorted(set(physical)), "row lines must increase"
        assert all(2 <= n <= lines for n in physical), (physical, lines)
