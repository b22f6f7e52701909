"""The synonym table of inventory headers: the shipped YAML, extendable by the user's own YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from migrator.errors import SpecError
from migrator.i18n import shorten
from migrator.inventory.headers import fold_label
from migrator.limits import (
    YAML_FLAGS,
    column_note,
    compose_yaml,
    read_text_file,
    yaml_error,
    yaml_location,
    yaml_repeated_key,
    yaml_shape,
)
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
        unknown = [k for k in other if k not in TOP_KEYS]
        if unknown:
            raise SynonymsError("INV060", at=(unknown[0],), key=True, keys=TOP_KEYS, name=shorten(str(unknown[0])))
        for kind, names in _mapping(other.get("sheets"), ("sheets",)).items():
            _known_kind(kind, ("sheets", kind))
            sheets[kind] += _labels(names, ("sheets", kind))
        for kind, fields in _mapping(other.get("columns"), ("columns",)).items():
            _known_kind(kind, ("columns", kind))
            owner = {fold_label(label): f for f, ls in columns[kind].items() for label in ls}
            for fieldname, labels in _mapping(fields, ("columns", kind)).items():
                at = ("columns", kind, fieldname)
                if fieldname not in columns[kind]:
                    raise SynonymsError("INV062", at=at, key=True, kind=kind, field=shorten(str(fieldname)),
                                        fields=tuple(columns[kind]))
                added = _labels(labels, at)
                for n, label in enumerate(added):
                    taken = owner.setdefault(fold_label(label), fieldname)
                    if taken != fieldname:  # a header cell names one column: this label would do nothing
                        raise SynonymsError(
                            "INV063", at=(*at, [i for i, v in enumerate(labels) if v is not None][n])
                            if isinstance(labels, list) else at,
                            entry=_dotted(at), label=shorten(label), kind=kind, taken=taken)
                columns[kind][fieldname] += added
        return Synonyms(
            sheets={k: tuple(v) for k, v in sheets.items()},
            columns={k: {f: tuple(ls) for f, ls in v.items()} for k, v in columns.items()},
        )


class SynonymsError(ValueError):
    """A synonyms file that cannot extend the table: the catalogue ``code`` (INV06x) and its ``params``; ``at`` is
    the path of the entry at fault (keys and list indexes, as :func:`migrator.limits.yaml_node_at` takes it),
    ``key`` says the fault is the entry's key rather than its value."""

    def __init__(self, code: str, *, at: tuple[object, ...] = (), key: bool = False, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.at = at
        self.key = key


def _dotted(at: tuple[object, ...]) -> str:
    return ".".join(str(k) for k in at)


def _known_kind(kind: object, at: tuple[object, ...]) -> None:
    if kind not in KINDS:
        raise SynonymsError("INV061", at=at, key=True, kind=shorten(str(kind)), kinds=KINDS)


def _mapping(value: object, at: tuple[object, ...]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        en, ja = yaml_shape(value)
        raise SynonymsError("INV064", at=at, entry=_dotted(at), shape=en, shape_ja=ja)
    return value


def _labels(value: object, at: tuple[object, ...]) -> list[str]:
    """A list of labels (or one label), as text."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    key = _dotted(at)
    if isinstance(value, bool):  # one unquoted YES or NO: a label YAML read as true or false
        raise SynonymsError("INV066", at=at, entry=key, flags=YAML_FLAGS)
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
        en, ja = yaml_shape(value)
        raise SynonymsError("INV065", at=at, entry=key, shape=en, shape_ja=ja)
    if any(isinstance(v, bool) for v in value):
        first = next(i for i, v in enumerate(value) if isinstance(v, bool))
        raise SynonymsError("INV066", at=(*at, first), entry=key, flags=YAML_FLAGS)
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
    root = None
    try:
        try:
            root = compose_yaml(text, path)  # bounded, and each entry keeps its line for the errors below
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise yaml_error(exc, path, text) from None
        if not isinstance(raw, dict):
            raise SynonymsError("INV067", sheets=TOP_KEYS[0], columns=TOP_KEYS[1])
        repeated = yaml_repeated_key(root)
        if repeated is not None:
            at, _, first = repeated
            raise SynonymsError("INV068", at=tuple(at), key=True, entry=_dotted(tuple(at)),
                                first=first.start_mark.line + 1)
        return base.extended(raw)
    except SynonymsError as exc:
        where, column = yaml_location(path, root, exc.at, key=exc.key)
        raise SpecError.of(exc.code, where, **column_note(column), **exc.params) from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise SpecError.of("INV069", loc) from exc
