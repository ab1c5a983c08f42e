"""Open a page in a real headless Chromium and record what it did: a PNG screenshot, every
network request, every console message, exception and browser log entry.

It speaks the DevTools protocol over ``--remote-debugging-pipe`` (JSON messages separated by
NUL bytes on file descriptors 3 and 4), so it needs no websocket client and no free port.

    python tests/browser.py report.html shot.png     # a full-page screenshot, for the docs
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
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    explicit = os.environ.get("LLMFINOPS_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


@dataclass
class PageRun:
    png: bytes
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    console: list[tuple[str, str]] = field(default_factory=list)  # (level, text)
    exceptions: list[str] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)  # browser log: (level, text)
    value: Any = None  # what the ``evaluate`` expression returned, as JSON

    @property
    def errors(self) -> list[str]:
        """Console errors/warnings, uncaught exceptions and error-level browser log entries."""
        return (
            [f"console.{lvl}: {txt}" for lvl, txt in self.console if lvl in ("error", "warning", "assert")]
            + [f"exception: {e}" for e in self.exceptions]
            + [f"log.{lvl}: {txt}" for lvl, txt in self.log if lvl in ("error", "warning")]
        )


class _Pipe:
    """The two ends of the DevTools pipe and the events seen while waiting for replies."""

    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self.proc, self.write_fd, self.read_fd = proc, write_fd, read_fd
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.write_fd, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read(timeout)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _read(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe (exit code {self.proc.poll()})")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)


def open_page(
    path: Path,
    *,
    width: int = 1280,
    height: int = 4000,
    full_page: bool = False,
    chromium: str | None = None,
    timeout: float = 60,
    media: str | None = None,
    evaluate: str | None = None,
) -> PageRun:
    """Load ``path`` (a local file) and return the screenshot and everything the page did.

    ``evaluate``: a JavaScript expression run in the loaded page; its JSON value is ``value``.
    """
    binary = chromium or find_chromium()
    if binary is None:
        raise FileNotFoundError("no Chromium found (apt-get install chromium, or set LLMFINOPS_CHROMIUM)")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def wire_fds() -> None:  # in the child: the protocol lives on fds 3 (in) and 4 (out)
        # Move both ends above 4 first, so neither dup2 can clobber the other one.
        high_in, high_out = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_chrome_r, from_chrome_w))
        os.dup2(high_in, 3)
        os.dup2(high_out, 4)

    with tempfile.TemporaryDirectory(prefix="llmfinops-chromium-") as profile:
        proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds,
            pass_fds=(3, 4),  # kept open: close_fds runs after preexec_fn
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        pipe = _Pipe(proc, to_chrome_w, from_chrome_r)
        try:
            return _drive(pipe, path.resolve().as_uri(), width, height, full_page, timeout, media, evaluate)
        finally:
            with contextlib.suppress(RuntimeError, TimeoutError, OSError):
                pipe.send("Browser.close", timeout=5)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            os.close(to_chrome_w)
            os.close(from_chrome_r)


def _drive(
    pipe: _Pipe,
    url: str,
    width: int,
    height: int,
    full_page: bool,
    timeout: float,
    media: str | None,
    evaluate: str | None = None,
) -> PageRun:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        pipe.send(f"{domain}.enable", session=session)
    pipe.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        session,
    )
    if media:  # "print": lay the page out as it prints
        pipe.send("Emulation.setEmulatedMedia", {"media": media}, session)
    pipe.events.clear()  # what about:blank did is not the page's doing
    pipe.send("Page.navigate", {"url": url}, session)
    pipe.wait_for("Page.loadEventFired", timeout)
    pipe.send(
        "Runtime.evaluate", {"expression": "1", "awaitPromise": True}, session
    )  # settle the event queue
    shot: dict[str, Any] = {"format": "png"}
    if full_page:
        size = pipe.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
        shot.update(
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
        )
    png = base64.b64decode(pipe.send("Page.captureScreenshot", shot, session, timeout)["data"])
    run = PageRun(png)
    if evaluate is not None:
        reply = pipe.send("Runtime.evaluate", {"expression": evaluate, "returnByValue": True}, session)
        run.value = reply["result"].get("value")
    for event in pipe.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            run.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            run.console.append((params.get("type", ""), text))
        elif method == "Runtime.exceptionThrown":
            run.exceptions.append(params.get("exceptionDetails", {}).get("text", "exception"))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            run.log.append(
                (entry.get("level", ""), f"{entry.get('text', '')} {entry.get('url', '')}".strip())
            )
    return run


if __name__ == "__main__":
    page, out = Path(sys.argv[1]), Path(sys.argv[2])
    result = open_page(page, height=900, full_page=True)  # a short viewport: the page sets the height
    out.write_bytes(result.png)
    print(f"{out}: {len(result.png):,} bytes; requests {result.requests}; errors {result.errors}")
