"""Headless Chromium for tests (Debian ``chromium`` + ``chromium-driver``, driven by selenium).

Tests that need it skip with a reason only when the browser is not installed; ``.ci/run``
installs it, so CI always runs them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
ARTIFACTS = REPO_ROOT / "artifacts"
"""Screenshots tests keep for people to look at (git-ignored)."""
PHONE = (390, 844)


def _which(names: tuple[str, ...]) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


@pytest.fixture
def chromium() -> Iterator[object]:
    """A headless Chromium at phone size (390x844); skips when Chromium is not installed."""
    browser, driver_path = _which(CHROMIUM_NAMES), _which(DRIVER_NAMES)
    if browser is None or driver_path is None:
        pytest.skip("chromium and chromium-driver are not installed (apt-get install them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(argument)
    # Headless windows are at least 500 px wide; device emulation gives the phone's viewport.
    width, height = PHONE
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1}}
    )
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()


def artifact_path(name: str) -> Path:
    """Where a test keeps an artifact called ``name``."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
