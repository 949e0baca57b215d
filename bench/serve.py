"""The Streamlit server the browser benchmarks measure, started on a free port and returned once
healthy (``bench_overview``, ``bench_load``), and nginx with the deployment guide's site in front of it
(``bench_load``; ``tests/browser/test_proxy.py`` checks the same recipe)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, *, seconds: float = 120) -> bool:
    """Whether the server at ``url`` (ending in /) answers Streamlit's health check within
    ``seconds``; False at once if its process ended."""
    end = time.monotonic() + seconds
    import ssl

    unverified = ssl._create_unverified_context()  # a test's self-signed certificate
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url + "_stcore/health", timeout=1, context=unverified)
            return True
        except OSError:
            if proc.poll() is not None:
                return False
            time.sleep(0.2)
    return False


def serve(script: Path, cwd: Path, *, env: dict | None = None,
          prefix: tuple[str, ...] = ()) -> tuple[str, subprocess.Popen]:
    """``streamlit run script`` (after ``prefix``, e.g. ``taskset -c 0``) with ``env`` added
    to this environment; its URL and process once it answers its health check."""
    port = free_port()
    proc = subprocess.Popen([*prefix, sys.executable, "-m", "streamlit", "run", str(script),
                             "--server.port", str(port), "--server.headless", "true"], cwd=cwd,
                            env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}/"
    if wait_healthy(url, proc):
        return url, proc
    proc.kill()
    raise SystemExit(f"服务器未能启动：{script}")


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def guide_site(root: Path, port: int, upstreams: list[str], *, tls: Path | None = None,
                redirect_port: int | None = None, log_folder: Path | None = None) -> str:
    """The deployment guide's nginx site (docs/deploy.md) with this machine's ports, servers and paths. With ``tls`` (a
    folder holding ``dashboard.crt`` and ``dashboard.key``) the block runs exactly as written,
    HTTPS on ``port`` and the redirect on ``redirect_port``; without, plain HTTP on ``port``
    (the load benchmark)."""
    import streamlit

    block = re.search(r"```nginx\n(.*?)```", (root / "docs" / "deploy.md").read_text(encoding="utf-8"),
                      re.S).group(1)
    if tls is not None:
        block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        block = block.replace("listen 80;", f"listen 127.0.0.1:{redirect_port};")
        block = block.replace("/etc/nginx/ssl/", f"{tls}/")
    else:  # plain HTTP: no certificate lines, no redirect server
        block = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", block, flags=re.S)
        block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
        block = re.sub(r"\n    ssl_\w+ [^\n]*;", "", block)
    block = re.sub(r"(\s+server 127\.0\.0\.1:\d+;)+",
                   "".join(f"\n    server {u};" for u in upstreams), block, count=1)
    block = block.replace("/var/log/nginx/", f"{log_folder or Path('/tmp')}/")
    block = block.replace("/opt/revitalization/.venv/lib/python3.11/site-packages/streamlit/",
                          str(Path(streamlit.__file__).parent) + "/")
    return block.replace("/opt/revitalization/", str(root) + "/")


def self_signed(folder: Path) -> Path:
    """A throw-away certificate and key for ``localhost`` (openssl), as ``dashboard.crt/.key``."""
    folder.mkdir(exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", str(folder / "dashboard.key"),
                    "-out", str(folder / "dashboard.crt")], check=True, capture_output=True)
    return folder


def serve_nginx(root: Path, upstreams: list[str], folder: Path, *,
                tls: bool = False) -> tuple[str, subprocess.Popen]:
    """nginx with the deployment guide's site in front of ``upstreams`` (``http://host:port``), its
    files in ``folder``; its URL and process once it answers the app's health check. With
    ``tls`` the site exactly as written (HTTPS with a self-signed certificate, the port-80
    redirect on another port, returned as the process's ``redirect`` attribute)."""
    port, redirect = free_port(), free_port()
    site = guide_site(root, port, [u.removeprefix("http://").rstrip("/").replace(
        "localhost", "127.0.0.1") for u in upstreams],
        tls=self_signed(folder / "tls") if tls else None, redirect_port=redirect, log_folder=folder)
    temp = folder / "nginx"
    temp.mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
""", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}/"
    proc.redirect = f"http://127.0.0.1:{redirect}/"
    if wait_healthy(url, proc, seconds=10):
        return url, proc
    if proc.poll() is not None:
        raise RuntimeError(proc.stdout.read().decode())
    proc.kill()
    raise RuntimeError("nginx 未能启动")
