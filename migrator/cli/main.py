"""The ``migrator`` command: the root group and the one place that turns errors into exit codes."""

from __future__ import annotations

import errno
import signal
import sys
import traceback
from collections.abc import Sequence

import click

from migrator import __version__, limits
from migrator.cli.batch import batch_cmd
from migrator.cli.common import AppContext, app
from migrator.cli.db import db
from migrator.cli.demo import demo
from migrator.cli.inventory import inventory
from migrator.cli.localize import argv_lang, localize, show_usage_error
from migrator.cli.mapping import mapping
from migrator.cli.plan import plan
from migrator.cli.risk import risk
from migrator.cli.run import run_cmd
from migrator.cli.samples import samples
from migrator.cli.schema import schema
from migrator.errors import MigratorError
from migrator.i18n import LANGS, Lang, default_lang, t


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="migrator")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Language of messages and reports. Default: ja when LANG starts with 'ja', else en.")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.option("--db", "db_url", metavar="URL", default=None,
              help="Database URL (default: MIGRATOR_DATABASE_URL, else .migrator/migrator.db).")
@click.option("--limit", "limit_pairs", multiple=True, metavar="NAME=VALUE",
              help="Raise or lower a safety limit for this command (repeatable), e.g. xlsx_cells=5000000; "
              "see docs/limits-and-safety.md.")
@click.pass_context
def cli(ctx: click.Context, lang: Lang | None, debug: bool, db_url: str | None,
        limit_pairs: tuple[str, ...]) -> None:
    """migrator: checkable data migration and migration planning for 標準準拠システム.

    \b
    Example:
      migrator demo
    """
    existing = ctx.find_object(AppContext)
    if existing is None:
        ctx.obj = AppContext(lang=lang or default_lang(), debug=debug, db_url=db_url)
    else:
        existing.lang = lang or existing.lang
        existing.debug = debug or existing.debug
        existing.db_url = db_url or existing.db_url
    if limit_pairs:
        app_lang = app(ctx).lang
        pairs: dict[str, str] = {}
        for pair in limit_pairs:
            name, sep, value = pair.partition("=")
            if not sep:
                raise click.BadParameter(t("limit_pair", app_lang, pair=pair), param_hint="--limit")
            pairs[name] = value
        limits.install(limits.with_overrides(limits.from_environ(), pairs))


for group in (schema, mapping, inventory, plan, risk, db, demo, samples):
    cli.add_command(group)
mapping.add_command(run_cmd, "run")
cli.add_command(run_cmd, "validate")
cli.add_command(batch_cmd, "batch")
localize(cli)


def _argv_flag(argv: Sequence[str], flag: str) -> bool:
    return flag in argv


def _argv_lang(argv: Sequence[str]) -> Lang:
    return argv_lang(argv) or default_lang()


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code: 0 ok, 1 findings of severity error, 2 usage or input error."""
    args = list(sys.argv[1:] if argv is None else argv)
    obj = AppContext(lang=_argv_lang(args), debug=_argv_flag(args, "--debug"))
    previous = limits.install(None)
    try:
        return _run(args, obj)
    finally:
        limits.install(previous)


def _run(args: list[str], obj: AppContext) -> int:
    try:
        cli.main(args=args, prog_name="migrator", standalone_mode=False, obj=obj)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        show_usage_error(exc, obj.lang)
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code else 2
    except click.Abort:
        click.echo(t("interrupted", obj.lang), err=True)
        return 2
    except MigratorError as exc:
        return _refuse(exc, obj)
    except OSError as exc:
        # An operating-system error on a path is about the user's file or folder, not a bug of ours.
        if exc.filename is None:
            return _internal(exc, obj)
        return _refuse(limits.os_error(exc, writing=exc.errno in _WRITE_ERRNOS), obj)
    except Exception as exc:
        return _internal(exc, obj)
    return 0


def _internal(exc: Exception, obj: AppContext) -> int:
    """A bug of ours: say so, and how to see the traceback."""
    if obj.debug:
        traceback.print_exc()
    click.echo(t("internal_error", obj.lang, error=f"{type(exc).__name__}: {exc}"), err=True)
    return 2


_WRITE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EEXIST, errno.EDQUOT}


def _refuse(exc: MigratorError, obj: AppContext) -> int:
    if obj.debug:
        traceback.print_exc()
    click.echo(("エラー: " if obj.lang == "ja" else "Error: ") + exc.message(obj.lang), err=True)
    return exc.exit_code


def main() -> None:
    """Console-script entry point."""
    _terminate_as_interrupt()
    _tolerant_streams()
    sys.exit(run())


def _tolerant_streams() -> None:
    """Let every character reach stdout and stderr, whatever their encoding.

    Output redirected on Windows is written in the ANSI code page: CP1252 cannot hold Japanese at all (the
    item names of an English report included), CP932 not every name (𠮷 of 𠮷田.csv). Both ended a finished
    run with an internal UnicodeEncodeError. A stream that cannot hold Japanese is switched to UTF-8; any
    other keeps its encoding and writes a character beyond it as an escape (``\\U00020bb7``)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = getattr(stream, "encoding", None)
        if reconfigure is None or not encoding:
            continue
        try:
            "日本語のカナ".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure(encoding="utf-8", errors="backslashreplace")
        else:
            reconfigure(errors="backslashreplace")


def _terminate_as_interrupt() -> None:
    """Make SIGTERM (a CI job's timeout, ``kill``, a service stop) end a command as Ctrl-C does: the run
    removes what it wrote and says it was interrupted, instead of dying with its half-written files left."""
    def stop(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second one would cut the clean-up short
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM") and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, stop)
