"""Loading and saving the inventory model (``migrator.inventory.model``) in the store."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from migrator.inventory.model import Interface, Inventory, Municipality, System, Vendor
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
            special_deadline=s.special_deadline, notes=s.notes, source=s.source,
        ))
    interfaces = [
        Interface(municipality_code=ids[i.municipality_id], source=i.source_name, target=i.target_name,
                  method=i.method, frequency=i.frequency, notes=i.notes)
        for i in session.scalars(select(m.Interface).order_by(m.Interface.id))
        if i.municipality_id in ids
    ]
    return Inventory(
        municipalities=tuple(Municipality(code=x.code, name=x.name) for x in munis),
        systems=tuple(systems),
        interfaces=tuple(interfaces),
        vendors=tuple(Vendor(name=v.name, capacity=v.capacity, notes=v.notes) for v in vendors.values()),
    )
