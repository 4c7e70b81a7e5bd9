"""The browser the widget and console tests drive: Debian's chromium through Playwright's `executable_path`, so
nothing is downloaded. Where chromium is missing the tests are skipped with how to install it — except under CI
(`POLICYBOT_REQUIRE_BROWSER=1`, set by .ci/run after it installs chromium), where a missing browser fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"  # git-ignored; the README shows copies in docs/screenshots/
INSTALL_HINT = "install Debian's chromium: apt-get update && apt-get install -y chromium chromium-driver fonts-wqy-microhei"
# Flags for a machine with no internet: without the background-networking ones chromium keeps dialling Google.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    configured = os.environ.get("POLICYBOT_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="package")
def browser():
    """Package-scoped: Playwright's sync API keeps an event loop running while it is open, which would break the
    asyncio tests that run after tests/browser/ in the same session."""
    path = chromium_path()
    if path is None:
        if os.environ.get("POLICYBOT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium is required here (POLICYBOT_REQUIRE_BROWSER=1) and missing; {INSTALL_HINT}")
        pytest.skip(f"no chromium on this machine; {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
