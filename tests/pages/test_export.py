"""简报导出: the packs are offered and generated only on click."""

from __future__ import annotations

from .helpers import open_page


def test_export_page_offers_packs_generated_on_click(app):
    at = open_page(app, "export")
    labels = [b.label for b in at.get("download_button")]
    for wanted in ("全省简报（Word）", "全省简报（PPT）", "全部图片（ZIP）", "约谈单位画像汇编（Word）"):
        assert wanted in labels
    assert any(label.endswith("画像（Word）") for label in labels)
