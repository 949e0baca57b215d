"""Helpers for the AppTest page tests: opening pages, logging in, reading figures."""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from components.pages import PAGES

PASSWORD = "Chungeng-2026农办"


def open_page(at: AppTest, key: str) -> AppTest:
    spec = next(p for p in PAGES if p.key == key)
    at.switch_page(spec.path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_county(app: AppTest, adcode: str, year: str = "2025") -> AppTest:
    at = open_page(app, "county")
    at.query_params.update({"county": adcode, "year": year})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# The browser's cookie jar of the page tests: AppTest cannot send cookies, so the ``deployment``
# fixture makes the app read its session token from here.
JAR: dict[str, str] = {}


def log_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """What the log-in form's POST does (``server.py``): check the password, open a session and
    give the browser its token, or come back with ``login=failed``; then the page runs again."""
    from revitalization import store
    from revitalization.accounts import LoginError, authenticate
    from revitalization.sessions import open_session

    engine = store.make_engine()
    try:
        JAR["token"] = open_session(engine, authenticate(engine, username, password))
        at.query_params.pop("login", None)
    except LoginError:
        at.query_params["login"] = "failed"
    finally:
        engine.dispose()
    return at.run()


def array(value) -> np.ndarray:
    """A plotly JSON array, plain or typed ({"dtype": "f8", "bdata": base64})."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def figures(at: AppTest) -> list[dict]:
    """Every figure on the page in order: plotly charts and maps (the geo chart component)."""
    out: list[dict] = []

    def walk(node) -> None:
        if node.type == "plotly_chart":
            out.append(json.loads(node.proto.spec))
        elif node.type == "bidi_component":
            data = json.loads(node.proto.json)
            if "figure" in data:  # not the bundle preloader
                out.append(json.loads(data["figure"]))
        for child in getattr(node, "children", {}).values():
            walk(child)

    for root in (at.sidebar, at.main):
        walk(root)
    return out


def figure(at: AppTest, n: int = 0) -> dict:
    return figures(at)[n]


def legend(fig: dict) -> list[str]:
    return [t["name"] for t in fig["data"] if t.get("showlegend") and t["type"] == "scattergeo"]


def legend_colors(fig: dict) -> list[str]:
    return [t["marker"]["color"] for t in fig["data"]
            if t.get("showlegend") and t["type"] == "scattergeo" and "marker" in t]


def z_of(fig: dict) -> dict[str, int]:
    trace = next(t for t in fig["data"] if t["type"] == "choropleth")
    return dict(zip(trace["locations"], array(trace["z"]).tolist(), strict=True))
