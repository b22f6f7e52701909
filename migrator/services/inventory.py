"""Importing inventories into the store, reading them back, and exporting them to Excel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator.errors import MigratorError
from migrator.excel import SheetSpec, write_workbook
from migrator.i18n import Lang, join_list
from migrator.inventory.areas import area_label
from migrator.inventory.checks import check_inventory
from migrator.inventory.importer import ImportResult, read_inventory
from migrator.inventory.model import Inventory
from migrator.inventory.synonyms import Synonyms
from migrator.inventory.values import given_lg_code
from migrator.location import Location
from migrator.report import Finding, Report, make_finding

if TYPE_CHECKING:
    import datetime as dt

    from migrator.store import Store

_KIND_JA = {"municipality": "団体", "vendor": "ベンダー", "system": "システム", "interface": "連携"}
# The stored fields an update may change, as each language names them (INV091).
_FIELDS = {
    "name": ("名称", "name"), "staff": ("情報担当職員数", "IT staff"), "capacity": ("同時作業上限", "teams"),
    "projects": ("同時移行プロジェクト数", "project slots"), "cutovers_day": ("本番移行上限", "cut-overs per day"),
    "cutovers_weekend": ("週末本番移行上限", "cut-overs per weekend"),
    "cutovers_month": ("月間本番移行上限", "cut-overs per month"), "notes": ("備考", "notes"),
    "area_name": ("業務名", "area name"), "hosting": ("稼働形態", "hosting"),
    "contract_end": ("契約満了日", "contract end"), "release_date": ("標準準拠版提供予定日", "release date"),
    "planned_date": ("移行予定日", "planned date"), "record_count": ("データ件数", "record count"),
    "special_support": ("特定移行支援", "special support"), "special_deadline": ("特定移行支援期限", "special deadline"),
    "current_vendor_id": ("現行ベンダー", "current vendor"), "target_vendor_id": ("移行先ベンダー", "target vendor"),
    "method": ("方式", "method"), "frequency": ("頻度", "frequency"),
    "source_system_id": ("連携元システム", "source system"), "target_system_id": ("連携先システム", "target system"),
}


def _change_findings(changes: Sequence[Any]) -> list[Finding]:
    from migrator.inventory.checks import source_location

    findings: list[Finding] = []
    created: dict[str, int] = {}
    for change in changes:
        if change.action == "created":
            created[change.kind] = created.get(change.kind, 0) + 1
            continue
        field_ja, field_en = _FIELDS.get(change.field, (change.field, change.field))
        findings.append(make_finding("INV091", source_location(change.source), item=change.key, kind=change.kind,
                                     kind_ja=_KIND_JA.get(change.kind, change.kind), key=change.key, field=field_en,
                                     field_ja=field_ja, old=_show(change.old), new=_show(change.new)))
    for kind in ("municipality", "vendor", "system", "interface"):
        if created.get(kind):
            findings.append(make_finding("INV090", Location(), kind=kind, kind_ja=_KIND_JA[kind], n=created[kind]))
    return findings


def _show(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def import_inventory(paths: Sequence[Path], *, store: Store | Callable[[], Store], partial: bool = False,
                     synonyms: Synonyms | None = None, dry_run: bool = False) -> Report:
    """Read inventory workbooks and save them to the store in one transaction.

    With any finding of severity error nothing is written, unless ``partial``: then the rows that could be
    read are saved and the rejected ones are not. Saving is idempotent (natural keys; only changed fields
    are written) and every updated field is reported (INV091). ``dry_run`` reads and compares, then rolls
    back (give it a :func:`~migrator.store.preview_store`, which leaves an outdated SQLite store unchanged;
    INV092 says when the comparison ran on an upgraded copy). Imports running at the same time (teams
    importing their municipalities) both land: a save that conflicts with another one (a new vendor both
    bring in) is run again.

    ``store`` may be a function that opens it (the caller closes it): it is called only once the workbooks
    were read and there is something to save, so that an import that writes nothing leaves a store that
    would be upgraded on opening as it was.

    Raises:
        InputError: a workbook cannot be opened at all (nothing is written).
        StoreError: the database cannot be used (nothing is written).
    """
    from migrator.store import Store
    from migrator.store.inventory_repo import inventory_counts, save_inventory

    result = read_inventory(paths, synonyms=synonyms)
    findings = list(result.findings)
    summary: dict[str, Any] = {**_read_summary(result), "written": False}
    if result.has_errors and not partial:
        findings.append(make_finding("INV098", Location()))
    else:
        def save(session: Any) -> tuple[list[Any], dict[str, int]]:
            changes = save_inventory(session, result.inventory)
            counts = inventory_counts(session)
            if dry_run:
                session.rollback()
            return changes, counts

        target = store if isinstance(store, Store) else store()
        if dry_run and target.stands_in_for is not None:
            from migrator.store.db import head_revision, redact

            original = target.stands_in_for
            findings.append(make_finding("INV092", Location(), store=redact(original.url),
                                         revision=original.revision or "base", head=head_revision()))
        changes, summary["store"] = target.run(save)
        summary["created"] = sum(1 for c in changes if c.action == "created")
        summary["updated_fields"] = sum(1 for c in changes if c.action == "updated")
        summary["written"] = not dry_run and bool(changes)
        summary["per_municipality"] = per_municipality(changes, [m.code for m in result.inventory.municipalities])
        findings += _change_findings(changes)
    return Report.of("inventory import", findings, subject=", ".join(str(p) for p in paths), summary=summary)


def per_municipality(changes: Sequence[Any], codes: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per municipality of the workbooks: records added and records changed (a vendor belongs to none)."""
    counts = {code: {"added": 0, "changed": 0} for code in codes}
    changed: set[tuple[str, str]] = set()
    for c in changes:
        if c.kind not in ("municipality", "system", "interface"):
            continue
        code = c.key.split(" ", 1)[0]
        row = counts.setdefault(code, {"added": 0, "changed": 0})
        if c.action == "created":
            row["added"] += 1
        elif (c.kind, c.key) not in changed:
            changed.add((c.kind, c.key))
            row["changed"] += 1
    return counts


