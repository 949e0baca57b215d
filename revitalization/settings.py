"""Deployment settings and secrets: environment variables first, then
``.streamlit/secrets.toml`` (git-ignored), never the repository.

Keys: ``DATABASE_URL``, ``REVITALIZATION_AUTH``, ``REVITALIZATION_SESSION_MINUTES``,
``REVITALIZATION_TILE_URL``, ``REVITALIZATION_TILE_ATTRIBUTION``. In secrets.toml write them
in lower case without the prefix, e.g. ``database_url = "postgresql+psycopg://…"``,
``auth = "local"``.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache

from revitalization.paths import ROOT

SECRETS = ROOT / ".streamlit" / "secrets.toml"


@lru_cache(maxsize=1)
def _secrets() -> dict:
    try:
        with SECRETS.open("rb") as f:
            return tomllib.load(f)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}


def setting(name: str, default: str = "") -> str:
    """``name`` from the environment, else from secrets.toml, else ``default``."""
    value = os.environ.get(name)
    if value:
        return value
    key = name.lower().removeprefix("revitalization_")
    found = _secrets().get(key)
    return str(found) if found not in (None, "") else default
