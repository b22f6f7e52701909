"""Language selection for messages: Japanese or English.

Finding messages live in the findings catalogue; this module holds the handful of CLI-level messages
and the rule that picks the default language from the locale.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

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
    "interrupted": ("中断しました。", "Interrupted."),
    "written": ("出力しました: {path}", "Wrote {path}"),
    "replaced": ("出力しました (既存のファイルを置き換え): {path}", "Wrote {path} (replaced the existing file)"),
    "show_values_warning": (
        "警告: --show-values が指定されたため、個人情報がマスクされずに出力されます。",
        "Warning: --show-values is set; personal data will be printed unmasked.",
    ),
}


def t(key: str, lang: Lang, **params: object) -> str:
    """Return the CLI message ``key`` in ``lang`` with ``params`` filled in.

    A ``path`` parameter is shown relative to the working folder when it lies inside it (short lines that fit a
    terminal and can be pasted into the next command), else as given.
    """
    ja, en = _MESSAGES[key]
    if isinstance(params.get("path"), os.PathLike | str):
        params["path"] = shown_path(params["path"])  # type: ignore[arg-type]
    return (ja if lang == "ja" else en).format(**params)


def shown_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the working folder when it is inside it, else unchanged."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