def _read_summary(result: ImportResult) -> dict[str, Any]:
    inv = result.inventory
    return {"read": {"municipalities": len(inv.municipalities), "systems": len(inv.systems),
                     "interfaces": len(inv.interfaces), "vendors": len(inv.vendors)},
            "rows_read": result.rows_read, "rows_rejected": result.rows_rejected}


def _unknown_municipality(code: str, known: Sequence[str]) -> MigratorError:
    more = " …" if len(known) > 10 else ""
    shown, shown_ja = (join_list(known[:10], "en") + more, join_list(known[:10], "ja") + more) if known else ("-", "-")
    return MigratorError(
        f"The store holds no municipality {code} (municipalities in the store: {shown}). "
        "See `migrator inventory list`.",
        f"団体コード {code} の団体は登録されていません（登録済み: {shown_ja}）。`migrator inventory list` で確認できます。")


def load(store: Store, *, municipality: str | None = None, vendor: str | None = None) -> Inventory:
    """The inventory in the store, optionally only one municipality's and only one vendor's systems.

    ``municipality`` is read as the inventory reads a 団体コード (full width, five digits without the check digit).

    Raises:
        MigratorError: ``municipality`` is no 団体コード, or not in the store (a usage error, exit 2).
    """
    from migrator.inventory.vendors import vendor_key

    municipality = given_lg_code(municipality)
    from migrator.store.inventory_repo import load_inventory

    with store.reader() as session:
        inventory = load_inventory(session, municipality=municipality)
        if municipality and not inventory.municipalities:
            known = [m.code for m in load_inventory(session).municipalities]
            raise _unknown_municipality(municipality, known)
    if vendor:
        key = vendor_key(vendor)
        systems = tuple(s for s in inventory.systems
                        if key in {vendor_key(s.current_vendor or ""), vendor_key(s.target_vendor or "")})
        inventory = Inventory(municipalities=inventory.municipalities, systems=systems,
                              interfaces=inventory.interfaces, vendors=inventory.vendors)
    return inventory


def check_store(store: Store, *, municipality: str | None = None) -> Report:
    """Check the inventory held in the store (see :func:`check_inventory`)."""
    return check_inventory(load(store, municipality=municipality), subject=store.config.url)


def check_workbooks(paths: Sequence[Path], *, synonyms: Synonyms | None = None) -> Report:
    """Read workbooks and check them without touching the store: import findings plus check findings."""
    result = read_inventory(paths, synonyms=synonyms)
    report = check_inventory(result.inventory, subject=", ".join(str(p) for p in paths))
    return Report.of("inventory check", [*result.findings, *report.findings], subject=report.subject,
                     summary={**_read_summary(result), **report.summary})


SYSTEM_HEADER = ("団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー", "稼働形態", "契約満了日",
                 "標準準拠版提供予定日", "移行予定日", "データ件数", "特定移行支援", "特定移行支援期限", "備考")
"""The columns of a system row as Japanese names them (the table, the export and the import read them)."""
SYSTEM_HEADER_EN = ("municipality code", "municipality name", "business area", "system name", "current vendor",
                    "target vendor", "hosting", "contract end", "release date", "planned date", "record count",
                    "special support", "special deadline", "notes")
