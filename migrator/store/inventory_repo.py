"""Loading and saving the inventory model (``migrator.inventory.model``) in the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from migrator.inventory.areas import resolve_area
from migrator.inventory.model import (
    Interface,
    Inventory,
    Municipality,
    System,
    Vendor,
    fold_name,
    names_system,
)
from migrator.inventory.vendors import vendor_key
from migrator.store import models as m


def load_inventory(session: Session, *, municipality: str | None = None) -> Inventory:
    """Read the whole inventory (or one municipality's) from the store into plain dataclasses."""
    muni_q = select(m.Municipality).order_by(m.Municipality.code)
    if municipality:
        muni_q = muni_q.where(m.Municipality.code == municipality)
    munis = list(session.scalars(muni_q))
    ids = {x.id: x.code for x in munis}
    vendors = {v.id: v for v in session.scalars(select(m.Vendor).order_by(m.Vendor.name))}
    systems = []
    for s in session.scalars(select(m.System).order_by(m.System.id)):
        if s.municipality_id not in ids:
            continue
        systems.append(System(
            municipality_code=ids[s.municipality_id], area_code=s.area_code, area_name=s.area_name, name=s.name,
            current_vendor=vendors[s.current_vendor_id].name if s.current_vendor_id else None,
            target_vendor=vendors[s.target_vendor_id].name if s.target_vendor_id else None,
            hosting=s.hosting, contract_end=s.contract_end, release_date=s.release_date,
            planned_date=s.planned_date, record_count=s.record_count, special_support=s.special_support,
            special_deadline=s.special_deadline, notes=s.notes, source=s.source, cells=dict(s.cells or {}),
        ))
    interfaces = [
        Interface(municipality_code=ids[i.municipality_id], source=i.source_name, target=i.target_name,
                  method=i.method, frequency=i.frequency, notes=i.notes, origin=i.origin, cells=dict(i.cells or {}))
        for i in session.scalars(select(m.Interface).order_by(m.Interface.id))
        if i.municipality_id in ids
    ]
    return Inventory(
        municipalities=tuple(Municipality(code=x.code, name=x.name, staff=x.staff) for x in munis),
        systems=tuple(systems),
        interfaces=tuple(interfaces),
        vendors=tuple(Vendor(name=v.name, capacity=v.capacity, notes=v.notes, projects=v.projects,
                             cutovers_day=v.cutovers_day, cutovers_weekend=v.cutovers_weekend,
                             cutovers_month=v.cutovers_month) for v in vendors.values()),
    )


@dataclass(frozen=True)
class Change:
    """One change a save made: a created record, or one field of an existing record updated."""

    kind: str
    """``municipality``, ``vendor``, ``system`` or ``interface``."""
    key: str
    action: str
    """``created`` or ``updated``."""
    field: str | None = None
    old: object = None
    new: object = None
    source: str | None = None


_SYSTEM_FIELDS = ("area_name", "hosting", "contract_end", "release_date", "planned_date", "record_count",
                  "special_support", "special_deadline", "notes")


def _set(record: object, kind: str, key: str, fieldname: str, new: object, changes: list[Change],
         source: str | None = None, shown: Callable[[object], object] | None = None) -> None:
    """Write ``new`` into ``fieldname`` of ``record`` when it differs, and record the change (old and new as
    ``shown`` gives them to people: a vendor's or a system's name for its id)."""
    old = getattr(record, fieldname)
    if old != new:
        setattr(record, fieldname, new)
        if shown is not None:
            old, new = shown(old), shown(new)
        changes.append(Change(kind, key, "updated", fieldname, old, new, source))


def _written(system: System, column: str) -> bool:
    """Does the sheet ``system`` was read from have a column for ``column``? A system built without cells (by a
    program, not read from a sheet) states every field."""
    if not system.cells or column == "area":
        return True
    if column == "special_deadline":  # a date in the 特定移行支援 column is the deadline too
        return "special_deadline" in system.cells or "special_support" in system.cells
    return column in system.cells


def save_inventory(session: Session, inventory: Inventory) -> list[Change]:
    """Create or update ``inventory`` in the store by natural keys; return what changed.

    Keys: 団体コード; vendor name folded by :func:`vendor_key`; 団体コード + 業務 + システム名; 団体コード +
    the pair of systems an interface joins (each end resolved to its system, else its business area, else
    its folded name), so a newer workbook that changes only 方式 updates the interface. Only fields that differ are written, so saving the same inventory twice
    changes nothing. Records absent from ``inventory`` are left as they are (an import may cover part of
    the inventory). The caller owns the transaction: nothing is committed here.
    """
    changes: list[Change] = []
    munis = {x.code: x for x in session.scalars(select(m.Municipality))}
    for muni in inventory.municipalities:
        row = munis.get(muni.code)
        if row is None:
            row, created = _insert_once(session, m.Municipality, "code", code=muni.code, name=muni.name,
                                        staff=muni.staff)
            munis[muni.code] = row
            if created:
                changes.append(Change("municipality", muni.code, "created", new=muni.name))
                continue
        if muni.name:
            _set(row, "municipality", muni.code, "name", muni.name, changes, muni.cells.get("name"))
        if muni.staff is not None:
            _set(row, "municipality", muni.code, "staff", muni.staff, changes, muni.cells.get("staff"))

    vendors = {v.name_key: v for v in session.scalars(select(m.Vendor))}
    for vendor in inventory.vendors:
        key = vendor_key(vendor.name)
        row_v = vendors.get(key)
        if row_v is None:
            row_v, created = _insert_once(session, m.Vendor, "name_key", name=vendor.name, name_key=key,
                                          capacity=vendor.capacity, notes=vendor.notes, projects=vendor.projects,
                                          cutovers_day=vendor.cutovers_day, cutovers_weekend=vendor.cutovers_weekend,
                                          cutovers_month=vendor.cutovers_month)
            vendors[key] = row_v
            if created:
                changes.append(Change("vendor", vendor.name, "created", new=vendor.name))
                continue
        # A vendor named only in the system list declares no capacity: keep what the store knows.
        for fieldname in ("capacity", "projects", "cutovers_day", "cutovers_weekend", "cutovers_month"):
            if getattr(vendor, fieldname) is not None:
                _set(row_v, "vendor", row_v.name, fieldname, getattr(vendor, fieldname), changes,
                     vendor.cells.get(fieldname))
        if vendor.notes is not None:
            _set(row_v, "vendor", row_v.name, "notes", vendor.notes, changes, vendor.cells.get("notes"))
    session.flush()

    def vendor_id(name: str | None) -> int | None:
        return vendors[vendor_key(name)].id if name else None

    def vendor_name(vendor: object) -> object:
        row = session.get(m.Vendor, vendor) if isinstance(vendor, int) else None
        return row.name if row is not None else vendor

    def system_name(system: object) -> object:
        row = session.get(m.System, system) if isinstance(system, int) else None
        return f"{row.area_code} {row.name}" if row is not None else system

    codes = {s.municipality_code for s in inventory.systems} | {i.municipality_code for i in inventory.interfaces}
    muni_ids = [munis[c].id for c in codes]
    existing = {
        (s.municipality_id, s.area_code, s.name): s
        for s in session.scalars(select(m.System).where(m.System.municipality_id.in_(muni_ids)))
    }
    for system in inventory.systems:
        muni_id = munis[system.municipality_code].id
        key_text = f"{system.municipality_code} {system.area_code} {system.name}"
        row_s = existing.get((muni_id, system.area_code, system.name))
        values = {f: getattr(system, f) for f in _SYSTEM_FIELDS}
        values["current_vendor_id"] = vendor_id(system.current_vendor)
        values["target_vendor_id"] = vendor_id(system.target_vendor)
        if row_s is None:
            row_s = m.System(municipality_id=muni_id, area_code=system.area_code, name=system.name,
                             source=system.source, cells=dict(system.cells) or None, **values)
            session.add(row_s)
            existing[(muni_id, system.area_code, system.name)] = row_s
            changes.append(Change("system", key_text, "created", source=system.source))
            continue
        before = len(changes)
        for fieldname, new in values.items():
            # the field's own cell (移行予定日 at J5), not the row's first cell
            column = {"area_name": "area"}.get(fieldname, fieldname.removesuffix("_id"))
            if not _written(system, column):
                continue  # a sheet without the column says nothing about the field: the store keeps its value
            _set(row_s, "system", key_text, fieldname, new, changes, system.cell(column),
                 vendor_name if fieldname.endswith("_vendor_id") else None)
        if len(changes) > before or row_s.cells is None:
            # Where the latest change came from (rows imported before systems kept their cells get them).
            row_s.source = system.source
            row_s.cells = dict(system.cells) or None
    session.flush()

    by_muni: dict[int, list[m.System]] = {}
    for row_s in existing.values():
        by_muni.setdefault(row_s.municipality_id, []).append(row_s)
    interfaces: dict[tuple[int, tuple[str, Any], tuple[str, Any]], m.Interface] = {}
    for i in session.scalars(select(m.Interface).where(m.Interface.municipality_id.in_(muni_ids))
                             .order_by(m.Interface.id)):
        # an end stored unresolved may name a system as ends are matched now (税務 for 税務システム)
        known = by_muni.get(i.municipality_id, [])
        pair = (i.municipality_id,
                _end_key(i.source_system_id or _resolve_end(known, i.source_name), i.source_name),
                _end_key(i.target_system_id or _resolve_end(known, i.target_name), i.target_name))
        interfaces.setdefault(pair, i)
    for iface in inventory.interfaces:
        muni_id = munis[iface.municipality_code].id
        src = _resolve_end(by_muni.get(muni_id, []), iface.source)
        dst = _resolve_end(by_muni.get(muni_id, []), iface.target)
        key_i = (muni_id, _end_key(src, iface.source), _end_key(dst, iface.target))
        row_i = interfaces.get(key_i)
        key_text = f"{iface.municipality_code} {iface.source} → {iface.target}"
        if row_i is None:
            row_i = m.Interface(municipality_id=muni_id, source_name=iface.source, target_name=iface.target,
                                method=iface.method, frequency=iface.frequency, notes=iface.notes,
                                source_system_id=src, target_system_id=dst, origin=iface.origin,
                                cells=dict(iface.cells) or None)
            session.add(row_i)
            interfaces[key_i] = row_i
            changes.append(Change("interface", key_text, "created"))
            continue
        key_text = f"{iface.municipality_code} {row_i.source_name} → {row_i.target_name}"
        before = len(changes)
        for fieldname, new in (("method", iface.method), ("frequency", iface.frequency), ("notes", iface.notes),
                               ("source_system_id", src), ("target_system_id", dst)):
            column = {"source_system_id": "source", "target_system_id": "target"}.get(fieldname, fieldname)
            _set(row_i, "interface", key_text, fieldname, new, changes, iface.cell(column),
                 system_name if fieldname.endswith("_system_id") else None)
        if len(changes) > before or row_i.origin is None or row_i.cells is None:
            # where the latest change came from (rows imported before interfaces kept their cells get them)
            row_i.origin = iface.origin
            row_i.cells = dict(iface.cells) or None
    session.flush()
    return changes


def _insert_once(session: Session, model: Any, key: str, **values: Any) -> tuple[Any, bool]:
    """Insert a row unless a row with the same natural ``key`` exists (or another import has just inserted
    it); return the row and whether this call created it.

    Two imports that bring in the same new vendor at the same time must both succeed: the insert does
    nothing on a conflict (PostgreSQL waits for the other transaction, then sees its row).
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert if dialect == "sqlite" else None
    if insert is None:  # pragma: no cover - only SQLite and PostgreSQL are supported
        row = model(**values)
        session.add(row)
        session.flush()
        return row, True
    result = session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=[key]))
    created = bool(getattr(result, "rowcount", 0))
    row = session.scalars(select(model).where(getattr(model, key) == values[key])).one()
    return row, created


def _end_key(system_id: int | None, written: str) -> tuple[str, Any]:
    """An interface end as matched: the system it resolves to, else its business area, else its folded name."""
    if system_id is not None:
        return ("system", system_id)
    area = resolve_area(written)
    if area is not None:
        return ("area", area)
    return ("text", fold_name(written))


def _resolve_end(systems: list[m.System], written: str) -> int | None:
    """The system an interface end names: by system name (width and spaces folded), else by business area
    when it has one system."""
    for s in systems:
        if names_system(written, s.name):
            return s.id
    area = resolve_area(written)
    if area is None:
        return None
    matching = [s for s in systems if s.area_code == area]
    return matching[0].id if len(matching) == 1 else None


def inventory_counts(session: Session) -> dict[str, int]:
    """Rows per inventory table: municipalities, systems, interfaces and vendors."""
    return {
        "municipalities": session.scalar(select(func.count()).select_from(m.Municipality)) or 0,
        "systems": session.scalar(select(func.count()).select_from(m.System)) or 0,
        "interfaces": session.scalar(select(func.count()).select_from(m.Interface)) or 0,
        "vendors": session.scalar(select(func.count()).select_from(m.Vendor)) or 0,
    }
