from pathlib import Path

from tests.helpers import run


def test_minimal_repo_validates(repo: Path) -> None:
    r = run(["validate"], cwd=repo)
    assert r.code == 0, r.out + r.err
    assert "ok:" in r.out
