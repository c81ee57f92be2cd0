"""Browser tests: the real platform served by `almpo run`, driven through Debian's Chromium."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests import services

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = services.chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        services.missing("browser", "the playwright package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; a screenshot is kept in test-artifacts/ when it fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def axe_page(browser):
    """A page on which axe can run: it is injected as an inline script, which the platform's CSP
    rightly forbids, so this context bypasses the CSP."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningPlatform:
    """`almpo run` in a child process, as `make run` starts it."""

    def __init__(self, workdir: Path, env_overrides: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALMPO_")}
        env |= {"ALMPO_DATABASE_URL": f"sqlite:///{workdir / 'almpo.db'}",
                "ALMPO_SECRET_KEY": "browser-tests", "PYTHONUNBUFFERED": "1"}
        env |= env_overrides or {}
        self.env, self.workdir = env, workdir
        almpo = str(Path(sys.executable).with_name("almpo"))
        subprocess.run([almpo, "db", "upgrade"], env=env, cwd=workdir, check=True,
                       capture_output=True, timeout=120)
        subprocess.run([almpo, "demo", "load"], env=env, cwd=workdir, check=True,
                       capture_output=True, timeout=120)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [almpo, "run", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, cwd=workdir, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"almpo run exited early:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"almpo run did not answer within {timeout} s:\n{self.output()}")

    def almpo(self, *args: str, stdin: str | None = None) -> str:
        """Run an `almpo` command against this platform's database; returns what it printed."""
        almpo = str(Path(sys.executable).with_name("almpo"))
        done = subprocess.run([almpo, *args], env=self.env, cwd=self.workdir, input=stdin, text=True,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def admin_password(self) -> str:
        match = re.search(r"password:\s+(\S+)", self.output())
        assert match, f"no admin password printed:\n{self.output()}"
        return match.group(1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


@pytest.fixture
def platform(tmp_path):
    running = RunningPlatform(tmp_path)
    yield running
    running.stop()
