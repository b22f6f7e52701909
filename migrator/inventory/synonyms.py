"""The synonym table of inventory headers: the shipped YAML, extendable by the user's own YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from migrator.errors import SpecError
from migrator.i18n import join_list
from migrator.limits import read_text_file, unquoted_flags, yaml_error, yaml_shape
from migrator.location import Location

KINDS = ("systems", "interfaces", "vendors")
TOP_KEYS = ("sheets", "columns")
REQUIRED: dict[str, tuple[str, ...]] = {
    "systems": ("area",),
    "interfaces": ("source", "target"),
    "vendors": ("name",),
}
"""Columns without which a sheet's header is not recognised (a system list may give its 団体コード once,
in the title block above the header, instead of in a column)."""


@dataclass(frozen=True)
class Synonyms:
    """Sheet names and column labels per kind of sheet (``systems``, ``interfaces``, ``vendors``)."""

    sheets: dict[str, tuple[str, ...]]
    columns: dict[str, dict[str, tuple[str, ...]]]

    def extended(self, other: dict) -> Synonyms:
        """This table with the sheet names and labels of ``other`` (same shape as the YAML) added.

        Raises:
            SynonymsError: ``other`` has a key, sheet kind or column the table has not, or a value of the wrong shape.
        """
        sheets = {k: list(v) for k, v in self.sheets.items()}
        columns = {k: {f: list(ls) for f, ls in v.items()} for k, v in self.columns.items()}
        unknown = [str(k) for k in other if k not in TOP_KEYS]
        if unknown:
            raise SynonymsError(f"unknown key {unknown[0]!r} (use {join_list(TOP_KEYS, 'en')})",
                                f"未知のキー '{unknown[0]}' があります(使えるキー: {join_list(TOP_KEYS, 'ja')})")
        for kind, names in _mapping(other.get("sheets"), "sheets").items():
            _known_kind(kind)
            sheets[kind] += _labels(names, f"sheets.{kind}")
        for kind, fields in _mapping(other.get("columns"), "columns").items():
            _known_kind(kind)
            for fieldname, labels in _mapping(fields, f"columns.{kind}").items():
                if fieldname not in columns[kind]:
                    raise SynonymsError(
                        f"unknown column {kind}.{fieldname} (use {join_list(columns[kind], 'en')})",
                        f"未知の列 {kind}.{fieldname} があります(使える列: {join_list(columns[kind], 'ja')})")
                columns[kind][fieldname] += _labels(labels, f"columns.{kind}.{fieldname}")
        return Synonyms(
            sheets={k: tuple(v) for k, v in sheets.items()},
            columns={k: {f: tuple(ls) for f, ls in v.items()} for k, v in columns.items()},
        )


class SynonymsError(ValueError):
    """A synonyms file that cannot extend the table, said in English and in Japanese."""

    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en = en
        self.ja = ja


def _known_kind(kind: object) -> None:
    if kind not in KINDS:
        raise SynonymsError(f"unknown sheet kind {str(kind)!r} (use {join_list(KINDS, 'en')})",
                            f"未知のシートの種類 '{kind}' があります(使える種類: {join_list(KINDS, 'ja')})")


def _mapping(value: object, key: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        en, ja = yaml_shape(value)
        raise SynonymsError(f"{key} must be a mapping of names, not {en}",
                            f"{key} は名前の対応表 (キー: 値) にしてください({ja} になっています)")
    return value


def _labels(value: object, key: str) -> list[str]:
    """A list of labels (or one label), as text."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
        en, ja = yaml_shape(value)
        raise SynonymsError(f"{key} must be a list of labels, not {en}",
                            f"{key} は見出しのリストにしてください({ja} になっています)")
    flags = unquoted_flags(key, value)
    if flags is not None:
        raise SynonymsError(*flags)
    return [str(v) for v in value if v is not None]


def _parse(raw: dict) -> Synonyms:
    return Synonyms(
        sheets={k: tuple(raw["sheets"][k]) for k in KINDS},
        columns={k: {f: tuple(ls) for f, ls in raw["columns"][k].items()} for k in KINDS},
    )


def default_synonyms() -> Synonyms:
    """The shipped table (``migrator/inventory/synonyms.yaml``)."""
    text = (resources.files("migrator.inventory") / "synonyms.yaml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text))


def load_synonyms(path: Path | None = None) -> Synonyms:
    """The shipped table, extended by the user's YAML file at ``path`` when given.

    Raises:
        SpecError: the file is missing, not YAML, or names an unknown sheet kind or column.
    """
    base = default_synonyms()
    if path is None:
        return base
    loc = Location(file=str(path))
    text = read_text_file(path)  # missing, a folder, too large or not UTF-8: a located error of its own
    try:
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise yaml_error(exc, path, text) from None
        if not isinstance(raw, dict):
            raise SynonymsError("the file must hold a mapping with 'sheets' and/or 'columns'",
                                "ファイルには sheets と columns の一方または両方を対応表 (キー: 値) で書いてください")
        return base.extended(raw)
    except SynonymsError as exc:
        raise SpecError(f"Invalid synonym file: {exc.en}", f"同義語ファイルが不正です: {exc.ja}", location=loc) from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise SpecError(f"Invalid synonym file: {exc}", "同義語ファイルの形が読めません (docs/inventory.md の例の形で書いてください)",
                        location=loc) from exc
