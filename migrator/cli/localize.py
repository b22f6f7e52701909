"""The CLI's own texts in the chosen language: ``--help``, usage lines and usage errors.

The English help of each command and option is written next to it (its docstring, ``help=``); the Japanese
is in ``help_ja.yaml``, keyed by the command path and the parameter name. :func:`localize` turns every command
of the tree into one that renders its help in the language of the running command, which is known before
click reads any option: ``--lang`` is looked for among all the arguments first (so ``--help --lang ja`` and
``--lang ja --help`` both give Japanese), then ``MIGRATOR_LANG`` and the locale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import click
import yaml

from migrator.cli.common import app
from migrator.i18n import Lang, as_lang, default_lang, t

_HEADINGS_JA = {"Options": "オプション", "Commands": "コマンド", "Arguments": "引数"}


@cache
def help_ja() -> dict[str, dict[str, Any]]:
    """The Japanese help texts: command path → {"help": text, "params": {name: text}}."""
    raw = yaml.safe_load((resources.files("migrator") / "cli" / "help_ja.yaml").read_text(encoding="utf-8"))
    return {str(k): v or {} for k, v in raw.items()}


def _text(value: str) -> str:
    return value.replace("\\b", "\b")


def command_key(ctx: click.Context) -> str:
    """The key of ``ctx``'s command in ``help_ja.yaml``: its path without the program name."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def command_help(key: str) -> str | None:
    """The Japanese description of the command at ``key``."""
    value = help_ja().get(key, {}).get("help")
    return _text(value) if value else None


def param_help(key: str, name: str | None) -> str | None:
    """The Japanese help of option ``name`` of the command at ``key`` (or the shared one)."""
    own = (help_ja().get(key, {}).get("params") or {}).get(name)
    return own or (help_ja()["_common"].get("params") or {}).get(name)


