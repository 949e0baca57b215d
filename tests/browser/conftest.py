"""The one headless system Chromium the browser tests of a module share."""

from __future__ import annotations

import pytest

from .test_chromium import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
