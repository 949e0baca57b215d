"""The README's nginx recipe, as written, in front of two server processes: the overview works
through it (websocket included), and the static files come from nginx, not from Python."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import streamlit
from conftest import ONE_CHROMIUM

from .test_chromium import ROOT, free_port, start_server, stop_server, wait_for_map

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [ONE_CHROMIUM, pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(NGINX), reason="未安装 nginx (no nginx)")]


def readme_site(port: int, upstreams: list[str]) -> str:
    """The README's nginx block with this machine's port, servers and paths."""
    block = re.search(r"```nginx\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"),
                      re.S).group(1)
    block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    block = re.sub(r"(\s+server 127\.0\.0\.1:\d+;)+",
                   "".join(f"\n    server {u};" for u in upstreams), block, count=1)
    block = block.replace("/opt/revitalization/.venv/lib/python3.11/site-packages/streamlit/",
                          str(Path(streamlit.__file__).parent) + "/")
    return block.replace("/opt/revitalization/", str(ROOT) + "/")


@pytest.fixture
def proxied(tmp_path, templates):
    db = templates.sqlite_copy("demo", tmp_path / "app.db")
    servers = [start_server(db), start_server(db)]
    port = free_port()
    site = readme_site(port, [url.removeprefix("http://").replace("localhost", "127.0.0.1")
                              for url, _ in servers])
    temp = tmp_path / "nginx"
    temp.mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
""", encoding="utf-8")
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(50):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            if nginx.poll() is not None:
                raise RuntimeError(nginx.stdout.read().decode()) from None
            time.sleep(0.2)
    yield url
    nginx.terminate()
    nginx.wait(timeout=10)
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
