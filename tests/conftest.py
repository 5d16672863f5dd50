from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import IDENTITY, make_repo


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets a fixed git identity and no global or system git config."""
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The minimal example as a committed planning repository."""
    return make_repo(tmp_path / "plan")
