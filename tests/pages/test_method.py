"""指标体系: the method in force, and a saved version listed and applied."""

from __future__ import annotations

from conftest import admin

from .helpers import open_page


def test_method_page_shows_the_method_in_force_and_its_versions(app):
    from components import cached
    from revitalization import methods

    at = open_page(app, "method")
    assert any("现行方法" in c.value and cached.config().fingerprint() in c.value for c in at.caption)
    assert not [e for e in at.expander if e.label.startswith("方法版本记录")]
    raw, name = cached.raw_config()
    methods.save(cached.engine(), raw, name, {"groups": {"ecology": 3.0}}, actor=admin("王五"),
                 note="省委农办〔2026〕1号")
    cached.invalidate()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.label for e in at.expander if e.label.startswith("方法版本记录")] == ["方法版本记录（1 个）"]
    assert any("方法版本 1" in c.value for c in at.caption)
