"""What every command shares: the application context, output options and rendering."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from migrator.i18n import LANGS, Lang, t
from migrator.limits import FileKind, check_input_file, check_output_path
from migrator.report import Report, render
from migrator.report.json_out import dumps
from migrator.report.text import table, terminal_width, wrap

if TYPE_CHECKING:
    from migrator.store import Store

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """Options of the root command, available to every sub-command."""

    lang: Lang
    debug: bool = False
    db_url: str | None = None

    def store(self, *, read_only: bool = False) -> Store:
        """Open the store (the embedded SQLite default unless --db or MIGRATOR_DATABASE_URL says otherwise);
        ``read_only``: a command that only reads, which does not create a SQLite file that is not there."""
        from migrator.store import open_store

        return open_store(self.db_url, create=not read_only)


class InputFile(click.ParamType):
    """A user's input file: a readable regular file within its size limit (see ``migrator.limits``).

    Unlike ``click.Path(exists=True)``, a FIFO, a device, a folder or a symlink loop is refused by its
    real nature, with the same located error the library gives.
    """

    name = "file"

    def __init__(self, kind: FileKind = "text") -> None:
        self.kind: FileKind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        return check_input_file(Path(value), self.kind)


class OutputPath(click.ParamType):
    """Where an output goes: a file (``-o``) or a folder (``--out``) we may write (see ``check_output_path``)."""

    name = "path"

    def __init__(self, *, folder: bool = False) -> None:
        self.folder = folder

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        return check_output_path(Path(value), folder=self.folder)


def app(ctx: click.Context | None = None) -> AppContext:
    """The application context of the running command."""
    ctx = ctx or click.get_current_context()
    obj = ctx.find_object(AppContext)
    if obj is None:  # a sub-command invoked on its own, as tests sometimes do
        from migrator.i18n import default_lang

        obj = AppContext(lang=default_lang())
        ctx.obj = obj
    return obj


def _set_lang(ctx: click.Context, _param: click.Parameter, value: Lang | None) -> Lang | None:
    # click.Choice(LANGS) lets only a language code through.
    if value is not None:
        app(ctx).lang = value
    return value


lang_option = click.option(
    "--lang", type=click.Choice(LANGS), default=None, expose_value=False, callback=_set_lang, is_eager=True,
    help="Language of messages and reports (ja|en); overrides the global --lang.",
)


def _use_schemas(ctx: click.Context, _param: click.Parameter, value: tuple[Path, ...]) -> tuple[Path, ...]:
    """Search the ``--schemas`` folders before those of MIGRATOR_SCHEMAS for the rest of the command (and the
    workers it starts), as the schema commands do; the setting is restored when the command ends."""
    if value:
        from migrator.bundled import SCHEMAS_ENV

        previous = os.environ.get(SCHEMAS_ENV)
        os.environ[SCHEMAS_ENV] = os.pathsep.join([*(str(p) for p in value), *([previous] if previous else [])])

        def restore() -> None:
            if previous is None:
                os.environ.pop(SCHEMAS_ENV, None)
            else:
                os.environ[SCHEMAS_ENV] = previous

        ctx.call_on_close(restore)
    return value


schemas_option = click.option(
    "--schemas", "schema_dirs", type=click.Path(exists=True, file_okay=False, path_type=Path), multiple=True,
    expose_value=False, callback=_use_schemas,
    help="A folder of your own schema files, searched before the bundled ones (repeatable; default: the folders "
         "of MIGRATOR_SCHEMAS).",
)


def output_options(func: F) -> F:
    """Add ``--format text|json`` and ``--lang`` to a command that reports."""
    func = click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
        help="Output format.",
    )(func)
    return lang_option(func)


def existing_files(*paths: Path | None) -> set[Path]:
    """The files that exist now at ``paths`` or inside those that are folders (to tell 'replaced' later).

    A symbolic link counts as itself, not as its target: an output replaces the link, never follows it.
    """
    found: set[Path] = set()
    for path in paths:
        if path is None:
            continue
        if path.is_dir():  # a folder, or a link to one (--out may be a link): the files in it
            found.update(_named(p) for p in path.iterdir() if p.is_file() or p.is_symlink())
        elif path.is_file() or path.is_symlink():
            found.add(_named(path))
    return found


def _named(path: Path) -> Path:
    """``path`` made absolute without following a symbolic link at its end (the file an output replaces)."""
    return Path(os.path.abspath(path))


def emit_report(report: Report, fmt: str, *, outputs: Sequence[Path] = (),
                replaced: Set[Path] = frozenset(), result: Sequence[str] = (), limit: int | None = None) -> None:
    """Print ``report`` in ``fmt``, then (text only) where any written files went and the ``result`` lines that
    end the command's output; exit with its code. ``limit`` caps the findings the text prints (with a count of
    the rest) for commands whose findings can run into thousands.

    ``replaced`` holds the files that existed before the command: those are said to be replaced, so an
    overwrite is never silent.
    """
    lang = app().lang
    click.echo(render(report, "json" if fmt == "json" else "text", lang, limit=limit), nl=False)
    if fmt != "json":
        for path in outputs:
            click.echo(t("replaced" if _named(path) in replaced else "written", lang, path=path))
        for line in result:
            for part in wrap(line, terminal_width()):
                click.echo(part)
    raise SystemExit(report.exit_code)


def emit_table(header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, *, data: Any = None) -> None:
    """Print rows as a table, or ``data`` (default: a list of header→value dicts) as JSON."""
    if fmt == "json":
        click.echo(dumps(data if data is not None else [dict(zip(header, r, strict=False)) for r in rows]), nl=False)
    else:
        click.echo(table(header, rows))
