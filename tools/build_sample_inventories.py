"""Generate the sample inventory workbooks (run: .venv/bin/python tools/build_sample_inventories.py).

Two vendors, three municipalities, two layouts. The deliberate problems are listed in sample_data/README.md;
tests/inventory/test_samples.py holds the exact counts and findings they give. Sample tooling, not product
code, so it builds the merged cells it needs with openpyxl directly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent.parent / "migrator" / "data" / "sample_data" / "inventory"
A = "株式会社エーシステム"
B = "ビー情報サービス株式会社"
D = dt.datetime

# 八王子市: vendor A's layout (the DESIGN §6 headers), every one of the 20 areas, Excel dates.
HACHIOJI = [
    # 業務, システム名, 現行, 移行先, 稼働形態, 契約満了日, 提供予定日, 移行予定日, 件数, 連携先, 特定移行支援, 備考
    ("住民基本台帳", "住民記録システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     582_000, "個人住民税、国民健康保険", "×", None),
    ("印鑑登録", "印鑑登録システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     210_000, None, "×", None),
    ("戸籍", "戸籍総合システム", A, A, "オンプレミス", D(2027, 3, 31), D(2026, 9, 1), D(2027, 1, 4),
     330_000, None, "○", "特定移行支援（事業者の人員不足）"),
    ("戸籍の附票", "戸籍附票システム", A, A, "オンプレミス", D(2027, 3, 31), D(2026, 9, 1), D(2027, 1, 4),
     120_000, None, "○", None),
    ("選挙人名簿管理", "選挙システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 2, 2),
     470_000, None, "×", None),
    ("個人住民税", "住民税システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     400_000, None, "×", None),
    ("法人住民税", "法人住民税システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     12_000, None, "×", None),
    ("固定資産税", "固定資産税システム", "(株)エーシステム", A, "ガバメントクラウド", D(2025, 12, 31), D(2025, 6, 1),
     D(2026, 1, 5), 250_000, None, "×", "契約更新の調整中"),
    ("軽自動車税", "軽自動車税システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     90_000, None, "×", None),
    ("学齢簿編製", "就学システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 8, 1), D(2026, 2, 2),
     45_000, None, "×", None),
    None,  # blank separator row
    ("健康管理", "健康管理システム", A, A, "ガバメントクラウド", D(2026, 6, 30), D(2025, 8, 1), D(2026, 5, 6),
     "不明", None, "×", "移行時期を再調整中"),
    ("児童扶養手当", "児童扶養手当システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 8, 1),
     D(2026, 2, 2), 3_000, None, "×", None),
    ("生活保護", "生活保護システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 8, 1), D(2026, 2, 2),
     8_000, None, "×", None),
    ("障害者福祉", "障害者福祉システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 8, 1), D(2026, 2, 2),
     25_000, None, "×", None),
    ("介護保険", "介護保険システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     140_000, None, "×", None),
    ("国民健康保険", "国保システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     130_000, None, "×", None),
    ("後期高齢者医療", "後期高齢者医療システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1),
     D(2026, 1, 5), 80_000, None, "×", None),
    ("国民年金", "国民年金システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 6, 1), D(2026, 1, 5),
     60_000, None, "×", None),
    ("児童手当", "児童手当システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 8, 1), D(2026, 2, 2),
     40_000, None, "×", None),
    ("子ども・子育て支援", "子ども子育て支援システム", A, A, "ガバメントクラウド", D(2026, 3, 31), D(2025, 8, 1),
     D(2026, 2, 2), 35_000, None, "×", None),
]
HACHIOJI_LINKS = [
    ("住民記録システム", "住民税システム", "ファイル", "日次", None),
    ("住民税システム", "国保", "ファイル", "年次", "所得情報"),
    ("住民記録システム", "総合窓口システム", "API", "随時", "窓口システムは台帳の対象外"),
    ("住記", "介護", "DB連携", "日次", None),
]


def vendor_a(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws["A1"] = f"現行システム調査票（{A}）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "作成日: 令和7年10月1日"
    header = ["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行先ベンダー", "稼働形態", "契約満了日",
              "標準準拠版提供予定日", "移行予定日", "データ件数", "連携先", "特定移行支援", "備考", "情報担当職員数"]
    ws.append([])
    ws.append(header)
    for row in HACHIOJI:
        # 情報担当職員数: the city's IT staff on the migration at once (approvals, acceptance, parallel runs).
        ws.append([] if row is None else ["132012", "八王子市", *row, 10])
    ws.append([])
    ws.append(["※ 移行予定日は令和7年10月時点の見込みです。"])
    ws.append(["※ データ件数は概数です。"])
    for col in "HIJ":
        for cell in ws[col][4:]:
            cell.number_format = "yyyy/m/d"
    links = wb.create_sheet("連携一覧")
    links.append(["連携元", "連携先", "方式", "頻度", "備考"])
    for link in HACHIOJI_LINKS:
        links.append(list(link))
    vendors = wb.create_sheet("ベンダー")
    vendors.append(["ベンダー", "同時作業上限", "同時移行プロジェクト数", "週末本番移行上限", "月間本番移行上限", "備考"])
    # As vendors of this size state them (docs/planning.md#resources): A is a national vendor with 10 teams
    # running up to 16 systems' migrations and 6 cut-overs a weekend; B is a small regional vendor.
    vendors.append([A, 10, 16, 6, None, "移行チーム10（本番移行も各チームが担当）"])
    vendors.append([B, "３", 5, 2, 6, None])
    wb.save(path)


# 立川市 and 武蔵野市: vendor B's layout — other header wording, a two-row header with merged group
# cells, 団体 merged over its rows, 和暦 and text dates, full-width digits, abbreviations and area numbers.
TACHIKAWA = [
    ("住記", "住民情報システム", "ｴｰｼｽﾃﾑ㈱", A, "ガバクラ", "R8.3.31", "R7.6.1", "令和8年1月13日", "１８４，０００件", "○", None),
    ("010", "市民税システム", B, A, "ガバクラ", "令和7年12月31日", "R7.6.1", "2026/1/13", "150,000件", "×",
     "契約は年度末まで延長予定"),
    ("国保", "国保システム", B, B, "ガバクラ", "R8.3.31", "R7.8.1", "2026年2月", "40,000件", "－", None),
    ("介護", "介護システム", B, B, "ガバクラ", "平成38年3月31日", "R7.8.1", "2026/2/16", "45,000件", "－", None),
    ("後期", "後期高齢システム", B, B, "ガバクラ", "R8.3.31", "R7.8.1", "未定", "22,000件", "－", None),
    (12, "固定資産税システム", B, B, "ガバクラ", "R8.3.31", "R8.2.30", "2026/2/16", "95,000件", "×", None),
]
MUSASHINO = [
    ("住民基本台帳", "住民情報システム", B, A, "オンプレ", "2026/3/31", "R7.6.1", "２０２６／１／１９", "148,000件", "×", None),
    ("個人住民税", "住民税システム", B, A, "オンプレ", "2026/3/31", "R7.6.1", "2026/1/19", "120,000件", "×", None),
    ("児童手当", "児童手当システム", B, B, "オンプレ", "2026/3/31", "R7.8.1", "R8.2.16", "9,000件", "－", None),
    ("子ども子育て", "子育て支援システム", B, B, "オンプレ", "2027/3/31", "R8.6.1", "R8.10.5", "12,000件", "R13.3.31",
     "特定移行支援（R13.3.31まで）"),
    ("003", "戸籍システム", B, B, "オンプレ", "2026/3/31", "R7.9.1", "R8.2.16", "75,000件", "要確認", None),
]
B_LINKS = [
    ("132021", "住民情報システム", "市民税システム", "ファイル", "日次"),
    ("132021", "市民税システム", "国保システム", "ファイル", "年次"),
    ("132039", "住民情報システム", "住民税システム", "ファイル", "日次"),
    ("132039", "住民情報システム", "児童手当", "ＡＰＩ", "随時"),
    ("132039", "住民情報システム", "戸籍システム", "メール", "随時"),
]


def vendor_b(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム台帳"
    ws["A1"] = "標準化対象システム台帳　ビー情報サービス"
    groups = ["団体", None, "業務名", "システム名称", "事業者", None, "運用形態", "日程", None, None, "件数",
              "特定移行支援対象", "備考", "担当課", "担当職員数"]
    lower = ["団体コード", "団体名", None, None, "現行事業者", "移行先事業者", None, "契約終了日", "標準準拠版提供予定",
             "移行予定時期", None, None, None, None, None]
    ws.append(groups)
    ws.append(lower)
    for rng in ("A2:B2", "E2:F2", "H2:J2"):
        ws.merge_cells(rng)
    for col in "CDGKLMNO":
        ws.merge_cells(f"{col}2:{col}3")
    row = 4
    for code, name, systems, staff in (("132021", "立川市", TACHIKAWA, 4), ("132039", "武蔵野市", MUSASHINO, "３名")):
        first = row
        for system in systems:
            ws.append([code if row == first else None, name if row == first else None, *system, "情報政策課", staff])
            row += 1
        ws.merge_cells(f"A{first}:A{row - 1}")
        ws.merge_cells(f"B{first}:B{row - 1}")
        ws.append([])
        row += 1
    ws.append(["※ 件数は令和7年4月1日現在の概数"])
    links = wb.create_sheet("連携")
    links.append(["団体コード", "連携元システム", "連携先システム", "連携方式", "連携頻度"])
    for link in B_LINKS:
        links.append(list(link))
    wb.save(path)


def main() -> None:
    vendor_a(HERE / "vendor_a_hachioji.xlsx")
    vendor_b(HERE / "vendor_b_tachikawa_musashino.xlsx")


if __name__ == "__main__":
    main()
