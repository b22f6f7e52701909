"""Human labels for report titles and summary figures, in Japanese or English (never the raw keys)."""

from __future__ import annotations

from typing import Any

from migrator.i18n import Lang, join_list

_TITLES: dict[str, tuple[str, str]] = {
    "mapping run": ("移行と検証の結果", "Migration and validation run"),
    "batch run": ("一括実行の結果", "Batch run"),
    "mapping check": ("項目対応表の点検", "Mapping check"),
    "mapping convert": ("項目対応表の変換", "Mapping conversion"),
    "schema check": ("スキーマの点検", "Schema check"),
    "schema import": ("スキーマの取り込み", "Schema import"),
    "schema diff": ("スキーマの比較", "Schema comparison"),
    "inventory check": ("システム一覧の点検", "Inventory check"),
    "inventory import": ("システム一覧の取り込み", "Inventory import"),
    "validation demo": ("移行と検証 (デモ)", "Validation (demo)"),
    "migrator demo": ("migrator デモのまとめ", "migrator demo summary"),
    "plan progress": ("進捗の記録", "Plan progress"),
    "plan": ("移行計画", "Migration plan"),
}

_SUMMARY: dict[str, tuple[str, str]] = {
    "rows_in": ("読み込んだ行", "Rows read"),
    "rows_out": ("移行できた行", "Rows migrated"),
    "rows_rejected": ("移行できなかった行", "Rows not migrated"),
    "input_checksums": ("入力ファイルのチェックサム", "Input checksums"),
    "encodings": ("文字コード", "Encodings"),
    "timings_s": ("処理時間 (秒)", "Time taken (s)"),
    "stages_s": ("段階別の処理時間 (秒)", "Time per stage (s)"),
    "profile": ("規則のプロファイル", "Rule profile"),
    "files": ("ファイル", "Files"),
    "schemas": ("スキーマ", "Schemas"),
    "tables": ("表", "Tables"),
    "per_table": ("表ごとの件数", "Per table"),
    "jobs": ("ジョブ", "Jobs"),
    "job": ("ジョブ", "Job"),
    "municipality": ("団体コード", "Municipality"),
    "exit_code": ("終了コード", "Exit code"),
    "engine": ("実行エンジン", "Engine"),
    "table": ("表", "Table"),
    "extract": ("入力ファイル", "Input file"),
    "output": ("出力ファイル", "Output file"),
    "rejects": ("除外行のファイル", "Rejected rows file"),
    "items": ("項目", "Items"),
    "ids": ("ID", "Ids"),
    "steps": ("手順", "Steps"),
    "totals": ("合計", "Totals"),
    "tasks": ("タスク", "Tasks"),
    "systems": ("システム", "Systems"),
    "waves": ("波", "Waves"),
    "start": ("開始", "Start"),
    "finish": ("完了予定日", "Finish"),
    "makespan_days": ("所要営業日", "Makespan (business days)"),
    "bound_days": ("下限 (営業日)", "Lower bound (business days)"),
    "gap_pct": ("下限との差 (%)", "Gap to the bound (%)"),
    "late_tasks": ("期限に遅れる切替", "Late cut-overs"),
    "edges": ("依存関係", "Dependencies"),
    "lower_bound_days": ("CPM 下限 (営業日)", "CPM lower bound (business days)"),
    "greedy_makespan_days": ("初期解の所要営業日", "Makespan of the first schedule (business days)"),
    "resource_bound_days": ("資源による下限 (営業日)", "Resource lower bound (business days)"),
    "critical_tasks": ("クリティカルなタスク", "Critical tasks"),
    "scenario": ("シナリオ", "Scenario"),
    "rows": ("行", "Rows"),
    "municipalities": ("団体", "Municipalities"),
    "interfaces": ("連携", "Interfaces"),
    "vendors": ("ベンダー", "Vendors"),
    "error": ("エラー", "Errors"),
    "warning": ("警告", "Warnings"),
    "info": ("情報", "Info"),
}


# The stages and jobs a validation run times (its ``stages_s`` and ``timings_s``).
_PARTS: dict[str, tuple[str, str]] = {
    "read (reader thread)": ("読み込み (読み込みスレッド)", "read (reader thread)"),
    "evaluate": ("変換の評価", "evaluate"),
    "transform issues": ("変換の問題", "transform issues"),
    "legacy rules": ("現行の規則", "legacy rules"),
    "screen and pandera": ("型と規則の検査", "screen and pandera"),
    "schema findings": ("スキーマの指摘", "schema findings"),
    "gaiji count": ("外字の集計", "gaiji count"),
    "write outputs": ("出力の書き込み", "write outputs"),
    "keep keys": ("キーの保持", "keep keys"),
    "cross-table": ("表間の検査", "cross-table"),
    "reconcile": ("突合", "reconcile"),
    "total": ("合計", "total"),
}


def title_text(title: str, lang: Lang) -> str:
    """The report title ``title`` (a stable key such as ``mapping run`` or ``plan base``) for people."""
    pick = 0 if lang == "ja" else 1
    if title in _TITLES:
        return _TITLES[title][pick]
    for key in sorted(_TITLES, key=len, reverse=True):  # "plan progress base", "plan base"
        if title.startswith(key + " "):
            return f"{_TITLES[key][pick]}: {title[len(key) + 1 :]}"
    return title


def summary_label(key: str, lang: Lang) -> str:
    """The label of summary figure ``key``; an unknown key is shown as it is."""
    pair = _SUMMARY.get(key)
    return key if pair is None else pair[0 if lang == "ja" else 1]


def summary_value(value: Any, lang: Lang) -> str:
    """A summary value as text: a mapping as ``name: value`` lines (file paths by their name), a list joined."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        return "\n".join(f"{part_label(str(k), lang)}: {summary_value(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return join_list((summary_value(v, lang) for v in value), lang)
    if isinstance(value, bool):
        return ("はい" if value else "いいえ") if lang == "ja" else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def part_label(key: str, lang: Lang) -> str:
    """A stage or job name in ``lang``; a file path by its name; anything else as it is."""
    pair = _PARTS.get(key) or _SUMMARY.get(key)
    if pair is not None:
        return pair[0 if lang == "ja" else 1]
    return key.replace("\\", "/").rsplit("/", 1)[-1]
