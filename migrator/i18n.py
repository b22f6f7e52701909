"""Language selection for messages: Japanese or English.

Finding messages live in the findings catalogue; this module holds the handful of CLI-level messages
and the rule that picks the default language from the locale.
"""

from __future__ import annotations

import difflib
import os
import string
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


def as_lang(value: str | None) -> Lang | None:
    """``value`` as a language code (``ja``, ``en``), None when it is not one."""
    return next((lang for lang in LANGS if lang == value), None)


def default_lang(environ: dict[str, str] | None = None) -> Lang:
    """Return the language to use when none is given: ``MIGRATOR_LANG``, else Japanese for a ``ja`` locale."""
    env = os.environ if environ is None else environ
    explicit = as_lang(env.get("MIGRATOR_LANG", "").strip().lower())
    if explicit is not None:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


_MESSAGES: dict[str, tuple[str, str]] = {
    "internal_error": (
        "内部エラーが発生しました: {error}。--debug を付けて再実行すると詳細(トレースバック)を表示します。",
        "Internal error: {error}. Run again with --debug to see the traceback.",
    ),
    "usage_hint": (
        "使い方は 'migrator --help' で確認できます。",
        "See 'migrator --help' for usage.",
    ),
    "help_hint": ("'{command} --help' で使い方を確認できます。", "Try '{command} --help' for help."),
    "limit_pair": ("{pair!r} は NAME=VALUE の形ではありません。", "{pair!r} is not NAME=VALUE."),
    "bad_encoding": ("{value!r} は使えません。utf-8、utf-8-sig、cp932 (sjis、shift_jis、ms932) のいずれかです。",
                     "{value!r} is not one of utf-8, utf-8-sig, cp932 (sjis, shift_jis, ms932)."),
    "bad_capacity": ("{value!r}: VENDOR=N の形で、N は 1 から {most} です。",
                     "{value!r}: expected VENDOR=N with N from 1 to {most}"),
    "long_scenario": ("シナリオ名が {length} 文字です。保存できるのは {most} 文字までです。",
                      "the scenario name has {length} {length:character|characters}; at most {most} can be stored"),
    "long_system": ("システム名が {length} 文字です。記録できるのは {most} 文字までです。",
                    "the system name has {length} {length:character|characters}; at most {most} can be recorded"),
    "progress_rows": ("行", "rows"),
    # the demo's progress lines (migrator demo)
    "demo_store": ("データベース {db} (リビジョン {revision})", "database {db} at revision {revision}"),
    "demo_schema": ("スキーマ {schemas} 件、項目 {items} 件を点検: エラー {errors} 件。テーブル定義書の往復 (個人): 構造の差 {changes} 件",
                    "{schemas} {schemas:schema|schemas}, {items} {items:item|items} checked: {errors} {errors:error|errors}; "
                    "テーブル定義書 round trip of 個人: {changes} structural {changes:difference|differences}"),
    "demo_mapping_one": ("{name}: エラー {errors} 件", "{name}: {errors} {errors:error|errors}"),
    "demo_mapping_template": ("テンプレートの候補 {n} 件", "template with {n} {n:suggestion|suggestions}"),
    "demo_validation_skipped": ("{name}: 省略 ({missing} がありません)", "{name}: skipped, missing {missing}"),
    "demo_validation_one": ("{name}: {rows_in} 件を読み、{rows_out} 件を変換、{rows_rejected} 件を移行できず。指摘 {counts}",
                            "{name}: {rows_in} {rows_in:record|records}, {rows_out} converted, {rows_rejected} rejected; "
                            "findings {counts}"),
    "demo_inventory": ("ブック {workbooks} 件を取り込み: 団体 {municipalities}、システム {systems}、連携 {interfaces}、"
                       "ベンダー {vendors}。点検: エラー {errors} 件、警告 {warnings} 件",
                       "imported {workbooks} {workbooks:workbook|workbooks}: {municipalities} "
                       "{municipalities:municipality|municipalities}, {systems} {systems:system|systems}, {interfaces} "
                       "{interfaces:interface|interfaces}, {vendors} {vendors:vendor|vendors}; check: {errors} "
                       "{errors:error|errors}, {warnings} {warnings:warning|warnings}"),
    "demo_plan_cycle": ("依存関係が循環しているため計画を作れません", "the dependencies form a cycle; no plan"),
    "demo_plan": ("システム {systems} 件のタスク {tasks} 件を {waves} 波で、{start} → {finish}。所要 {makespan} 営業日 "
                  "(下限 {bound}、差 {gap} %)。期限に遅れる切替 {late} 件、それぞれを止めている連鎖つき (PLN002)",
                  "{tasks} {tasks:task|tasks} of {systems} {systems:system|systems} in {waves} {waves:wave|waves}, {start} → "
                  "{finish}, makespan {makespan} business {makespan:day|days} (lower bound {bound}, gap {gap} %), "
                  "{late} {late:cut-over|cut-overs} late, each with the chain that holds it (PLN002)"),
    "demo_risks": ("{municipality} の懸念 {concerns} 件 (エラー {error}、警告 {warning}、情報 {info}。{by_code})、"
                   "{with_concerns} / {systems} システム。データの準備状況: {readiness}",
                   "{concerns} {concerns:concern|concerns} for {municipality} (error {error}, warning {warning}, info "
                   "{info}; {by_code}) in {with_concerns} of {systems} {systems:system|systems}; data readiness: "
                   "{readiness}"),
    "demo_readiness": ("{system}: 実行 #{run} {rows} 行、移行できず {rejected} 行、未対応の外字 {gaiji}、突合 {recon}",
                       "{system}: run #{run} {rows} {rows:row|rows}, {rejected} not migrated, {gaiji} unmapped 外字, "
                       "reconciliation {recon}"),
    "demo_no_run": ("結び付いた実行なし", "no linked run"),
    "recon_ok": ("一致", "ok"),
    "recon_gaps": ("不一致あり", "gaps"),
    "demo_outputs": ("出力先: {path}", "Outputs: {path}"),
    "demo_summary_html": ("まとめ (HTML): {path}", "Summary (HTML): {path}"),
    "step_store": ("データベース", "store"),
    "step_schema": ("スキーマ", "schema"),
    "step_mapping": ("項目対応表", "mapping"),
    "step_validation": ("移行と検証", "validation"),
    "step_inventory": ("システム一覧", "inventory"),
    "step_plan": ("移行計画", "plan"),
    "step_risks": ("懸念点", "risks"),
    "import_municipality": ("{code}: 追加 {added} 件、変更 {changed} 件", "{code}: {added} added, {changed} changed"),
    "import_rejected": ("読めずに取り込まなかった行: {rejected} 件 (読んだ行 {read} 件)",
                        "rows not imported (unreadable): {rejected} of {read} read"),
    "table_result": ("{name}: 入力 {rows_in:,} 件、出力 {rows_out:,} 件、除外 {rejected:,} 件",
                     "{name}: {rows_in:,} {rows_in:row|rows} in, {rows_out:,} written, {rejected:,} rejected"),
    "job_errors": ("エラー {errors:,}", "{errors:,} {errors:error|errors}"),
    "interrupted": ("中断しました。", "Interrupted."),
    "written": ("出力しました: {path}", "Wrote {path}"),
    "replaced": ("出力しました (既存のファイルを置き換え): {path}", "Wrote {path} (replaced the existing file)"),
    "show_values_warning": (
        "警告: --show-values が指定されたため、個人情報がマスクされずに出力されます。",
        "Warning: --show-values is set; personal data will be printed unmasked.",
    ),
}


