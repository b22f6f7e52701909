"""Build the sample mapping workbooks and their YAML forms.

Run ``.venv/bin/python tools/build_sample_mappings.py`` from the repository root; edit this script, never the
generated files. Mappings: mainframe 住民記録 → 001 住民, RDB 個人 → 001 住民, RDB 世帯 → 001 世帯.

They follow the 住民記録システム標準仕様書: existing 宛名番号/世帯番号 are not checked for an M11 check digit
(1.1.13: new numbers only), and a legacy 孫 becomes 子の子 (続柄コード1 = 子, 続柄コード2 = 子; 1.1.11), not 縁故者.
"""

from __future__ import annotations

from pathlib import Path

from migrator.mapping import CodeEntry, GaijiEntry, ItemRow, Mapping, write_mapping
from migrator.schema import SchemaRegistry

HERE = Path(__file__).resolve().parent.parent / "migrator" / "data" / "mappings"
NONE = "現行システムに該当する項目がない"

PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]

CITY_RE = "^(?:東京都|北海道|(?:京都|大阪)府|.{2,3}県)((?:.+?郡)?.+?[市区町村])"
TOWN_RE = "^(?:東京都|北海道|(?:京都|大阪)府|.{2,3}県)(?:.+?郡)?.+?[市区町村](.*)$"
KANA = 'trim | hankaku_to_zenkaku | replace(" ", "　")'


def _rows(spec: list[tuple], standard_items: tuple[str, ...]) -> tuple[ItemRow, ...]:
    """One row per standard item in schema order; items missing from ``spec`` are 対象外."""
    given = {s[0]: s for s in spec}
    unknown = set(given) - set(standard_items)
    assert not unknown, unknown
    rows = []
    for n, name in enumerate(standard_items, start=1):
        if name not in given:
            rows.append(ItemRow(name, excluded=True, note=NONE, no=n))
            continue
        _, legacy, transform, default, note = (*given[name], None, None, None, None)[:5]
        if legacy == "対象外":
            rows.append(ItemRow(name, excluded=True, note=transform, no=n))
            continue
        legacy_names = tuple(legacy.split(",")) if legacy else ()
        rows.append(ItemRow(name, legacy_names, transform, default, note, no=n))
    return tuple(rows)


def _codes(tables: dict[str, dict[str, str]], notes: dict[tuple[str, str], str] | None = None
           ) -> tuple[CodeEntry, ...]:
    notes = notes or {}
    return tuple(CodeEntry(t, k, v, notes.get((t, k))) for t, table in tables.items() for k, v in table.items())


ZOKU_NOTE = "孫は子の子(続柄コード1=子、続柄コード2=子)。孫という続柄はない(標準仕様書 1.1.11)"
NUMBER_NOTE = "既存番号は付番し直さない。検査数字は新規付番のみ(標準仕様書 1.1.13)"


