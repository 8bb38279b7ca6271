"""Pages of a report map: one page, one per year, or one per region.

:class:`PageIterator` is a ``QgsAbstractLayoutIterator``: QGIS's layout exporter walks it
as it walks an atlas, so several pages go into one multi-page PDF (or one PNG/SVG file
per page) with QGIS's own export code. Before each page it calls ``prepare(page)``,
which re-styles the thematic layer, sets the extent and writes the titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qgis.core import QgsAbstractLayoutIterator

from ...core.progress import cancel_requested


@dataclass
class Page:
    """One page: ``key`` names its file (``report_2019.png``), ``label`` goes in the title."""

    key: str
    label: str = ""
    year: int | None = None
    column: str | None = None  # the STEM_YYYY field mapped on this page
    value: object = None  # the region value shown on this page
    extra: dict = field(default_factory=dict)


def safe_key(value) -> str:
    """A file-name-safe page key (letters, digits, CJK, - and _ kept)."""
    text = re.sub(r"[^\w\-]+", "_", str(value), flags=re.UNICODE).strip("_")
    return text or "page"


class PageIterator(QgsAbstractLayoutIterator):
    """Walks ``pages`` over ``layout``; ``prepare(page)`` sets the layout up for a page."""

    def __init__(self, layout, pages, prepare, single_path: str | None = None, feedback=None):
        super().__init__()
        self._layout = layout
        self.pages = list(pages)
        self.prepare = prepare
        self.single_path = single_path
        self.feedback = feedback
        self.index = -1
        self.cancelled = False
        self.error: Exception | None = None
        self.written: list[str] = []

    def layout(self):
        return self._layout

    def count(self) -> int:
        return len(self.pages)

    def beginRender(self) -> bool:
        self.index = -1
        return True

    def endRender(self) -> bool:
        return True

    def next(self) -> bool:
        self.index += 1
        if self.index >= len(self.pages):
            return False
        if (self.feedback is not None and self.feedback.isCanceled()) or cancel_requested():
            self.cancelled = True
            return False
        if self.feedback is not None:
            self.feedback.setProgress(100.0 * self.index / max(len(self.pages), 1))
        try:
            self.prepare(self.pages[self.index])
        except Exception as error:  # C++ calls next(): keep the error for the caller
            self.error = error
            return False
        return True

    def filePath(self, base_path: str, extension: str) -> str:
        """One file per page for PNG/SVG: ``base_<key>.<ext>`` (the output path itself when
        there is a single page)."""
        if self.single_path and len(self.pages) == 1:
            path = self.single_path
        else:
            path = f"{base_path}_{safe_key(self.pages[self.index].key)}.{extension}"
        self.written.append(path)
        return path
