"""Findings are data: every check returns them, renderers turn them into text, JSON or annotations.

Each code is stable. Its severity and meaning live in CODES, how to fix it in
`sopctl.fixes.FIXES`; both are the source of `docs/codes.md` (tests keep them in step).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# code -> (default severity, one-line title). Grouped by hundreds:
# 0xx files (01x-02x: Excel workbooks), 1xx YAML, 2xx CSV structure, 3xx CSV values, 4xx keys and
# references, 5xx charter semantics, 6xx workspace and cycle (62x-65x scenarios), 7xx demand
# (signal; 72x-75x learn: outcomes against a committed plan), 8xx plan checks in CI, 9xx
# repository conventions (96x-97x: report and export).
CODES: dict[str, tuple[Severity, str]] = {
    "SOP001": (Severity.ERROR, "file is missing"),
    "SOP002": (Severity.ERROR, "path is a directory, not a file"),
    "SOP003": (Severity.ERROR, "symlink points outside the repository"),
    "SOP004": (Severity.ERROR, "file is not valid UTF-8"),
    "SOP005": (Severity.ERROR, "file is empty"),
    "SOP006": (Severity.ERROR, "file is larger than the input size limit"),
    "SOP007": (Severity.ERROR, "file cannot be read"),
    "SOP008": (Severity.ERROR, "file holds a NUL byte"),
    "SOP010": (Severity.ERROR, "workbook cannot be read as .xlsx"),
    "SOP011": (Severity.ERROR, "sheet is not named after an input table of the cycle"),
    "SOP012": (Severity.ERROR, "two sheets hold the same input table"),
    "SOP013": (Severity.ERROR, "cell holds a formula instead of a value"),
    "SOP014": (Severity.ERROR, "cell holds an error, a time or a date that is no valid value"),
    "SOP015": (Severity.WARNING, "a percent-points cell is formatted as a percentage"),
    "SOP016": (Severity.ERROR, "workbook has no sheet named after an input table"),
    "SOP017": (Severity.ERROR, "sheet has a value in a column without a header"),
    "SOP018": (
        Severity.ERROR,
        "workbook was exported from another cycle (a warning when the cycle is named)",
    ),
    "SOP019": (Severity.ERROR, "path is a FIFO, a socket or a device, not a regular file"),
    "SOP020": (
        Severity.ERROR,
        "sheet edited in the workbook, and its file changed since the export",
    ),
    "SOP021": (Severity.WARNING, "workbook has no export record: changed files cannot be told"),
    "SOP022": (Severity.ERROR, "a merged range shows one value over several cells of a table"),
    "SOP101": (Severity.ERROR, "YAML syntax error"),
    "SOP102": (Severity.ERROR, "duplicate key in a YAML mapping"),
    "SOP103": (Severity.ERROR, "YAML anchors and aliases are not allowed"),
    "SOP104": (Severity.ERROR, "tab where YAML forbids one (in the indentation, after '-')"),
    "SOP105": (Severity.ERROR, "YAML document must be a mapping"),
    "SOP106": (Severity.ERROR, "unknown key"),
    "SOP107": (Severity.ERROR, "required key is missing"),
    "SOP108": (Severity.ERROR, "value has the wrong type or is out of range"),
    "SOP109": (Severity.ERROR, "more than one YAML document in the file"),
    "SOP201": (Severity.ERROR, "CSV header is missing or not recognised"),
    "SOP202": (Severity.ERROR, "wrong field separator"),
    "SOP203": (Severity.ERROR, "required column is missing"),
    "SOP204": (Severity.WARNING, "unknown column"),
    "SOP205": (Severity.ERROR, "duplicate column name"),
    "SOP206": (Severity.ERROR, "row has the wrong number of fields"),
    "SOP207": (Severity.ERROR, "unterminated quoted field"),
    "SOP208": (Severity.WARNING, "blank line inside the table"),
    "SOP209": (Severity.ERROR, "column without a name holds values"),
    "SOP210": (Severity.ERROR, "totals row (Total, Sum, Summe ...) in a table of data rows"),
    "SOP211": (Severity.WARNING, "empty trailing columns on one side (header or rows)"),
    "SOP240": (Severity.ERROR, "id that no id may be (invisible character, formula, too long)"),
    "SOP241": (Severity.WARNING, "id that YAML files cannot name (breaks the YAML id rule)"),
    "SOP301": (Severity.ERROR, "required value is empty"),
    "SOP302": (Severity.ERROR, "value is not a number"),
    "SOP303": (Severity.ERROR, "number uses a thousands separator"),
    "SOP304": (Severity.ERROR, "value is not a whole number"),
    "SOP305": (Severity.ERROR, "value is below the allowed minimum"),
    "SOP306": (Severity.ERROR, "value is above the allowed maximum"),
    "SOP307": (Severity.ERROR, "value is not one of the allowed values"),
    "SOP308": (Severity.ERROR, "value is not a valid period"),
    "SOP309": (Severity.ERROR, "value is not a valid e-mail address"),
    "SOP310": (Severity.ERROR, "row breaks a rule that ties its columns together"),
    "SOP311": (Severity.ERROR, "value is not a valid date"),
    "SOP312": (Severity.WARNING, "number smaller in size than 1e-9: read as 0"),
    "SOP313": (Severity.WARNING, "a word for no value (NULL, None, NaN, #N/A ...): read as empty"),
    "SOP314": (Severity.WARNING, "count with a dot before three digits: a thousands separator?"),
    "SOP320": (Severity.WARNING, "value the plan does not use (hours of a labour resource)"),
    "SOP401": (Severity.ERROR, "duplicate key"),
    "SOP402": (Severity.ERROR, "reference to an unknown row of another table"),
    "SOP403": (Severity.ERROR, "reference to an unknown charter entry"),
    "SOP404": (Severity.ERROR, "period outside the cycle's horizon"),
    "SOP405": (Severity.ERROR, "history period is not before the cycle's first period"),
    "SOP406": (Severity.WARNING, "name matched through a glossary alias"),
    "SOP407": (
        Severity.WARNING,
        "item made in house has no routing: planned with no capacity limit",
    ),
    "SOP408": (
        Severity.WARNING,
        "promotion or renewal lies wholly outside the cycle's horizon: ignored",
    ),
    "SOP501": (Severity.ERROR, "role has no members"),
    "SOP502": (Severity.ERROR, "reference to an unknown role"),
    "SOP503": (Severity.ERROR, "approval quorum cannot be met"),
    "SOP504": (Severity.ERROR, "duplicate id in the charter"),
    "SOP505": (Severity.ERROR, "glossary alias is ambiguous"),
    "SOP506": (Severity.ERROR, "frozen window is not shorter than the horizon"),
    "SOP507": (Severity.ERROR, "phase due days are out of order"),
    "SOP508": (Severity.WARNING, "pipeline stage probabilities decrease along the stages"),
    "SOP509": (Severity.WARNING, "decision right held by nobody"),
    "SOP510": (
        Severity.WARNING,
        "metric where lower is better is set to direction at_least (a floor, not a ceiling), "
        "or names no direction (judged at_most since 2026-11-26, read as at_least before)",
    ),
    "SOP511": (
        Severity.WARNING,
        "metric name sopctl does not judge, spelt like one it does (a typo?)",
    ),
    "SOP601": (Severity.ERROR, "input file present but not declared in the charter (shadow input)"),
    "SOP602": (Severity.ERROR, "declared required input is missing"),
    "SOP603": (Severity.ERROR, "cycle refers to an unknown charter"),
    "SOP604": (Severity.ERROR, "cycle id does not match its folder"),
    "SOP606": (Severity.ERROR, "input file or table type declared twice"),
    "SOP607": (Severity.ERROR, "duplicate id in the cycle"),
    "SOP608": (Severity.ERROR, "assumption owner is not a charter role"),
    "SOP609": (Severity.ERROR, "declared input path leaves the cycle's inputs folder"),
    "SOP610": (Severity.ERROR, "action owner is neither a charter role nor a member"),
    "SOP611": (Severity.ERROR, "action id used twice"),
    "SOP612": (Severity.WARNING, "approval cannot count (role or membership)"),
    "SOP613": (Severity.WARNING, "action answers nothing the cycle can have"),
    "SOP614": (Severity.WARNING, "escalation rule names a resource the cycle does not have"),
    "SOP615": (Severity.WARNING, "forecast.per_item names an item the cycle does not have"),
    "SOP620": (Severity.ERROR, "declared scenario has no scenario file"),
    "SOP621": (Severity.ERROR, "scenario file not declared in cycle.yaml (shadow scenario)"),
    "SOP622": (Severity.ERROR, "overlay selector matches nothing"),
    "SOP623": (Severity.ERROR, "overlay names an unknown id"),
    "SOP624": (Severity.ERROR, "overlay period range wholly outside the cycle's horizon"),
    "SOP625": (Severity.ERROR, "overlay period is not a valid period, or the range is reversed"),
    "SOP626": (Severity.ERROR, "overlay does not apply to what it selects"),
    "SOP627": (Severity.ERROR, "scenario owner is not a charter role"),
    "SOP628": (Severity.ERROR, "scenario file name is reserved or not a valid scenario id"),
    "SOP629": (Severity.WARNING, "overlay changes nothing"),
    "SOP630": (Severity.WARNING, "overlay would make a value negative; floored at 0"),
    "SOP631": (Severity.ERROR, "added promotion id is already used"),
    "SOP632": (
        Severity.WARNING,
        "delayed open orders or scheduled receipts arrive after the horizon: dropped",
    ),
    "SOP633": (Severity.ERROR, "adopting the scenario needs a table the charter does not declare"),
    "SOP634": (Severity.ERROR, "cycle.yaml cannot be edited safely to adopt the scenario"),
    "SOP701": (Severity.ERROR, "override owner lacks the override-demand right"),
    "SOP702": (Severity.ERROR, "override inside the frozen window without the frozen-change right"),
    "SOP703": (Severity.WARNING, "demand would be negative; floored at 0"),
    "SOP704": (Severity.WARNING, "deal close period already past: down-weighted"),
    "SOP705": (Severity.WARNING, "deal slipped more than max_slips: down-weighted"),
    "SOP706": (Severity.WARNING, "too little history for the forecast method: fell back"),
    "SOP707": (Severity.WARNING, "pipeline units fall after the horizon: dropped"),
    "SOP708": (
        Severity.WARNING,
        "override superseded by a later replace override of the same period",
    ),
    "SOP709": (
        Severity.WARNING,
        "pipeline replaces the baseline of series it brings no demand to: their baseline is lost",
    ),
    "SOP710": (Severity.WARNING, "percent promotion on a baseline of 0: it adds nothing there"),
    "SOP711": (
        Severity.WARNING,
        "renewal and pipeline deal of the same account and item: both counted",
    ),
    "SOP712": (Severity.WARNING, "deal at its own probability 1 on a stage that is not won"),
    "SOP713": (
        Severity.WARNING,
        "deal rose more than one stage by its deal-level probability (set, raised or cleared)",
    ),
    "SOP720": (Severity.ERROR, "committed file at the tag differs from its commit record"),
    "SOP721": (
        Severity.ERROR,
        "committed output rebuilt from the tagged inputs differs from its commit record",
    ),
    "SOP722": (
        Severity.WARNING,
        "committed demand view at the tag is not bound to its inputs: rebuilt",
    ),
    "SOP723": (Severity.ERROR, "committed plan cannot be rebuilt from the tagged inputs"),
    "SOP724": (Severity.WARNING, "tag left out of the lag analysis"),
    "SOP725": (Severity.WARNING, "newer tag skipped: its record does not verify; run verify"),
    "SOP730": (Severity.WARNING, "file in the actuals folder is not a known actuals table"),
    "SOP731": (Severity.WARNING, "actuals name an id the committed plan does not know: left out"),
    "SOP732": (Severity.ERROR, "actuals file matches no actuals table"),
    "SOP733": (Severity.ERROR, "receipt period is before the order period"),
    "SOP734": (Severity.WARNING, "outcome given for an assumption the cycle does not document"),
    "SOP735": (
        Severity.WARNING,
        "actuals file with no row inside the committed horizon: nothing of it is compared",
    ),
    "SOP736": (
        Severity.WARNING,
        "actuals period holds rows for fewer than half of the planned series: loaded in part?",
    ),
    # input hygiene of the Signal step (signal/hygiene.py, history_checks.py): late and
    # inflated inputs, against the previous cycle's pipeline and the cycle's own history
    "SOP740": (Severity.WARNING, "deal close period moved later without counting the slip"),
    "SOP741": (Severity.WARNING, "deal slip_count went down since the previous cycle"),
    "SOP742": (Severity.WARNING, "deal quantity grew by more than max_quantity_growth"),
    "SOP743": (Severity.WARNING, "deal moved up more than one stage without a reason"),
    "SOP744": (Severity.WARNING, "new deal larger than large_new_deal_periods of baseline"),
    "SOP745": (Severity.WARNING, "segment's pipeline coverage jumped since the previous cycle"),
    "SOP746": (Severity.WARNING, "deal past its close period for too long: expired, 0 units"),
    "SOP747": (Severity.WARNING, "demand history ends before the period before the horizon"),
    "SOP748": (Severity.WARNING, "history outlier in the periods the baseline method uses"),
    "SOP749": (Severity.WARNING, "previous cycle edited after it was committed (tagged)"),
    "SOP801": (Severity.ERROR, "input row changed by an author without the owner role or right"),
    "SOP802": (Severity.ERROR, "row in the frozen window changed without the frozen-change right"),
    "SOP803": (Severity.ERROR, "committed output differs from a fresh reconcile"),
    "SOP804": (
        Severity.ERROR,
        "plan metric misses its charter threshold (at the metric's severity)",
    ),
    "SOP805": (Severity.INFO, "charter metric cannot be computed from the plan"),
    "SOP806": (Severity.ERROR, "tagged cycle changed without a new approval round"),
    "SOP807": (Severity.ERROR, "no feasible plan"),
    "SOP808": (Severity.ERROR, "charter changed by an author without the sign-off right"),
    "SOP809": (Severity.ERROR, "scenario file changed by an author outside its owner role"),
    "SOP810": (Severity.ERROR, "assumption changed by an author outside its owner role"),
    "SOP811": (Severity.INFO, "validation warnings on lines the change did not touch, counted"),
    "SOP812": (
        Severity.ERROR,
        "cycle frame (first period, horizon, status) changed or cycle deleted without the right",
    ),
    "SOP813": (
        Severity.ERROR,
        "approval in approvals.yaml added or removed by someone other than its approver",
    ),
    "SOP814": (
        Severity.ERROR,
        "planning file changed by hand in a merge commit (not checkable commit by commit)",
    ),
    "SOP815": (
        Severity.ERROR,
        "charter added by an author without the sign-off right in a charter of the base",
    ),
    "SOP816": (
        Severity.ERROR,
        "cycle runs under a charter the base does not have: it grants no rights yet",
    ),
    "SOP817": (Severity.ERROR, "override row changed by someone other than the owner it names"),
    "SOP818": (Severity.WARNING, "input changed after its phase was due (a late input)"),
    "SOP901": (Severity.WARNING, "CODEOWNERS section differs from the charter"),
    "SOP960": (Severity.ERROR, "tag does not verify: no report or export is made from it"),
    "SOP962": (Severity.WARNING, "learn scorecard cannot be read; left out of the report"),
    "SOP965": (Severity.ERROR, "table has more rows than an Excel sheet holds"),
}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, located as precisely as the source allows (1-based line/col, 0 = unknown)."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def location(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}"
            if self.col:
                loc += f":{self.col}"
        return loc

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity.value} {self.code} {self.message}"

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


def finding(
    path: str,
    line: int,
    col: int,
    code: str,
    message: str,
    severity: Severity | None = None,
) -> Finding:
    """Build a finding with the code's default severity unless one is given. A message longer
    than `MAX_MESSAGE` (a pasted 200,000-character cell quoted in it) keeps its start and its
    end, where the advice is, around an ellipsis."""
    default, _ = CODES[code]
    if len(message) > MAX_MESSAGE:
        cut = len(message) - MAX_MESSAGE + 3
        message = f"{message[: MAX_MESSAGE * 2 // 3]} … {message[MAX_MESSAGE * 2 // 3 + cut :]}"
    return Finding(path, line, col, code, message, severity or default)


MAX_MESSAGE = 1000
# a workbook cell as import names it: "book.xlsx:inventory!B10"
_CELL = re.compile(r"^(.*!)([A-Z]{1,3})([0-9]+)$")


def _place(path: str) -> tuple[str, int, int]:
    """Sort key of a finding's path: a workbook cell by its sheet, then row, then column
    (B9 before B10, row 2 before row 10 whatever the column), any other path as text."""
    m = _CELL.match(path)
    if m is None:
        return path, 0, 0
    col = 0
    for ch in m[2]:
        col = col * 26 + ord(ch) - 64
    return m[1], int(m[3]), col


@dataclass
class Report:
    """An ordered collection of findings with a per-file cap on what is shown."""

    findings: list[Finding] = field(default_factory=list)
    checked_files: list[str] = field(default_factory=list)

    def add(self, f: Finding) -> None:
        self.findings.append(f)

    def extend(self, fs: Iterable[Finding]) -> None:
        self.findings.extend(fs)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Finding]:
        return sorted(
            self.findings, key=lambda f: (*_place(f.path), f.line, f.col, f.code, f.message)
        )

    def capped(self, per_file: int) -> tuple[list[Finding], dict[str, int]]:
        """Findings to show (at most `per_file` per file) and how many were left out per file."""
        shown: list[Finding] = []
        left: dict[str, int] = {}
        count: dict[str, int] = {}
        for f in self.sorted():
            n = count.get(f.path, 0)
            if n < per_file:
                shown.append(f)
            else:
                left[f.path] = left.get(f.path, 0) + 1
            count[f.path] = n + 1
        return shown, left

    def to_json(self, per_file: int) -> str:
        shown, left = self.capped(per_file)
        return json.dumps(
            {
                "ok": self.ok,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "checked_files": self.checked_files,
                "findings": [f.to_dict() for f in shown],
                "omitted": left,
            },
            indent=2,
            sort_keys=True,
        )
