"""Files for briefings, by what they produce.

- ``images``: one figure → PNG / SVG / PDF (kaleido on the system Chromium, offline);
- ``documents``: briefing packs → DOCX / PPTX / ZIP of images;
- ``spreadsheets``: tables → XLSX / CSV, formula-neutralised.
"""
