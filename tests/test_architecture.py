"""House rules that keep the code base in shape."""

from __future__ import annotations

import ast
from pathlib import Path

import sopctl

PKG = Path(sopctl.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_does_not_import_typer_or_rich() -> None:
    offenders = [
        str(p.relative_to(PKG))
        for p in PKG.rglob("*.py")
        if "cli" not in p.relative_to(PKG).parts and {"typer", "rich"} & _imports(p)
    ]
    assert offenders == []


def test_only_vcs_package_imports_git() -> None:
    offenders = [
        str(p.relative_to(PKG))
        for p in PKG.rglob("*.py")
        if "git" in _imports(p) and p.relative_to(PKG).parts[0] != "vcs"
    ]
    assert offenders == []


def test_modules_stay_small() -> None:
    big = {
        str(p.relative_to(PKG)): n
        for p in PKG.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert big == {}


def test_reference_docs_are_current() -> None:
    from sopctl.docgen import PAGES

    docs = PKG.parent / "docs"
    for name, build in PAGES.items():
        assert (docs / name).read_text(encoding="utf-8") == build(), (
            f"docs/{name} is stale: run python -m sopctl.docgen docs"
        )


def test_signal_doc_carries_the_formulas_of_the_code() -> None:
    from sopctl.signal import baseline

    doc = (PKG.parent / "docs" / "signal.md").read_text(encoding="utf-8")
    source = baseline.__doc__ or ""
    formulas = source[source.index("seasonal_naive (needs") : source.index("[HA] Hyndman")]
    assert formulas.strip() in doc
