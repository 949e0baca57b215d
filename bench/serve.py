"""The Streamlit server the browser benchmarks measure: started on a free port, returned once
healthy (``bench_overview``, ``bench_load``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def serve(script: Path, cwd: Path, *, env: dict | None = None,
          prefix: tuple[str, ...] = ()) -> tuple[str, subprocess.Popen]:
    """``streamlit run script`` (after ``prefix``, e.g. ``taskset -c 0``) with ``env`` added
    to this environment; its URL and process once it answers its health check."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*prefix, sys.executable, "-m", "streamlit", "run", str(script),
                             "--server.port", str(port), "--server.headless", "true"], cwd=cwd,
                            env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}/"
    for _ in range(240):
        try:
            urllib.request.urlopen(url + "_stcore/health", timeout=1)
            return url, proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"服务器未能启动：{script}")