"""The same columns in English: each is a label the importer reads (migrator/inventory/synonyms.yaml)."""
@dataclass(frozen=True)
class _Layout:
    """Sheet names and the columns of the interface and vendor lists in one language; each a label the
    importer reads back."""

    sheets: tuple[str, str, str]
    staff: str
    interfaces: tuple[str, ...]
    vendors: tuple[str, ...]


_EXPORT = {
    "ja": _Layout(("システム一覧", "連携一覧", "ベンダー"), "情報担当職員数",
                  ("団体コード", "連携元", "連携先", "方式", "頻度", "備考"),
                  ("ベンダー", "同時作業上限", "同時移行プロジェクト数", "本番移行上限", "週末本番移行上限",
                   "月間本番移行上限", "備考")),
    "en": _Layout(("systems", "interfaces", "vendors"), "it staff",
                  ("municipality code", "source", "target", "method", "frequency", "notes"),
                  ("vendor", "teams", "project slots", "cut-overs per day", "cut-overs per weekend",
                   "cut-overs per month", "notes")),
}


def system_header(lang: Lang) -> tuple[str, ...]:
    """The columns of :func:`system_rows` as ``lang`` names them."""
    return SYSTEM_HEADER if lang == "ja" else SYSTEM_HEADER_EN


def system_rows(inventory: Inventory, lang: Lang = "ja") -> list[list[Any]]:
    """One row per system in :data:`SYSTEM_HEADER` order (dates as dates, the flag as ○ or ×), its business area
    as its number and its name in ``lang`` (which the importer reads back by the number)."""
    names = {m.code: m.name for m in inventory.municipalities}
    return [
        [s.municipality_code, names.get(s.municipality_code, ""),
         f"{s.area_code} {area_label(s.area_code, s.area_name, lang)}", s.name,
         s.current_vendor, s.target_vendor, s.hosting, s.contract_end, s.release_date, s.planned_date,
         s.record_count, "○" if s.special_support else "×", s.special_deadline, s.notes]
        for s in sorted(inventory.systems, key=lambda s: s.key)
    ]


def system_records(inventory: Inventory) -> list[dict[str, Any]]:
    """One record per system, in :func:`system_rows` order, for ``inventory list --format json``: its keys are
    the same identifiers in every language, as in the other JSON outputs (report, plan, risks); dates as ISO
    text, the flag as a boolean: the same data in every language (``area_name`` is the standard's Japanese
    name; the English one is :data:`migrator.inventory.areas.AREAS_EN` of ``area_code``)."""
    names = {m.code: m.name for m in inventory.municipalities}

    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return [
        {"municipality_code": s.municipality_code, "municipality_name": names.get(s.municipality_code, ""),
         "area_code": s.area_code, "area_name": s.area_name, "system_name": s.name,
         "current_vendor": s.current_vendor, "target_vendor": s.target_vendor, "hosting": s.hosting,
         "contract_end": iso(s.contract_end), "release_date": iso(s.release_date),
         "planned_date": iso(s.planned_date), "record_count": s.record_count,
         "special_support": s.special_support, "special_deadline": iso(s.special_deadline), "notes": s.notes}
        for s in sorted(inventory.systems, key=lambda s: s.key)
    ]


def export_inventory(inventory: Inventory, path: Path, lang: Lang = "ja") -> Path:
    """Write the normalized inventory to an .xlsx in the import layout, sheets and columns named in ``lang``
    (it imports back unchanged, the municipalities' IT staff and the vendors' limits included)."""
    names = _EXPORT[lang]
    staff = {m.code: m.staff for m in inventory.municipalities}
    systems = SheetSpec(name=names.sheets[0], header=(*system_header(lang), names.staff),
                        rows=[[*row, staff.get(row[0])] for row in system_rows(inventory, lang)],
                        widths={3: 22, 4: 24, 5: 22, 6: 22, 14: 30})
    interfaces = SheetSpec(
        name=names.sheets[1], header=names.interfaces,
        rows=[[i.municipality_code, i.source, i.target, i.method, i.frequency, i.notes]
              for i in inventory.interfaces],
        widths={2: 24, 3: 24},
    )
    vendors = SheetSpec(name=names.sheets[2], header=names.vendors,
                        rows=[[v.name, v.capacity, v.projects, v.cutovers_day, v.cutovers_weekend, v.cutovers_month,
                               v.notes] for v in inventory.vendors], widths={1: 30})
    return write_workbook(path, [systems, interfaces, vendors])
