"""The deployment guide's nginx site (docs/deploy.md), exactly as written (HTTPS with a
self-signed certificate, the port-80 redirect), in front of two server processes: the overview
works through it (websocket included), the static files come from nginx, not from Python, and
every answer carries the security headers."""

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
        url, nginx = serve_nginx(ROOT, [url for url, _ in servers], tmp_path, tls=True)
        yield url.rstrip("/"), nginx.redirect, tmp_path / "revitalization.log"
        nginx.terminate()
        nginx.wait(timeout=10)
    finally:
        for _, proc in servers:
            stop_server(proc)


SECURITY = {"strict-transport-security": "max-age=31536000", "x-content-type-options": "nosniff",
            "x-frame-options": "SAMEORIGIN", "referrer-policy": "same-origin"}


def test_the_readme_proxy_serves_the_app_and_its_static_files(proxied, browser):
    import urllib.error
    import urllib.request

    proxied, redirect, log = proxied
    with pytest.raises(urllib.error.HTTPError) as moved:  # port 80: to HTTPS, never served plain
        urllib.request.build_opener(NoRedirect).open(redirect + "county?county=421321", timeout=10)
    assert moved.value.code == 301
    assert moved.value.headers["Location"].startswith("https://") and \
        moved.value.headers["Location"].endswith("/county?county=421321")
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    answered = []
    page.on("response", lambda r: answered.append((r.url, r.headers)))
    page.goto(proxied + "/")
    wait_for_map(page)  # the page, its websocket and the map files all through nginx
    context.close()
    # every answer, from Streamlit (the page, /media, health) or from nginx's own files
    for url, headers in answered:
        if not url.startswith(proxied):  # blob: URLs the page made itself
            continue
        for name, value in SECURITY.items():
            assert headers.get(name) == value, (url, name, headers.get(name))
        assert "frame-ancestors 'self'" in headers.get("content-security-policy", ""), url
    frontend = [h for u, h in answered if "/static/js/" in u and "/app/" not in u]
    app_files = [h for u, h in answered if "/app/static/" in u]
    assert frontend and app_files
    # nginx's own file answers: its Expires header on the bundle, none of Streamlit's headers
    assert all("expires" in h and "immutable" in h.get("cache-control", "") for h in frontend)
    assert all("access-control-allow-origin" not in h for h in app_files)


class NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def test_the_access_log_keeps_no_session_id(proxied):
    """Issue 29 (5): the Streamlit session id is in every upload URL, so in the proxy's log.
    The guide's log format writes "-" in its place (the id is worthless without the log-in
    cookie anyway)."""
    import ssl
    import urllib.error
    import urllib.request

    proxied, _, log = proxied
    session_id = "3f1c2a9e-7b6d-4c8a-9e21-5d0b7a6c4e11"
    request = urllib.request.Request(f"{proxied}/_stcore/upload_file/{session_id}/file-1", method="PUT",
                                     data=b"x")
    try:
        urllib.request.urlopen(request, timeout=10, context=ssl._create_unverified_context())
    except urllib.error.HTTPError:
        pass  # refused by Streamlit (no such session): what matters is the log line
    import time

    deadline = time.monotonic() + 10  # nginx writes the line once the answer has gone out
    while True:
        lines = log.read_text().splitlines()
        if any("PUT " in line for line in lines) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert any('"PUT /_stcore/upload_file/-/file-1"' in line for line in lines), lines[-3:]
    assert not any(session_id in line for line in lines)
