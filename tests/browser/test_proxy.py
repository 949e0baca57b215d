"""The README's nginx recipe, as written, in front of two server processes: the overview works
through it (websocket included), and the static files come from nginx, not from Python."""

from __future__ import annotations

import os
import sys

import pytest
from conftest import ONE_CHROMIUM

from .test_chromium import ROOT, start_server, stop_server, wait_for_map

sys.path.insert(0, str(ROOT / "bench"))
from serve import NGINX, serve_nginx  # noqa: E402  (the recipe the load benchmark also uses)

pytestmark = [ONE_CHROMIUM, pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(NGINX), reason="未安装 nginx (no nginx)")]


@pytest.fixture
def proxied(tmp_path, templates):
    db = templates.sqlite_copy("demo", tmp_path / "app.db")
    servers = [start_server(db), start_server(db)]
    try:
        url, nginx = serve_nginx(ROOT, [url for url, _ in servers], tmp_path)
        yield url.rstrip("/")
        nginx.terminate()
        nginx.wait(timeout=10)
    finally:
        for _, proc in servers:
            stop_server(proc)


def test_the_readme_proxy_serves_the_app_and_its_static_files(proxied, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    answered = []
    page.on("response", lambda r: answered.append((r.url, r.headers)))
    page.goto(proxied + "/")
    wait_for_map(page)  # the page, its websocket and the map files all through nginx
    page.close()
    frontend = [h for u, h in answered if "/static/js/" in u and "/app/" not in u]
    app_files = [h for u, h in answered if "/app/static/" in u]
    assert frontend and app_files
    # nginx's own file answers: its Expires header on the bundle, none of Streamlit's headers
    assert all("expires" in h and "immutable" in h.get("cache-control", "") for h in frontend)
    assert all("access-control-allow-origin" not in h for h in app_files)
