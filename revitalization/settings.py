"""Deployment settings and secrets: environment variables first, then
``.streamlit/secrets.toml`` (git-ignored), never the repository.

Keys: ``DATABASE_URL``, ``REVITALIZATION_AUTH``, ``REVITALIZATION_SESSION_MINUTES``,
``REVITALIZATION_TILE_URL``, ``REVITALIZATION_TILE_ATTRIBUTION``. In secrets.toml write them
in lower case without the prefix, e.g. ``database_url = "postgresql+psycopg://…"``, except
the log-in mode, which is ``login_mode = "local"``: Streamlit itself reads ``auth`` (its
``[auth]`` table for OIDC), so the app's key has a name of its own.

A secrets file that does not parse is an error, never an empty configuration: the app
refuses to start (log-in must never fail open).
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache

from revitalization.paths import ROOT

SECRETS = ROOT / ".streamlit" / "secrets.toml"
SECRET_KEYS = {"REVITALIZATION_AUTH": "login_mode"}  # where a key's name differs in secrets.toml


class SettingsError(ValueError):
    """A setting or the secrets file is wrong: the app refuses to start; the message (in
    Chinese) names the setting and what to write."""


@lru_cache(maxsize=1)
def _secrets() -> dict:
    try:
        with SECRETS.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"配置文件 .streamlit/secrets.toml 无法解析（{exc}），看板拒绝启动。"
                            "请按 README 的示例改正（TOML 格式：键 = \"值\"，[auth] 等表放在文件末尾）") from None
    except OSError as exc:
        raise SettingsError(f"配置文件 .streamlit/secrets.toml 无法读取（{exc.strerror}），看板拒绝启动。"
                            "请检查文件权限") from None


def secrets_table(name: str) -> dict | None:
    """A table of secrets.toml (e.g. Streamlit's ``[auth]``), or None."""
    found = _secrets().get(name)
    return found if isinstance(found, dict) else None


def setting(name: str, default: str = "") -> str:
    """``name`` from the environment, else from secrets.toml, else ``default``."""
    value = os.environ.get(name)
    if value:
        return value
    key = SECRET_KEYS.get(name, name.lower().removeprefix("revitalization_"))
    found = _secrets().get(key)
    if isinstance(found, dict):
        raise SettingsError(f"secrets.toml 中的 {key} 应为一个值，而不是 [{key}] 表")
    return str(found) if found not in (None, "") else default


def secrets_warning() -> str:
    """A warning when secrets.toml (database password, OIDC client secret) can be read by other
    users of the machine; empty when it is private or absent."""
    try:
        mode = SECRETS.stat().st_mode
    except FileNotFoundError:
        return ""
    if mode & 0o077:
        return (f"{SECRETS} 的权限为 {mode & 0o777:o}，本机其他用户可以读取其中的口令和密钥："
                f"请运行 chmod 600 {SECRETS}")
    return ""