_ROLES: dict[str, tuple[str, str]] = {
    "municipality": ("団体", "municipality"),
    "current_vendor": ("現行ベンダー", "current vendor"),
    "target_vendor": ("移行先ベンダー", "target vendor"),
}


def role_name(role: str, lang: Lang) -> str:
    """Who owns a task or a concern (``municipality``, ``current_vendor``, ``target_vendor``) for people."""
    pair = _ROLES.get(role)
    return role if pair is None else pair[0 if lang == "ja" else 1]


_STATUSES = {"完了": "done", "作業中": "in progress", "未着手": "not started", "対象外": "n/a"}


def status_name(status: str | None, lang: Lang) -> str:
    """A task's recorded status (stored as 完了/作業中/未着手/対象外) for people; the English words are ones
    ``plan progress`` reads back."""
    if not status:
        return ""
    return status if lang == "ja" else _STATUSES.get(status, status)


_SHEET_STATES_JA = {"hidden": "シートの再表示で表示できます", "veryHidden": "Excel の画面からは再表示できません"}


def sheet_state_ja(state: str) -> str:
    """A hidden sheet's state as openpyxl names it (``hidden``, ``veryHidden``) said in Japanese."""
    return _SHEET_STATES_JA.get(state, "非表示")


def plural(count: object, one: str, many: str) -> str:
    """The English word for ``count`` things: ``one`` when the count is 1 (``1``, ``1.0``, ``"1"``), else
    ``many`` (``0 rows``, ``2 rows``, ``1.5 days``). Japanese needs none: 件, 行 and 日 read the same for one
    and for many."""
    if isinstance(count, bool):
        return many
    if isinstance(count, int | float):
        return one if count == 1 else many
    try:
        return one if float(str(count).replace(",", "").strip()) == 1 else many
    except ValueError:
        return many


