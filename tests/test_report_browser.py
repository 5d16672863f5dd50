"""The demo report opened in headless Chromium (Debian's `chromium`, installed by .ci/run),
driven over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no extra
package). Asserts: no console error, no request leaves the file, every chart is drawn.

A control page that does load a remote image runs first in the same browser, so the request
and console checks are shown to catch what they are there to catch.

Set SOPCTL_SCREENSHOT=PATH to also save a full-page PNG of the report (docs/report-demo.png is
made that way).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from sopctl.report import build_report

REPO = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]
TIMEOUT = 30.0


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is missing in CI; .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it in CI)")


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    out = []
    for fd in fds:
        out.append(fcntl.fcntl(fd, fcntl.F_DUPFD, 10))
        os.close(fd)
    return out[0], out[1]


class Browser:
    """A headless Chromium and one page, spoken to in JSON messages separated by NUL bytes."""

    def __init__(self, exe: str, profile: str) -> None:
        # both child ends above 9 (bash redirects from any fd; dash only from 0-9), so that the
        # redirections onto 3 and 4 cannot overwrite one another
        self.cmd_r, self.cmd_w = _high(os.pipe())
        self.res_r, self.res_w = _high(os.pipe())
        args = " ".join(f"'{a}'" for a in [exe, *FLAGS, f"--user-data-dir={profile}"])
        # the browser reads commands on fd 3 and writes answers on fd 4
        self.proc = subprocess.Popen(
            ["bash", "-c", f"exec {args} about:blank 3<&{self.cmd_r} 4>&{self.res_w}"],
            pass_fds=(self.cmd_r, self.res_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(self.cmd_r)
        os.close(self.res_w)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.call(f"{domain}.enable", session=True)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.res_r], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.res_r, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        doc: dict[str, Any] = json.loads(msg)
        return doc

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: bool = False
    ) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            doc = self._read(deadline)
            if doc.get("id") == self.next_id:
                if "error" in doc:
                    raise RuntimeError(f"{method}: {doc['error']}")
                result: dict[str, Any] = doc.get("result", {})
                return result
            if "method" in doc:
                self.events.append(doc)

    def open(self, url: str) -> list[dict[str, Any]]:
        """Navigate, wait for the load event and a quiet moment; the events seen meanwhile."""
        self.events = []
        self.call("Page.navigate", {"url": url}, session=True)
        deadline = time.monotonic() + TIMEOUT
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read(deadline))
        quiet = time.monotonic() + 0.3
        while True:
            try:
                self.events.append(self._read(quiet))
            except TimeoutError:
                return self.events

    def evaluate(self, expression: str) -> Any:
        res = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True
        )
        return res["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_w)
        os.close(self.res_r)


def requests(events: list[dict[str, Any]]) -> list[str]:
    return [
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    ]


def errors(events: list[dict[str, Any]]) -> list[str]:
    out = []
    for e in events:
        p = e["params"]
        if e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            out.append(str(p["args"]))
        elif e["method"] == "Runtime.exceptionThrown":
            out.append(str(p["exceptionDetails"]))
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(p["entry"]["text"])
    return out


CHARTS = """JSON.stringify([...document.querySelectorAll('figure.chart')].map(f => ({
  id: f.id, kind: f.dataset.chart,
  title: (f.querySelector('svg > title') || {}).textContent || '',
  shown: (f.querySelector('.chart-title') || {}).textContent || '',
  axes: [...f.querySelectorAll('.axis-title')].map(t => t.textContent),
  marks: f.querySelectorAll('rect, path, circle').length,
  width: f.querySelector('svg').getBoundingClientRect().width,
  caption: (f.querySelector('figcaption') || {}).textContent || ''})))"""


# a learn scorecard with long names, so that the breach table has text to fit as well
SCORECARD = (
    "section,metric,scope,key,value,target,status,owner,escalate_to,target_max,tolerance,"
    "direction,absolute,severity,n,note\n"
    "forecast,bias_pct,segment,strategic,-0.0712,0,breach,demand_planner_emea_north,"
    "executive_sales_and_operations_committee,,0.05,at_most,true,error,42,\n"
    "service,unit_fill_rate,segment,standard,0.8812,0.9,breach,operations_lead_plant_two,"
    "chief_financial_officer_delegate,,0.01,at_least,false,warning,18,\n"
)
# every table that is wider than the box it sits in (a scrollbar on screen, cut on paper)
CLIPPED = """JSON.stringify([...document.querySelectorAll('main table')].map(t => ({
  section: t.closest('section').id, width: Math.ceil(t.getBoundingClientRect().width),
  box: t.parentElement.clientWidth, scroll: t.parentElement.scrollWidth,
  page: document.querySelector('main').clientWidth
})).filter(t => t.width > t.box || t.scroll > t.box || t.width > t.page))"""


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(REPO / "charters", root / "charters")
    shutil.copytree(
        REPO / "cycles" / "2026-12",
        root / "cycles" / "2026-12",
        ignore=shutil.ignore_patterns("outputs"),
    )
    card = root / "learn" / "2026-12" / "scorecard.csv"
    card.parent.mkdir(parents=True)
    card.write_text(SCORECARD, encoding="utf-8")
    out = build_report(root, None, root / "report.html").path
    assert out.stat().st_size < 5 * 2**20
    return out


def test_demo_report_in_headless_chromium(demo_report: Path, tmp_path: Path) -> None:
    exe = _chromium()
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/probe.png">'
        "<script>console.error('control error')</script></body></html>"
    )
    with tempfile.TemporaryDirectory(prefix="sopctl-chromium-") as profile:
        browser = Browser(exe, profile)
        try:
            seen = browser.open(control.as_uri())
            assert "http://127.0.0.1:9/probe.png" in requests(seen)  # the harness sees requests
            assert any("control error" in e for e in errors(seen))  # ... and console errors
            events = browser.open(demo_report.as_uri())
            charts = json.loads(browser.evaluate(CHARTS))
            sections = browser.evaluate(
                "[...document.querySelectorAll('main > section')].map(s => s.id)"
            )
            height = browser.evaluate("document.documentElement.scrollHeight")
            shot = os.environ.get("SOPCTL_SCREENSHOT")
            if shot:
                browser.call(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": 1100, "height": int(height), "deviceScaleFactor": 1, "mobile": False},
                    session=True,
                )
                png = browser.call("Page.captureScreenshot", {"format": "png"}, session=True)
                Path(shot).write_bytes(base64.b64decode(png["data"]))
        finally:
            browser.close()
    assert errors(events) == []
    assert requests(events) == [demo_report.as_uri()]  # the file itself, nothing else
    assert sections == [
        "kpis",
        "demand",
        "capacity",
        "inventory",
        "finance",
        "exceptions",
        "scenarios",
        "approvals",
        "actions",
        "learn",
    ]
    ids = [c["id"] for c in charts]
    assert ids == [
        "chart-demand-waterfall",
        "chart-demand-periods",
        "chart-capacity-1",
        "chart-capacity-2",
        "chart-capacity-3",
        "chart-capacity-4",
        "chart-inventory",
        "chart-cash-bridge",
        "chart-finance",
    ]
    for c in charts:
        assert c["title"] and c["title"] == c["shown"], c["id"]
        assert len(c["axes"]) == 2 and all(c["axes"]), c["id"]  # the y axis names a unit
        assert c["marks"] >= 5 and c["width"] > 300 and c["caption"], c["id"]
    marks = {c["id"]: c["marks"] for c in charts}
    # one bar per step of the two waterfalls (demand: 6 steps; cash: 5)
    assert (marks["chart-demand-waterfall"], marks["chart-cash-bridge"]) == (6, 5)
    titles = {c["id"]: c["title"] for c in charts}
    assert titles["chart-capacity-2"] == "line-a (fixed): load against capacity"
    assert {c["axes"][1] for c in charts} == {
        "units",
        "hours per period",
        "value at standard cost (EUR)",
        "EUR",
    }
    assert height > 2000


def test_no_table_is_cut_on_screen_or_on_paper(demo_report: Path) -> None:
    """Tables once had nowrap cells in a scrolling box: printed, the exceptions lost owner and
    action, the scenarios whole columns, the breaches 'escalate to'. A 1280 px screen and a
    sheet of A4 in portrait (190 mm between 10 mm margins: 718 CSS px) under print media."""
    exe = _chromium()
    seen = {}
    with tempfile.TemporaryDirectory(prefix="sopctl-chromium-") as profile:
        browser = Browser(exe, profile)
        try:
            for media, width in (("screen", 1280), ("print", 718)):
                browser.call(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                    session=True,
                )
                browser.call("Emulation.setEmulatedMedia", {"media": media}, session=True)
                browser.open(demo_report.as_uri())
                seen[media] = json.loads(browser.evaluate(CLIPPED))
                tables = browser.evaluate("document.querySelectorAll('main table').length")
                breaches = browser.evaluate(
                    "[...document.querySelectorAll('#learn th')].map(t => t.textContent)"
                )
                assert tables >= 7 and "escalate to" in breaches
            pdf = browser.call("Page.printToPDF", {"preferCSSPageSize": True}, session=True)
        finally:
            browser.close()
    assert seen == {"screen": [], "print": []}
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