def mainframe(std: tuple[str, ...]) -> Mapping:
    spec = [
        ("宛名番号", "宛名番号", "trim", None, NUMBER_NOTE),
        ("世帯番号", "世帯番号", "trim", None, NUMBER_NOTE),
        ("住民種別", "住民種別", "trim | code(住民種別)"),
        ("住民状態", "住民状態", "trim | code(住民状態)"),
        ("異動年月日", "異動年月日", "trim | wareki"),
        ("異動年月日_不詳フラグ", "異動年月日", "trim | fusho_flag"),
        ("異動年月日_不詳表記", "異動年月日", "trim | fusho_text"),
        ("異動届出年月日", "届出年月日", "trim | wareki"),
        ("異動事由", "異動事由", "trim | code(異動事由)"),
        ("氏名", "氏名", "trim | gaiji"),
        ("氏名_外国人ローマ字", "ローマ字氏名", "trim"),
        ("氏名_フリガナ", "氏名カナ", KANA),
        ("旧氏", "旧氏", "trim | gaiji"),
        ("旧氏_フリガナ", "旧氏カナ", KANA),
        ("通称", "通称", "trim | gaiji"),
        ("通称_フリガナ", "通称カナ", KANA),
        ("性別", "性別", "trim | code(性別)"),
        ("性別表記", "性別", "trim | code(性別表記)"),
        ("生年月日", "生年月日", "trim | wareki"),
        ("生年月日_不詳フラグ", "生年月日不詳区分", "trim | code(不詳フラグ)"),
        ("生年月日_不詳表記", "生年月日", "trim | fusho_text"),
        ("続柄コード1", "続柄", "trim | code(続柄, part=1)"),
        ("続柄コード2", "続柄", "trim | code(続柄, part=2)", None, "子の子など2世代目(孫)"),
        ("続柄表記", "続柄", "trim | code(続柄表記)"),
        ("住所_市区町村コード", "住所コード", "trim | substr(0, 6)"),
        ("住所_町字コード", "住所コード", 'trim | substr(6, 5) | pad(7, "0")', None, "町丁目コード5桁を7桁に0埋め"),
        ("指定都市_行政区等コード", "行政区コード", "trim"),
        ("住所_都道府県", "住所コード", "trim | substr(0, 2) | code(都道府県)", None, "団体コードの上2桁から"),
        ("住所_市区郡町村名", "住所", f'trim | extract("{CITY_RE}")', None, "連結住所から切り出す(要確認)"),
        ("住所_町字", "住所", f'trim | extract("{TOWN_RE}")', None, "市区町村名より後(番地を含む)"),
        ("住所_番地号表記", "対象外", "住所に町字と連結して格納されており、住所_町字に含めて移行する"),
        ("住所_方書", "方書", "trim | gaiji"),
        ("住所_郵便番号", "郵便番号", "postal"),
        ("住民となった年月日", "住民となった年月日", "trim | wareki"),
        ("住民となった年月日_不詳フラグ", "住民となった年月日", "trim | fusho_flag"),
        ("住民となった年月日_不詳表記", "住民となった年月日", "trim | fusho_text"),
        ("転入前住所_町字", "転入前住所", "trim | gaiji", None, "分割できないため連結住所のまま格納(要確認)"),
        ("転入前住所_郵便番号", "転入前郵便番号", "postal"),
        ("転出先住所（予定）_町字", "転出先住所", "trim | gaiji", None, "分割できないため連結住所のまま格納(要確認)"),
        ("消除の異動年月日", "消除年月日", "trim | wareki"),
        ("消除の異動年月日_不詳フラグ", "消除年月日", "trim | fusho_flag"),
        ("消除の異動年月日_不詳表記", "消除年月日", "trim | fusho_text"),
        ("国籍等_国名コード", "国籍コード", "trim"),
        ("第30条45規定区分", "法第30条45区分", "trim | code(法第30条45区分)"),
        ("在留資格等コード", "在留資格", "trim | code(在留資格)"),
        ("在留期間等コード_年", "在留期間", "trim | substr(0, 2)"),
        ("在留期間等コード_月", "在留期間", "trim | substr(2, 2)"),
        ("在留期間の満了の日", "在留期間満了日", "trim | wareki"),
        ("地区管理コード1", "地区コード", "trim"),
        ("個人番号", "個人番号", "trim | checkdigit(mynumber)"),
    ]
    codes = {
        "住民種別": {"J": "1", "G": "2"},
        "住民状態": {"0": "1", "1": "2", "2": "3", "9": "9"},
        "異動事由": {"A1": "01", "A2": "03", "A3": "06", "A4": "04", "B1": "21", "B2": "23", "B3": "26", "B4": "22",
                  "C1": "41", "C2": "52", "D1": "42", "D2": "43"},
        "性別": {"M": "1", "F": "2", "U": "0"},
        "性別表記": {"M": "男", "F": "女", "U": "不明"},
        "不詳フラグ": {"0": "0", "1": "1", "2": "1", "3": "1"},
        "続柄": {"01": "02", "02": "12", "03": "11", "04": "20", "05": "51", "06": "52", "07": "71", "08": "74",
               "09": "81", "10": "84", "11": "20,20", "12": "14", "13": "13", "20": "96", "30": "99"},
        "続柄表記": {"01": "世帯主", "02": "妻", "03": "夫", "04": "子", "05": "父", "06": "母", "07": "兄", "08": "弟",
                 "09": "姉", "10": "妹", "11": "子の子", "12": "妻（未届）", "13": "夫（未届）", "20": "縁故者",
                 "30": "同居人"},
        "都道府県": {f"{n:02d}": name for n, name in enumerate(PREFECTURES, start=1)},
        "法第30条45区分": {str(n): f"{n:02d}" for n in range(1, 7)},
        "在留資格": {"01": "X14", "02": "T60", "03": "T63", "04": "T61", "05": "T26", "06": "T41", "07": "T23",
                 "08": "T44", "09": "T71", "99": "999"},
    }
    notes = {("続柄", "11"): ZOKU_NOTE, ("続柄表記", "11"): ZOKU_NOTE,
             ("在留資格", "07"): "技能実習は号・区分が不明なため2号イとする(要確認)"}
    gaiji = (GaijiEntry("U+E000", "髙", "MJ028902", "はしごだか"), GaijiEntry("U+E001", "𠮷", "MJ000000", "つちよし"),
             GaijiEntry("U+E002", "邊", None, "辺の異体字"), GaijiEntry("U+E003", "齋", None, "斎の異体字"),
             GaijiEntry("U+E004", "﨑", None, "たつさき(互換漢字、要確認)"))
    settings = {"マッピングID": "juki-mainframe-to-001-jumin", "標準スキーマ": "std-001-juki", "標準テーブル": "住民",
                "現行スキーマ": "legacy-juki-mainframe", "現行テーブル": "住民記録", "文字コード": "cp932", "版": "1.0",
                "更新日": "2025-06-30", "照合キー": "宛名番号", "照合集計": "住民状態"}
    return _mapping(settings, _rows(spec, std), _codes(codes, notes), gaiji)