class _MessageFormatter(string.Formatter):
    """``str.format`` with one addition: a field whose format spec is ``one|many`` (``{rows:row|rows}``) gives
    :func:`plural` of its value, so a template says ``{rows} {rows:row|rows}`` and reads right for 1 and for
    many."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "|" in format_spec:
            one, _, many = format_spec.partition("|")
            return plural(value, one, many)
        return super().format_field(value, format_spec)


_FORMATTER = _MessageFormatter()


def fill(template: str, /, **params: object) -> str:
    """``template`` (a message of the catalogue, of the CLI or of a report) with ``params`` filled in, as
    ``str.format`` does, a ``{name:one|many}`` field giving the word for that count (:func:`plural`). Every
    message template is filled through here."""
    if "|" not in template:
        return template.format(**params)
    return _FORMATTER.vformat(template, (), params)


def t(key: str, lang: Lang, **params: object) -> str:
    """Return the CLI message ``key`` in ``lang`` with ``params`` filled in.

    A ``path`` parameter is shown relative to the working folder when it lies inside it (short lines that fit a
    terminal and can be pasted into the next command), else as given.
    """
    ja, en = _MESSAGES[key]
    if isinstance(params.get("path"), os.PathLike | str):
        params["path"] = shown_path(params["path"])  # type: ignore[arg-type]
    return fill(ja if lang == "ja" else en, **params)


SHOWN_CHARS = 40  # how much of a text read from an input a message echoes


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` as a message echoes it: its first ``limit`` characters and ``…`` when it is longer (a
    40,000-character cell is named in a few words; the message's location says where the whole is)."""
    return text if len(text) <= limit else text[:limit] + "…"


POSITION_MARK = "▶"
"""Put before the character an error points at in an excerpt of a long text (:func:`excerpt`)."""


def excerpt(text: str, pos: int, limit: int = SHOWN_CHARS) -> str:
    """``text`` as a message echoes it when pointing at its 0-based character ``pos`` (``len(text)``: its end).

    A text of at most ``limit`` characters is shown whole (the message's position counts from its start). A
    longer one is shown as a window that holds ``pos`` — more of what comes before it than after — with ``…``
    where cut and :data:`POSITION_MARK` before the character at ``pos``, at most ``limit`` characters in all:
    however long the text and wherever the error, the message shows the spot (:func:`shorten` would cut a long
    text at its start, where an error near the end is out of sight)."""
    if len(text) <= limit:
        return text
    pos = max(0, min(pos, len(text)))
    body = limit - 3  # the two ellipses and the mark
    start = max(0, min(pos - body * 2 // 3, len(text) - body))
    end = min(len(text), start + body)
    return ("…" if start else "") + text[start:pos] + POSITION_MARK + text[pos:end] + ("…" if end < len(text) else "")


def shown_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the working folder when it is inside it, else unchanged (a symbolic link is named
    as such, not by its target)."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def join_list(items: Iterable[object], lang: Lang) -> str:
    """``items`` as a list in ``lang``: joined with 、 in Japanese, with a comma and a space in English."""
    return ("、" if lang == "ja" else ", ").join(str(x) for x in items)


def _fold_name(text: str) -> str:
    """A name as it looks, for suggestions only (names are matched exactly): width, case and spaces folded, so
    氏名ｶﾅ is near 氏名カナ, not 氏名."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def did_you_mean(word: str, options: Iterable[str]) -> tuple[str, str]:
    """The suggestion a message ends with when ``word`` names nothing known: the option of ``options`` that looks
    closest to it, as `` (did you mean X?)`` and ``(X の誤りでは?)``; two empty strings when none is close."""
    folded: dict[str, str] = {}
    for option in options:
        folded.setdefault(_fold_name(option), option)
    close = difflib.get_close_matches(_fold_name(word), list(folded), n=1, cutoff=0.6)
    if not close:
        return "", ""
    name = folded[close[0]]
    return f" (did you mean {name}?)", f"({name} の誤りでは?)"


def in_lang(params: dict[str, object], lang: Lang) -> dict[str, object]:
    """A message's parameters as ``lang`` shows them: a list or tuple is joined as ``lang`` joins lists."""
    return {k: join_list(v, lang) if isinstance(v, (list, tuple)) else v for k, v in params.items()}
