"""The Excel adapter: the only module of migrator that imports openpyxl.

Reading gives plain Python values with their cell addresses (merged ranges filled in, formulas kept as
text where no cached value exists); writing takes plain rows and never lets a cell become a formula.
"""

from migrator.excel.header import HeaderMatch, find_header, normalize_header
from migrator.excel.labels import LabelValue, find_label_value
from migrator.excel.reader import Formula, SheetData, WorkbookData, cell_ref, column_letter, read_workbook
from migrator.excel.writer import SheetSpec, has_invisible, sheet_title, visible, write_workbook

__all__ = [
    "Formula",
    "HeaderMatch",
    "LabelValue",
    "SheetData",
    "SheetSpec",
    "WorkbookData",
    "cell_ref",
    "column_letter",
    "find_header",
    "find_label_value",
    "has_invisible",
    "normalize_header",
    "read_workbook",
    "sheet_title",
    "visible",
    "write_workbook",
]
