"""The font charts are exported with, so that text copied out of an exported PDF is the text
on screen.

Chromium writes a PDF's ToUnicode map from the font's cmap, taking the lowest code point of
each glyph. In Noto Sans CJK the common ideograph 大 (U+5927) and the Kangxi radical ⼤
(U+2F24) are one glyph, as are 示/⽰, 人/⼈ and about 300 more, so a PDF's text came out as
radicals. The export font is the system's Noto Sans CJK SC with those duplicate code points
(Kangxi radicals, the CJK radicals supplement, compatibility ideographs) removed from its
cmap and without its substitution table (digits beside Latin letters were drawn with
substituted glyphs that map to no code point, and vanished from copied text), under a
family name of its own; outlines and metrics do not change. It is made once, on
this machine, from the installed font (no download), and made visible to the renderer's
Chromium through a fontconfig file that includes the system's configuration.

SVG keeps the ordinary font list (a reader's machine does not have the export font).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

FAMILY = "Revitalization Export Sans SC"
STYLES = {"Regular": 400, "Bold": 700}
# Code points that share a glyph with a unified ideograph.
SHARED = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    for root in (base, Path(tempfile.gettempdir())):
        target = root / "revitalization" / "fonts"
        try:
            target.mkdir(parents=True, exist_ok=True)
            return target
        except OSError:  # a read-only home: fall back to the temporary folder
            continue
    raise OSError("无法创建字体缓存目录")


def _source(style: str) -> tuple[str, int] | None:
    """(file, index in a collection) of the system's Noto Sans CJK SC in ``style``."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}",
                              f"Noto Sans CJK SC:style={style}"],
                             capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, index, family = (out.split("\n") + ["", "", ""])[:3]
    if "Noto Sans CJK" not in family or not Path(path).exists():
        return None
    return path, int(index or 0)


def _derive(source: tuple[str, int], style: str, target: Path) -> None:
    """Write ``target``: ``source`` with a new cmap and name table and no glyph substitution
    table (GSUB: in a run with Latin letters the shaper swapped digits for alternate glyphs
    that have no code point, and a PDF's text lost them); every other table is copied byte
    for byte (recompiling the 16 MB CFF outlines would take most of a minute)."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.sfnt import SFNTWriter

    font = TTFont(source[0], fontNumber=source[1], lazy=True)
    cmap = font["cmap"]
    for table in cmap.tables:
        table.cmap = {cp: glyph for cp, glyph in table.cmap.items()
                      if not any(lo <= cp <= hi for lo, hi in SHARED)}
    names = font["name"]
    postscript = FAMILY.replace(" ", "") + "-" + style
    for record in list(names.names):
        new = {1: FAMILY, 16: FAMILY, 2: style, 17: style, 4: f"{FAMILY} {style}",
               6: postscript}.get(record.nameID)
        if new is not None:
            names.setName(new, record.nameID, record.platformID, record.platEncID, record.langID)
    changed = {"cmap": cmap.compile(font), "name": names.compile(font)}
    tags = sorted(t for t in font.reader.keys() if t != "GSUB")  # see the docstring
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        writer = SFNTWriter(out, numTables=len(tags), sfntVersion=font.reader.sfntVersion)
        for tag in tags:
            writer[tag] = changed.get(tag) or font.reader[tag]
        writer.close()
    partial.replace(target)  # atomic: a concurrent process never sees half a font


@lru_cache(maxsize=1)
def fontconfig_file() -> Path | None:
    """The fontconfig file that adds the export font to the system's fonts, building the font
    on first use; None when Noto Sans CJK SC is not installed (exports then use the system
    fonts as they are)."""
    folder = _cache_dir()
    for style in STYLES:
        target = folder / f"{FAMILY.replace(' ', '')}-{style}.otf"
        if target.exists():
            continue
        source = _source(style)
        if source is None:
            return None
        _derive(source, style, target)
    conf = folder / "fonts.conf"
    text = ("<?xml version='1.0'?>\n<!DOCTYPE fontconfig SYSTEM 'fonts.dtd'>\n<fontconfig>\n"
            "  <include ignore_missing='yes'>/etc/fonts/fonts.conf</include>\n"
            f"  <dir>{folder}</dir>\n</fontconfig>\n")
    if not conf.exists() or conf.read_text(encoding="utf-8") != text:
        conf.write_text(text, encoding="utf-8")
    return conf


def use_export_font(spec: dict, fallback: str) -> None:
    """Put the export font first in every font family of a prepared figure dict."""
    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "family" and isinstance(value, str):
                    node[key] = f"{FAMILY}, {value}"
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    layout = spec.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font.setdefault("family", fallback)
    walk(spec)