def rdb(std: tuple[str, ...]) -> Mapping:
    date = 'date("%Y/%m/%d")'
    spec = [
        ("宛名番号", "宛名番号", "trim", None, NUMBER_NOTE),
        ("世帯番号", "世帯番号", "trim", None, NUMBER_NOTE),
        ("住民種別", "住民区分", "trim | code(住民区分)"),
        ("住民状態", "状態区分", "trim | code(状態区分)"),
        ("異動年月日", "異動日", date),
        ("異動年月日_不詳フラグ", "", None, "0", "現行は不詳日付を保持しない"),
        ("異動届出年月日", "届出日", date),
        ("異動事由", "異動事由コード", "trim | code(異動事由)"),
        ("氏名", "氏,名", 'concat(氏, 名, sep="　")', None, "氏と名を全角空白で連結"),
        ("氏名_外国人ローマ字", "英字氏名", "trim"),
        ("氏名_フリガナ", "氏カナ,名カナ", 'concat(氏カナ, 名カナ, sep="　")'),
        ("旧氏", "旧氏", "trim"),
        ("通称", "通称名", "trim"),
        ("性別", "性別", "trim | code(性別)"),
        ("性別表記", "性別", "trim | code(性別表記)"),
        ("生年月日", "生年月日", date),
        ("生年月日_不詳フラグ", "", None, "0", "現行は不詳日付を保持しない"),
        ("続柄コード1", "続柄1", "trim | code(続柄, part=1)"),
        ("続柄コード2", "続柄2,続柄1", "trim | code(続柄, part=2)", None,
         "続柄2と続柄1の連結。続柄2が空なら続柄1の2世代目(孫610→子)。続柄2のある組合せは表になく MAP404 で止まる(要確認)"),
        ("続柄表記", "続柄表記", "trim"),
        ("住所_市区町村コード", "市区町村コード", "trim"),
        ("住所_町字コード", "町字コード", 'trim | pad(7, "0")'),
        ("住所_都道府県", "都道府県名", "trim"),
        ("住所_市区郡町村名", "市区町村名", "trim"),
        ("住所_町字", "町字名", "trim"),
        ("住所_番地号表記", "番地", "trim"),
        ("住所_方書", "方書", "trim"),
        ("住所_郵便番号", "郵便番号", "postal"),
        ("住民となった年月日", "住定日", date),
        ("転入前住所_町字", "前住所", "trim", None, "分割できないため連結住所のまま格納(要確認)"),
        ("消除の異動年月日", "消除日", date),
        ("国籍名等", "国籍", "trim"),
        ("第30条45規定区分", "在留資格", "trim | code(第30条45区分)", None, "在留資格の名称から判定"),
        ("在留資格等コード", "在留資格", "trim | code(在留資格)", None, "名称からコードへ"),
        ("在留期間の満了の日", "在留期限", date),
        ("個人番号", "個人番号", "trim | checkdigit(mynumber)"),
    ]
    statuses = {"永住者": "X14", "特別永住者": "T60", "定住者": "T63", "日本人の配偶者等": "T61",
                "技術・人文知識・国際業務": "T26", "留学": "T41", "家族滞在": "T44", "特定技能": "T71", "その他": "999"}
    codes = {
        "住民区分": {"1": "1", "2": "2"},
        "状態区分": {"00": "1", "10": "2", "20": "3", "90": "9"},
        "異動事由": {"11": "01", "12": "03", "13": "06", "14": "02", "31": "21", "32": "23", "33": "26", "34": "22",
                  "51": "41", "52": "52", "61": "42", "62": "43"},
        "性別": {"1": "1", "2": "2", "9": "0"},
        "性別表記": {"1": "男", "2": "女", "9": "不明"},
        "続柄": {"100": "02", "210": "12", "211": "14", "220": "11", "221": "13", "310": "20", "320": "20",
               "410": "51", "420": "52", "510": "71", "520": "81", "530": "74", "540": "84", "610": "20,20",
               "700": "96", "800": "99"},
        "在留資格": statuses,
        "第30条45区分": {name: ("02" if name == "特別永住者" else "01") for name in statuses},
    }
    notes = {("続柄", "610"): ZOKU_NOTE, ("続柄", "320"): "養子は子として移行"}
    settings = {"マッピングID": "juki-rdb-to-001-jumin", "標準スキーマ": "std-001-juki", "標準テーブル": "住民",
                "現行スキーマ": "legacy-juki-rdb", "現行テーブル": "個人", "文字コード": "utf-8", "版": "1.0",
                "更新日": "2025-06-30", "照合キー": "宛名番号", "照合集計": "状態区分"}
    return _mapping(settings, _rows(spec, std), _codes(codes, notes), ())


