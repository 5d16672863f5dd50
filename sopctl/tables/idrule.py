"""The id rule for CSV id columns, and ids of one id-defining table that are one id.

The rule is the one YAML ids follow (`schemas.common.Id`): 1-64 characters, letters A-Z,
digits and `_ . -`, starting with a letter or a digit. An id in a CSV column that defines or
keys ids and breaks it is SOP240 at its first row (a reference may be a glossary alias, which
may hold spaces; one naming no id is SOP402 or SOP403). Within a table that defines ids other
tables refer to (items, resources, materials), two ids that differ only by case, or that the
glossary makes one term, are one id: a reference could name either, so the later one is a
duplicate key (SOP401).
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from .csvread import LINE
from .emit import Emitter, distinct_problems

ID_MAX = 64
# the same rule as schemas.common.Id (a test keeps the two in step); `$` ends the text in
# polars' (Rust) regex, and values are trimmed before they get here
ID_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{ID_MAX - 1}}}$"
_OK = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{ID_MAX - 1}}}")
_ALLOWED = re.compile(r"[A-Za-z0-9_.\-]")
RULE = "ids are 1-64 characters: letters A-Z, digits and _ . -, starting with a letter or digit"


def is_id(value: str) -> bool:
    return _OK.fullmatch(value) is not None


def shown(value: str, limit: int = 40) -> str:
    """A value as a message can show it: invisible and control characters as U+XXXX, a long
    value cut short with its length."""
    text = value if len(value) <= limit else value[: limit // 2] + "..."
    text = "".join(ch if ch.isprintable() else f"<U+{ord(ch):04X}>" for ch in text)
    return text if len(value) <= limit else f"{text} ({len(value)} characters)"


def _why(value: str) -> str:
    for ch in value:
        if _ALLOWED.match(ch):
            continue
        if ch.isspace():
            return "it holds a space or tab"
        if not ch.isprintable():
            name = unicodedata.name(ch, "a control character")
            return f"it holds the invisible character U+{ord(ch):04X} ({name.lower()})"
        return f"it holds '{ch}'"
    if len(value) > ID_MAX:
        return f"it has {len(value)} characters"
    return f"it starts with '{value[0]}'"


def suggestion(value: str) -> str | None:
    """The id a person most likely meant: accents and invisible characters dropped, other
    characters that ids cannot hold as '-'; None when that is no valid id either."""
    plain = unicodedata.normalize("NFKD", value)
    plain = "".join(
        ch for ch in plain if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    plain = re.sub(r"[^A-Za-z0-9_.\-]+", "-", plain).strip("-_.")
    return plain if is_id(plain) and plain != value else None


def check_id_rule(out: Emitter, df: pl.DataFrame, column: str) -> None:
    """SOP240 at the first row of each distinct value of `column` that breaks the id rule.
    Only for columns that define or key ids: a reference to an id may be written as a
    glossary alias, which may hold spaces; one that names no id is SOP402 or SOP403."""
    uniq = df[column].drop_nulls().unique()
    bad = sorted(uniq.filter(~uniq.str.contains(ID_PATTERN)).to_list())

    def message(v: str, n: int) -> str:
        rows = "1 row" if n == 1 else f"{n} rows"
        fix = suggestion(v)
        if fix:
            write = f"write '{fix}'"
        elif len(v) > ID_MAX:
            write = f"shorten it to {ID_MAX} characters at most"
        else:
            write = "write it with those characters only"
        return f"'{shown(v)}' ({rows}) is not a valid id: {_why(v)}; {RULE}; {write}"

    distinct_problems(out, df, column, bad, "SOP240", message)


FORMULA = "=+-@"  # a spreadsheet reads a cell starting with one of these as a formula
DOC_RULE = (
    "document ids (deals, orders, receipts) may hold any printable characters, up to "
    f"{ID_MAX}, and may not start with {' '.join(FORMULA)} (a spreadsheet would read a formula)"
)


DOC_SUSPECT = r"^[=+\-@]|[\p{C}\p{Zl}\p{Zp}]|[\p{Zs}&&[^ ]]"


def _doc_why(value: str) -> str | None:
    """Why `value` is no document id (None: it is one): the looser rule of ids that come from
    other systems (a CRM's 'SO/2026/001'), which no other table refers to."""
    for ch in value:
        if not ch.isprintable() or ch in "\t\r\n":
            name = unicodedata.name(ch, "a control character")
            return f"it holds the invisible character U+{ord(ch):04X} ({name.lower()})"
    if len(value) > ID_MAX:
        return f"it has {len(value)} characters"
    if value[:1] in FORMULA:
        return f"it starts with '{value[0]}'"
    return None


def check_document_id(out: Emitter, df: pl.DataFrame, column: str) -> None:
    """SOP240 at the first row of each distinct value of a document id column (a deal, order,
    purchase order or receipt id: keys no other table refers to) that breaks DOC_RULE."""
    uniq = df[column].drop_nulls().unique()
    # the candidates in one vectorised pass (a pipeline holds a million deals); _doc_why then
    # judges and words each: a character Python does not print (controls, format characters,
    # separators other than the space), a formula start, or too long
    suspect = uniq.str.contains(DOC_SUSPECT) | (uniq.str.len_chars() > ID_MAX)
    why = {v: w for v in uniq.filter(suspect).to_list() if (w := _doc_why(v)) is not None}

    def message(v: str, n: int) -> str:
        rows = "1 row" if n == 1 else f"{n} rows"
        return f"'{shown(v)}' ({rows}) is not a valid id: {why[v]}; {DOC_RULE}"

    distinct_problems(out, df, column, sorted(why), "SOP240", message)


def fold(value: str, aliases: dict[str, str]) -> str:
    """The form two ids share when they are one id: through the glossary, then lower case."""
    key = value.lower()
    return aliases.get(key, key).lower()


def check_twins(
    out: Emitter, df: pl.DataFrame, column: str, aliases: dict[str, str], what: str
) -> None:
    """SOP401 at the first row of each spelling of an id that a row above already defines in
    another case or through the glossary (a repeat of one spelling is the plain SOP401)."""
    uniq = [v for v in df[column].drop_nulls().unique().to_list() if isinstance(v, str)]
    groups: dict[str, list[str]] = {}
    for v in uniq:
        groups.setdefault(fold(v, aliases), []).append(v)
    twins = [v for vs in groups.values() if len(vs) > 1 for v in vs]
    if not twins:
        return
    firsts = (
        df.filter(pl.col(column).is_in(twins))
        .group_by(column)
        .agg(pl.col(LINE).min().alias("first"))
        .sort("first", column)
        .rows()
    )
    owner: dict[str, tuple[str, int]] = {}
    later: list[tuple[str, int, str, int]] = []
    for v, line in firsts:
        key = fold(v, aliases)
        if key in owner:
            later.append((v, line, *owner[key]))
        else:
            owner[key] = (v, line)

    def message(i: int) -> str:
        v, _, first, line = later[i]
        if v.lower() == first.lower():
            how = "written in another case (ids are the same id whatever their case)"
        else:
            how = f"through the glossary (both stand for '{aliases.get(v.lower(), v)}')"
        return (
            f"duplicate key ({column}) = ({v}): {what} '{v}' is {what} '{first}' of line "
            f"{line} {how}, so a reference could name either; give it an id of its own or "
            "merge the rows"
        )

    out.rows("SOP401", column, [line for _, line, _, _ in later], message)
