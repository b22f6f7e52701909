"""Inventories built directly for planner tests: one municipality with all 20 business areas."""

from __future__ import annotations

import datetime as dt

from migrator.inventory.model import Interface, Inventory, Municipality, System, Vendor

AREAS = [
    ("001", "住民基本台帳"), ("002", "印鑑登録"), ("003", "戸籍"), ("004", "戸籍の附票"), ("005", "選挙人名簿管理"),
    ("010", "個人住民税"), ("011", "法人住民税"), ("012", "固定資産税"), ("013", "軽自動車税"), ("014", "収納管理"),
    ("015", "滞納管理"), ("017", "就学"), ("019", "健康管理"), ("020", "児童扶養手当"), ("021", "生活保護"),
    ("022", "障害者福祉"), ("023", "介護保険"), ("024", "国民健康保険"), ("025", "後期高齢者医療"), ("027", "児童手当"),
]
VENDORS = ["A社", "B社", "C社", "D社"]


def sample_inventory(*, municipalities: int = 2, special: tuple[str, ...] = ("003", "004")) -> Inventory:
    """Municipalities × 20 areas, four vendors with capacities, interfaces between systems."""
    munis = [Municipality("131016", "千代田区"), Municipality("011002", "札幌市"),
             Municipality("012050", "室蘭市")][:municipalities]
    systems, interfaces = [], []
    for mi, m in enumerate(munis):
        for ai, (code, name) in enumerate(AREAS):
            vendor = VENDORS[(ai + mi) % len(VENDORS)]
            systems.append(System(
                municipality_code=m.code, area_code=code, area_name=name, name=f"{name}システム",
                current_vendor=vendor, target_vendor=VENDORS[(ai + mi + (ai % 3 == 0)) % len(VENDORS)],
                record_count=[10_000, 120_000, 900_000][ai % 3], special_support=code in special,
                release_date=dt.date(2025, 6, 2) if code == "012" else None,
            ))
        interfaces += [
            Interface(m.code, "住民基本台帳システム", "国民健康保険システム", "ファイル"),
            Interface(m.code, "個人住民税", "介護保険", "ファイル"),
            Interface(m.code, "収納管理システム", "滞納管理システム", "API", notes="暫定連携あり"),
        ]
    vendors = [Vendor("A社", 3), Vendor("B社", 2), Vendor("C社", 4), Vendor("D社", None)]
    return Inventory(municipalities=tuple(munis), systems=tuple(systems), interfaces=tuple(interfaces),
                     vendors=tuple(vendors))
