"""`sopctl verify`: the tagged tree against its record; later changes, tampering, signatures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import git, run
from tests.test_tag_support import (
    CDIR,
    CYCLE,
    commit_all,
    ready_copy,
)


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    return ready_copy(tmp_path / "plan")


TAG = f"sop/{CYCLE}/v1"


def _tagged(root: Path, *args: str) -> Path:
    r = run(["tag", *args], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


def _verify(root: Path, code: int) -> dict[str, Any]:
    r = run(["verify", TAG, "--format", "json"], cwd=root)
    assert r.code == code, r.out + r.err
    doc: dict[str, Any] = json.loads(r.out)
    assert git(root, "worktree", "list").count("\n") == 1  # no temporary worktree left
    return doc


def _retag(root: Path, message: str, target: str) -> None:
    """Replace the tag by one with another message and/or target (what a forger would do)."""
    msg = root.parent / "msg.txt"
    msg.write_text(message)
    git(root, "tag", "-f", "-a", "--cleanup=verbatim", "-F", str(msg), TAG, target)


def _message(root: Path) -> str:
    return git(root, "cat-file", "tag", TAG).split("\n\n", 1)[1]


def test_later_input_change_keeps_the_tag_valid_and_shows_divergence(ready: Path) -> None:
    _tagged(ready)
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,175,"))
    commit_all(ready, "stock count")
    doc = _verify(ready, 0)
    assert doc["verdict"] == "identical" and doc["ok"]
    assert doc["workspace"]["diverged"] is True
    assert doc["workspace"]["changed"] == [f"{CDIR}/inputs/inventory.csv"]
    assert doc["workspace"]["commits_since_tag"] == 1
    assert doc["signature"] == {
        "signed": False,
        "ok": None,
        "detail": "unsigned tag: no signature to check",
    }
    r = run(["verify", TAG], cwd=ready)
    assert r.code == 0 and "working tree: diverged from the tag (1 commit since)" in r.out
    money = f"{doc['objective']['recorded']:,.2f}"  # the JSON key keeps the machine name
    assert f"  plan cost: {money}, recorded and re-solved\n" in r.out  # as reconcile says it
    assert "objective" not in r.out
    (ready / CDIR / "inputs" / "routings.csv").unlink()  # gone is said as gone
    commit_all(ready, "drop routings")
    doc = _verify(ready, 0)
    assert doc["workspace"]["changed"] == [f"{CDIR}/inputs/inventory.csv"]
    assert doc["workspace"]["deleted"] == [f"{CDIR}/inputs/routings.csv"]
    r = run(["verify", TAG], cwd=ready)
    assert (
        f"(2 commits since); changed: {CDIR}/inputs/inventory.csv; "
        f"deleted: {CDIR}/inputs/routings.csv\n"
    ) in r.out, r.out


def test_tampered_record_fails(ready: Path) -> None:
    _tagged(ready)
    target = git(ready, "rev-list", "-n1", TAG).strip()
    message = _message(ready)
    line = next(ln for ln in message.splitlines() if "inputs/items.csv:" in ln)
    forged = line.rsplit(" ", 1)[0] + " " + "f" * 64
    _retag(ready, message.replace(line, forged), target)
    doc = _verify(ready, 1)
    assert doc["verdict"] == "different" and not doc["ok"]
    problems = " | ".join(doc["problems"])
    assert "plan_digest is not the digest of its files" in problems
    assert f"input {CDIR}/inputs/items.csv differs from the recorded digest" in problems
    r = run(["verify", TAG], cwd=ready)
    assert r.code == 1 and "FAILED: different — the tagged plan or its approvals" in r.out
    # status and log read the record too: an altered one is not "the committed plan"
    altered = "its record was altered: plan_digest is not the digest of its files"
    status = run(["status", "--format", "json"], cwd=ready)
    doc = json.loads(status.out)
    assert doc["committed"] is None and doc["unverified"][0]["problem"] == altered, status.out
    text = run(["status"], cwd=ready).out
    assert "the current plan is the committed one" not in text
    assert f"tag {TAG} present but not verified: {altered}; run sopctl verify {TAG}" in text
    assert json.loads(run(["log", "--format", "json"], cwd=ready).out)[0]["problem"] == altered


def test_tag_moved_to_a_tampered_tree_fails(ready: Path) -> None:
    _tagged(ready)
    message = _message(ready)
    items = ready / CDIR / "inputs" / "items.csv"
    items.write_text(
        items.read_text().replace("P-100,pumps,Compact pump,40,65", "P-100,pumps,x,40,95")
    )
    forged = commit_all(ready, "better prices")
    _retag(ready, message, forged)  # the same record, on a commit whose blob changed
    doc = _verify(ready, 1)
    assert f"input {CDIR}/inputs/items.csv differs from the recorded digest" in " ".join(
        doc["problems"]
    )


def test_record_that_is_not_yaml_is_no_commit_record(ready: Path) -> None:
    _tagged(ready)
    _retag(ready, "hello: [unclosed\n", "HEAD")
    r = run(["verify", TAG], cwd=ready)  # nothing to verify against: a usage error, as for a
    assert r.code == 2, r.out + r.err  # lightweight tag
    assert f"{TAG} is not a commit record: its message is not YAML" in r.err
    assert "Error" not in r.err and "Traceback" not in r.err


def _patch_resolve(monkeypatch: pytest.MonkeyPatch, objective_shift: float) -> None:
    """Make the re-solve in verify return another plan (as another solver build might)."""
    import sopctl.plan

    real = sopctl.plan.run_reconcile

    def fake(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        result.files["materials_plan.csv"] = result.files["materials_plan.csv"] + b"\n"
        assert result.result is not None
        result.result.objective = (result.result.objective or 0.0) * (1 + objective_shift)
        return result

    monkeypatch.setattr(sopctl.plan, "run_reconcile", fake)


def test_alternative_optimum_is_explained(ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tagged(ready)
    _patch_resolve(monkeypatch, 1e-12)
    doc = _verify(ready, 0)
    assert doc["verdict"] == "alternative_optimum" and doc["ok"]
    assert f"{CDIR}/outputs/materials_plan.csv" in doc["notes"][0]
    assert "the plan cost is the same within 1e-09 relative" in doc["notes"][0]
    r = run(["verify", TAG], cwd=ready)
    assert r.code == 0
    assert "verified: alternative optimum (same plan cost, other plan)" in r.out
    assert "(relative difference 1.0e-12)" in r.out
    assert "objective" not in r.out  # 'plan cost', as reconcile, diff and the report say it


def test_different_objective_fails(ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tagged(ready)
    _patch_resolve(monkeypatch, 1e-6)
    doc = _verify(ready, 1)
    assert doc["verdict"] == "different"
    assert "and so does the plan cost: recorded " in doc["problems"][0]
    assert doc["problems"][0].endswith("(relative difference 1.0e-06)")
    r = run(["verify", TAG], cwd=ready)
    assert r.code == 1 and "objective" not in r.out


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_ssh_signed_tag(ready: Path) -> None:
    key = ready.parent / "key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "planner", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    allowed = ready.parent / "allowed_signers"
    allowed.write_text(
        f'planner@example.test namespaces="git" {key.with_suffix(".pub").read_text()}'
    )
    git(ready, "config", "gpg.format", "ssh")
    git(ready, "config", "user.signingkey", str(key.with_suffix(".pub")))
    git(ready, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    r = run(["tag", "--sign"], cwd=ready)
    assert r.code == 0, r.out + r.err
    assert "(signed tag at" in r.out
    assert "-----BEGIN SSH SIGNATURE-----" in git(ready, "cat-file", "tag", TAG)
    doc = _verify(ready, 0)
    assert doc["verdict"] == "identical"
    assert doc["signature"]["signed"] and doc["signature"]["ok"]
    assert 'Good "git" signature for planner@example.test' in doc["signature"]["detail"]
    r = run(["log", "--format", "json"], cwd=ready)
    assert json.loads(r.out)[0]["signed"] is True
    # without the allowed signers the signature cannot be checked: verify fails
    git(ready, "config", "--unset", "gpg.ssh.allowedSignersFile")
    doc = _verify(ready, 1)
    assert doc["verdict"] == "identical" and doc["signature"]["ok"] is False
    r = run(["verify", TAG], cwd=ready)
    assert "FAILED: the signature does not verify" in r.out


def test_a_crlf_checkout_has_the_same_plan_digest(ready: Path, tmp_path: Path) -> None:
    """core.autocrlf=true (Git for Windows' default) checks text out with CRLF: approvals and
    tags must not depend on it, so digests read CRLF as LF."""
    _tagged(ready)
    win = tmp_path / "win"
    git(ready, "clone", "-q", "-c", "core.autocrlf=true", str(ready), str(win))
    items = win / CDIR / "inputs" / "items.csv"
    assert b"\r\n" in items.read_bytes()  # the checkout really has CRLF line ends
    r = run(["verify", TAG, "--format", "json"], cwd=win)
    doc = json.loads(r.out)
    assert r.code == 0 and doc["verdict"] == "identical", r.out
    assert not doc["workspace"]["diverged"]
    assert run(["reconcile"], cwd=win).code == 0
    status = json.loads(run(["status", "--format", "json"], cwd=ready).out)
    crlf = json.loads(run(["status", "--format", "json"], cwd=win).out)
    assert (
        crlf["plan"] == status["plan"] == {"state": "current", "digest": status["plan"]["digest"]}
    )
    assert crlf["approvals"]["quorum"]["met"]  # the approvals given on LF still count


def test_the_content_digest_reads_crlf_as_lf_across_read_chunks(tmp_path: Path) -> None:
    from sopctl.results import content_digest, sha256

    path = tmp_path / "big.csv"
    data = b"a" * ((1 << 20) - 1) + b"\r\n" + b"b\r\r\nc\r"  # a CRLF split by the 1 MiB read
    path.write_bytes(data)
    assert sha256(path) == content_digest(data)
    assert content_digest(b"a\r\nb") == content_digest(b"a\nb")
    assert content_digest(b"x\ry") != content_digest(b"x\ny")  # a lone CR still counts


def test_a_record_with_raw_digests_of_crlf_files_still_verifies(ready: Path) -> None:
    """Records made before CRLF was read as LF hold the SHA-256 of the raw bytes: a CRLF input
    committed as such still matches them, at the tag and in the working tree."""
    import hashlib

    from sopctl.governance.records import files_digest
    from sopctl.results import file_recorded

    items = ready / CDIR / "inputs" / "items.csv"
    items.write_bytes(items.read_bytes().replace(b"\n", b"\r\n"))
    commit_all(ready, "items with CRLF line ends")
    _tagged(ready)
    message = _message(ready)
    rel = f"{CDIR}/inputs/items.csv"
    raw = hashlib.sha256(items.read_bytes()).hexdigest()
    line = next(ln for ln in message.splitlines() if f"{rel}:" in ln)
    old = message.replace(line, line.rsplit(" ", 1)[0] + " " + raw)
    doc = yaml.safe_load(old.split("\n", 1)[1])
    old = old.replace(doc["plan_digest"], files_digest(doc["files"]))
    _retag(ready, old, git(ready, "rev-list", "-n1", TAG).strip())
    # (the simulated record's approvals are bound to the other plan digest: not asserted here)
    result = _verify(ready, 1)
    status = {f["path"]: f["status"] for f in result["files"]}
    assert status[rel] == "identical" and not result["workspace"]["diverged"], result
    assert not any("items.csv" in p for p in result["problems"]), result["problems"]
    assert file_recorded(items, raw) and not file_recorded(items, "0" * 64)