def rdb_household(std: tuple[str, ...]) -> Mapping:
    spec = [
        ("世帯番号", "世帯番号", "trim | checkdigit(m11w27)"),
        ("世帯主宛名番号", "世帯主宛名番号", "trim | checkdigit(m11w27)"),
        ("世帯主氏名", "世帯主氏名", "trim"),
        ("世帯員数", "世帯人数", "integer"),
        ("住所_市区町村コード", "", None, "131016", "単一団体の抽出のため団体コードを既定値とする(団体ごとに変更)"),
    ]
    settings = {"マッピングID": "juki-rdb-to-001-setai", "標準スキーマ": "std-001-juki", "標準テーブル": "世帯",
                "現行スキーマ": "legacy-juki-rdb", "現行テーブル": "世帯", "文字コード": "utf-8", "版": "1.0",
                "更新日": "2025-06-30", "照合キー": "世帯番号", "照合集計": "世帯人数"}
    return _mapping(settings, _rows(spec, std), (), ())


def _mapping(settings: dict[str, str], items: tuple[ItemRow, ...], codes: tuple[CodeEntry, ...],
             gaiji: tuple[GaijiEntry, ...]) -> Mapping:
    return Mapping(id=settings["マッピングID"], standard_schema=settings["標準スキーマ"],
                   standard_table=settings["標準テーブル"], legacy_schema=settings["現行スキーマ"],
                   legacy_table=settings["現行テーブル"], encoding=settings["文字コード"], settings=settings,
                   items=items, codes=codes, gaiji=gaiji)


SAMPLES = {"juki_mainframe_jumin": (mainframe, "住民"), "juki_rdb_jumin": (rdb, "住民"),
           "juki_rdb_setai": (rdb_household, "世帯")}


def build(out: Path = HERE) -> list[Path]:
    registry = SchemaRegistry.load(HERE.parent / "schemas")
    std = registry.get("std-001-juki")
    written = []
    for name, (make, table) in SAMPLES.items():
        mapping = make(std.table(table).item_names)
        written.append(write_mapping(mapping, out / f"{name}.xlsx"))
        written.append(write_mapping(mapping, out / f"{name}.yaml"))
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
