"""Read an indicator table from CSV or XLSX as text cells, exactly as the user saved it.

Every cell is kept as it is in the file (strings for CSV; numbers, strings or None for
XLSX) so that codes such as ``'010'`` keep their leading zeros and nothing is guessed
before the layout is known. The first row holds the column names. Fully empty rows and
unnamed empty columns (Excel leaves them at the end) are dropped; every remaining row remembers its
line number in the file (``line``), so reports can point at it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, preview
from .encoding import decode

EXCEL = (".xlsx", ".xlsm")
DELIMITERS = (",", "\t", ";", "|")


@dataclass
class Table:
    """Cells of a table (object dtype), the codec used (CSV) and the sheet read (XLSX)."""

    frame: pd.DataFrame
    path: str
    encoding: str | None = None
    sheet: str | None = None


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip())


def clean_header(name, position: int) -> str:
    text = unicodedata.normalize("NFKC", "" if name is None else str(name)).strip()
    return text or f"column_{position + 1}"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , TAB ; | (comma on a tie)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _finish(frame: pd.DataFrame, path: str) -> pd.DataFrame:
    frame = frame.astype(object)
    unnamed = np.array([is_blank(c) for c in frame.columns], dtype=bool)
    frame.columns = [clean_header(c, i) for i, c in enumerate(frame.columns)]
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if duplicated:
        raise InputError("The table {path} has repeated column names: {names}; make every column name unique.",
                         path=Path(path).name, names=preview(duplicated))
    blank = np.vectorize(is_blank, otypes=[bool])(frame.to_numpy()) if frame.size else \
        np.zeros(frame.shape, dtype=bool)
    frame = frame.loc[~blank.all(axis=1), ~(blank.all(axis=0) & unnamed)]
    frame.insert(0, "line", frame.index.to_numpy() + 2)  # header is line 1
    return frame.reset_index(drop=True)


def read_csv(path: str, encoding: str = "auto") -> Table:
    data = Path(path).read_bytes()
    text, used = decode(data, encoding)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("The table {path} is empty; its first line must hold the column names.",
                         path=Path(path).name)
    header, body = rows[0], rows[1:]
    width = len(header)
    long_rows = [i + 2 for i, row in enumerate(body) if len(row) > width and any(c.strip() for c in row[width:])]
    if long_rows:
        raise InputError(
            "Lines {lines} of {path} have more cells than the header ({width}); check the delimiter "
            "(“{delimiter}”) and quoting of values that contain it.",
            lines=preview(long_rows), path=Path(path).name, width=width, delimiter=delimiter,
        )
    body = [(row + [""] * width)[:width] for row in body]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return Table(_finish(frame, path), str(path), encoding=used)


def read_excel(path: str, sheet: str | None = None) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise InputError("The workbook {path} cannot be read ({error}); save it again as .xlsx.",
                         path=Path(path).name, error=error) from None
    try:
        names = book.sheetnames
        name = sheet or names[0]
        if name not in names:
            raise InputError("The workbook {path} has no sheet “{sheet}”; its sheets are: {sheets}.",
                             path=Path(path).name, sheet=name, sheets=", ".join(names))
        rows = [list(row) for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows or not any(v is not None and str(v).strip() for v in rows[0]):
        raise InputError("Sheet “{sheet}” of {path} is empty or its first row holds no column names.",
                         sheet=name, path=Path(path).name)
    width = max(len(row) for row in rows)
    rows = [row + [None] * (width - len(row)) for row in rows]
    header = rows[0]
    keep = [i for i in range(width) if (header[i] is not None and str(header[i]).strip())
            or any(row[i] is not None for row in rows[1:])]
    frame = pd.DataFrame([[row[i] for i in keep] for row in rows[1:]],
                         columns=[header[i] for i in keep], dtype=object)
    return Table(_finish(frame, path), str(path), sheet=name)


def read_table(path, encoding: str = "auto", sheet: str | None = None) -> Table:
    """Read a CSV (any of the supported encodings) or an XLSX workbook."""
    path = str(path)
    if not Path(path).is_file():
        raise InputError("The table file {path} does not exist; choose a CSV or XLSX file.", path=path)
    suffix = Path(path).suffix.lower()
    if suffix in EXCEL:
        return read_excel(path, sheet)
    if suffix == ".xls":
        raise InputError("Old Excel .xls files are not supported; open {path} in Excel or LibreOffice and "
                         "save it as .xlsx or CSV.", path=Path(path).name)
    return read_csv(path, encoding)
