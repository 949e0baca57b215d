#!/usr/bin/env python3
"""The README's two commands, ``python3 tasks.py run`` and ``python3 tasks.py test``, and the
deployment guide's ``python3 tasks.py install``.

Standard library only, so it works on a fresh machine with just Python 3.11+ and git.
It creates ``.venv``, installs the locked dependencies (bytecode compiled, so start-up is
fast), then starts the app on the demo data (on this machine only: 127.0.0.1), runs the whole
test suite, or (install) stops there for a server set up by ``docs/deploy.md``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".installed-lock-sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
SYSTEM_PACKAGES = ("chromium", "fonts-noto-cjk", "poppler-utils")  # browser tests, CJK glyphs, pdftotext


def run(*cmd: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def ensure_environment() -> None:
    """Create the virtualenv and install the lockfile when it changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs on any system Python
        sys.exit("需要 Python 3.11 或更高版本 (Python 3.11+ is required)")
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    if STAMP.exists() and STAMP.read_text() == digest.hexdigest():
        return
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-r", LOCK)
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-deps", "-e", ".")
    # Compile bytecode even where PYTHONDONTWRITEBYTECODE is set: imports then take ~1 s.
    run(PY, "-m", "compileall", "-q", "-j", "0", VENV / "lib", "revitalization",
        "components", "app_pages", "app.py", "server.py")
    STAMP.write_text(digest.hexdigest())


def ensure_browser() -> None:
    """Chromium and CJK fonts: the server renders exported images and documents with them, and
    the browser tests drive them (Debian packages, installed as root)."""
    if shutil.which("chromium") and shutil.which("pdftotext") and _has_cjk_font():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-q", env=env)
        run("apt-get", "install", "-y", "-q", *SYSTEM_PACKAGES, env=env)
    else:
        print("提示：未找到 Chromium 或中文字体：导出图片和文档不可用，浏览器测试将跳过。请以 root 安装 Debian 包："
              + " ".join(SYSTEM_PACKAGES), flush=True)


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


def quick_start(extra: list[str]) -> list[str]:
    """The quick start's Streamlit command: the demo runs without log-in, so it listens on this
    machine only (127.0.0.1) unless ``--server.address`` is given."""
    if not any(a.startswith("--server.address") for a in extra):
        extra = ["--server.address", "127.0.0.1", *extra]
    return ["-m", "streamlit", "run", "server.py", "--server.port", "8501", *extra]


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        ensure_environment()
        os.chdir(ROOT)
        # The demo store is set up before the server accepts its first session.
        run(PY, "-m", "revitalization.store", "demo")
        os.execv(str(PY), [str(PY), *quick_start(sys.argv[2:])])
    elif command == "install":
        ensure_environment()
        ensure_browser()
    elif command == "test":
        ensure_environment()
        ensure_browser()
        os.chdir(ROOT)
        os.execv(str(PY), [str(PY), "-m", "pytest", *sys.argv[2:]])
    else:
        sys.exit("用法 (usage): python3 tasks.py run | test | install [参数...]")


if __name__ == "__main__":
    main()
