"""The synonym table of inventory headers: the shipped YAML, extendable by the user's own YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from migrator.errors import SpecError
from migrator.limits import yaml_error
from migrator.location import Location

KINDS = ("systems", "interfaces", "vendors")
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
        """This table with the sheet names and labels of ``other`` (same shape as the YAML) added."""
        sheets = {k: list(v) for k, v in self.sheets.items()}
        columns = {k: {f: list(ls) for f, ls in v.items()} for k, v in self.columns.items()}
        for kind, names in _mapping(other.get("sheets"), "sheets").items():
            if kind not in KINDS:
                raise ValueError(f"unknown sheet kind {kind!r} (use {', '.join(KINDS)})")
            sheets[kind] += _labels(names, f"sheets.{kind}")
        for kind, fields in _mapping(other.get("columns"), "columns").items():
            if kind not in KINDS:
                raise ValueError(f"unknown sheet kind {kind!r} (use {', '.join(KINDS)})")
            for fieldname, labels in _mapping(fields, f"columns.{kind}").items():
                if fieldname not in columns[kind]:
                    raise ValueError(f"unknown column {kind}.{fieldname} (use {', '.join(columns[kind])})")
                columns[kind][fieldname] += _labels(labels, f"columns.{kind}.{fieldname}")
        return Synonyms(
            sheets={k: tuple(v) for k, v in sheets.items()},
            columns={k: {f: tuple(ls) for f, ls in v.items()} for k, v in columns.items()},
        )


def _mapping(value: object, key: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be a mapping of names, not {type(value).__name__} {value!r}")
    return value


def _labels(value: object, key: str) -> list[str]:
    """A list of labels (or one label), as text."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
        raise ValueError(f"{key} must be a list of labels, not {type(value).__name__} {value!r}")
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
    try:
        text = Path(path).read_text(encoding="utf-8")
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise yaml_error(exc, path, text) from None
        if not isinstance(raw, dict):
            raise ValueError("the file must hold a mapping with 'sheets' and/or 'columns'")
        return base.extended(raw)
    except FileNotFoundError as exc:
        raise SpecError("Synonym file not found.", "同義語ファイルが見つかりません。", location=loc) from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise SpecError(f"Invalid synonym file: {exc}", f"同義語ファイルが不正です: {exc}", location=loc) from exc