def argv_lang(args: Sequence[str]) -> Lang | None:
    """The language a ``--lang`` anywhere in ``args`` names, if any."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and (lang := as_lang(args[i + 1])):
            return lang
        if arg.startswith("--lang=") and (lang := as_lang(arg.split("=", 1)[1])):
            return lang
    return None


def lang_of(ctx: click.Context | None) -> Lang:
    """The language of the running command (``default_lang`` outside one)."""
    return app(ctx).lang if ctx is not None else default_lang()


class LocalFormatter(click.HelpFormatter):
    """click's help formatter with the usage prefix, the section headings and the option extras translated."""

    lang: Lang = "en"

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if self.lang == "ja" and prefix is None:
            prefix = "使い方: "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS_JA.get(heading, heading) if self.lang == "ja" else heading)

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        if self.lang == "ja":
            rows = [(term, _extras_ja(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


def _extras_ja(text: str) -> str:
    text = re.sub(r"\[default: ([^\]]*)\]", r"[既定値: \1]", text)
    text = re.sub(r"\[default: ([^;\]]*); required\]", r"[既定値: \1; 必須]", text)
    return text.replace("[required]", "[必須]").replace("; required]", "; 必須]")


class LocalContext(click.Context):
    """A context whose help formatter speaks the running command's language."""

    def make_formatter(self) -> click.HelpFormatter:
        formatter = LocalFormatter(width=self.terminal_width, max_width=self.max_content_width)
        formatter.lang = lang_of(self)
        return formatter


@contextmanager
def _japanese(ctx: click.Context, command: click.Command) -> Iterator[None]:
    """Swap the English help of ``command``, its options and (for a group) its sub-commands for the Japanese
    while the help is written; the English is put back afterwards."""
    key = command_key(ctx)
    saved: list[tuple[Any, str, Any]] = []

    def swap(obj: Any, attr: str, value: str | None, *, always: bool = False) -> None:
        # A text missing from help_ja.yaml stays English, where tests/test_language.py finds it.
        if value is not None and (always or getattr(obj, attr) is not None):
            saved.append((obj, attr, getattr(obj, attr)))
            setattr(obj, attr, value)

    swap(command, "help", command_help(key))
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if isinstance(param, click.Option):
            swap(param, "help", param_help(key, "help" if param is help_option else param.name))
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            sub_help = command_help(f"{key} {name}".strip())
            swap(sub, "short_help", _first_paragraph(sub_help) if sub_help else None, always=True)
            swap(sub, "help", sub_help)

    try:
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n\n", 1)[0].replace("\n", "")


class LocalMixin:
    """Help in the running command's language; the root also reads ``--lang`` before any option."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if lang_of(ctx) != "ja":
            super().format_help(ctx, formatter)  # type: ignore[misc]
            return
        with _japanese(ctx, self):  # type: ignore[arg-type]
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None and (lang := argv_lang(args)) is not None:
            app(ctx).lang = lang
        return super().parse_args(ctx, args)  # type: ignore[misc]


class LocalCommand(LocalMixin, click.Command):
    """A command whose help follows the chosen language."""


class LocalGroup(LocalMixin, click.Group):
    """A group whose help (and its command list) follows the chosen language."""


def localize(command: click.Command) -> None:
    """Make ``command`` and every command below it render help and usage in the chosen language."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)
        if not isinstance(command, LocalGroup):
            command.__class__ = LocalGroup
    elif not isinstance(command, LocalCommand):
        command.__class__ = LocalCommand
    command.context_class = LocalContext


# ---- usage errors -------------------------------------------------------------------------------------------


def show_usage_error(exc: click.UsageError, lang: Lang) -> None:
    """Print a usage error in ``lang``: the usage line, how to get help and what is wrong."""
    if lang != "ja":
        exc.show()
        click.echo(t("usage_hint", lang), err=True)
        return
    ctx = exc.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(t("help_hint", lang, command=ctx.command_path), err=True)
    click.echo("エラー: " + usage_message_ja(exc), err=True)


def _param_name(param: click.Parameter | None, hint: str | None = None) -> str:
    if hint:
        return hint
    if param is None:
        return ""
    return param.human_readable_name if isinstance(param, click.Argument) else "/".join(param.opts)


def usage_message_ja(exc: click.UsageError) -> str:
    """The Japanese of a click usage error."""
    if isinstance(exc, click.NoSuchOption):
        tail = f" 候補: {', '.join(sorted(exc.possibilities))}" if exc.possibilities else ""
        return f"オプション {exc.option_name} はありません。{tail}"
    if isinstance(exc, click.BadOptionUsage):
        return f"オプション {exc.option_name} の指定が正しくありません (値が必要か、回数が合いません)。"
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        what = "引数" if isinstance(param, click.Argument) else "オプション"
        return (
            f"{what} {_param_name(param, exc.param_hint if isinstance(exc.param_hint, str) else None)} "
            "を指定してください。"
        )
    if isinstance(exc, click.BadParameter):
        name = _param_name(exc.param, exc.param_hint if isinstance(exc.param_hint, str) else None)
        if exc.param is not None and isinstance(exc.param.type, click.Choice):
            choices = ", ".join(str(c) for c in exc.param.type.choices)
            return f"{name} の値が正しくありません。選べる値: {choices}"
        detail = exc.message if _has_japanese(exc.message) else ""
        if not detail and (match := _PATH_PROBLEM.match(exc.message)):  # click.Path's checks: keep the path
            detail = f"{match.group(2)}: {_PATH_PROBLEM_JA[match.group(3)]}"
        return f"{name} の値が正しくありません。{detail}".strip()
    message = exc.message
    for pattern, template in _PLAIN_JA:
        if match := pattern.match(message):
            return template.format(*match.groups())
    return message if _has_japanese(message) else "コマンドの指定が正しくありません。"


_PATH_PROBLEM = re.compile(r"(File|Directory|Path) '(.*)' (does not exist|is not readable|is not writable|is a directory"
                           r"|is a file|is not executable)\.$", re.DOTALL)
_PATH_PROBLEM_JA = {"does not exist": "見つかりません。", "is not readable": "読み取り権限がありません。",
                    "is not writable": "書き込み権限がありません。", "is a directory": "フォルダです。ファイルを指定してください。",
                    "is a file": "ファイルです。フォルダを指定してください。", "is not executable": "実行権限がありません。"}
_PLAIN_JA = (
    (re.compile(r"No such command '(.*)'\."), "コマンド {0} はありません。"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "余分な引数があります: {0}"),
    (re.compile(r"Missing command\."), "コマンドを指定してください。"),
)


def _has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)
