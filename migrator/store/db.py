"""Connecting to the store and keeping its schema at the Alembic head.

The embedded default is a SQLite file ``.migrator/migrator.db`` in the working directory. ``MIGRATOR_DATABASE_URL``
(or ``--db``) selects another database. Any SQLite database (the default or a ``sqlite:///my.db`` the user names)
is embedded: created and upgraded on first use. A server database (PostgreSQL) is never upgraded behind the
user's back: ``migrator db upgrade`` does it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from migrator.errors import StoreError
from migrator.i18n import join_list

T = TypeVar("T")
MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_DIR = ".migrator"
DEFAULT_FILE = "migrator.db"


def default_url(cwd: Path | None = None) -> str:
    """The embedded SQLite default in ``cwd`` (the working directory when not given)."""
    base = (cwd or Path.cwd()) / DEFAULT_DIR / DEFAULT_FILE
    return f"sqlite:///{base}"


def normalize_url(url: str) -> str:
    """Accept the plain ``postgresql://`` form and use the psycopg 3 driver for it."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


@dataclass(frozen=True)
class StoreConfig:
    """Which database to use and whether it is the embedded default."""

    url: str
    embedded_default: bool

    @property
    def embedded(self) -> bool:
        """A SQLite database: a file (or memory) of the user's own, created and upgraded on first use."""
        return self.url.startswith("sqlite:")

    @classmethod
    def resolve(cls, url: str | None = None, *, cwd: Path | None = None) -> StoreConfig:
        """``url`` if given, else ``MIGRATOR_DATABASE_URL``, else the embedded SQLite default."""
        chosen = url or os.environ.get("MIGRATOR_DATABASE_URL") or None
        if chosen:
            return cls(url=normalize_url(chosen), embedded_default=False)
        return cls(url=default_url(cwd), embedded_default=True)


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for a server database or an in-memory one)."""
    url = normalize_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        return Path(url[len("sqlite:///"):].split("?", 1)[0])
    return None


CONNECT_TIMEOUT = 15  # seconds a database server has to accept a connection


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys switched on and its folder created."""
    url = normalize_url(url)
    if (file := sqlite_file(url)) is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    # A server that never answers (a dropped packet, a stalled proxy) must not hang a command: the connection
    # attempt gives up after CONNECT_TIMEOUT seconds unless the URL sets its own ?connect_timeout=.
    connect_args = {"connect_timeout": CONNECT_TIMEOUT} \
        if url.startswith("postgresql") and "connect_timeout=" not in url else {}
    try:
        # hide_parameters: a failed statement must never echo the row's values (personal data) in a message.
        engine = create_engine(url, future=True, hide_parameters=True, connect_args=connect_args)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"Invalid database URL {redact(url)}: {exc}",
                         f"データベースURLが不正です {redact(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(url: str) -> Config:
    """An Alembic configuration that works from any working directory and from an installed package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    if len(heads) != 1:
        raise StoreError(f"Migrations have {len(heads)} heads; expected one.", f"マイグレーションの head が {len(heads)} 個あります。")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DatabaseError as exc:
        if not _cannot_open(exc):
            raise
        raise _unreachable(engine.url.render_as_string(hide_password=True), exc) from exc


def _cannot_open(exc: DatabaseError) -> bool:
    """The database cannot be reached or opened: unreachable, or a file that is no SQLite database (not a
    statement that failed inside a reachable one, such as a constraint)."""
    return isinstance(exc, OperationalError) or "not a database" in str(exc.orig)


def _unreachable(url: str, exc: Exception) -> StoreError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(f"Cannot connect to the database {url}: {reason}",
                      f"データベース {url} に接続できません: {reason}")


def _no_revision(revision: str) -> StoreError:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = ["base", *reversed([r.revision for r in script.walk_revisions()]), "head"]
    return StoreError(f"No revision {revision!r} of the database schema; the revisions are: {join_list(known, 'en')}.",
                      f"データベースのリビジョン '{revision}' はありません。リビジョン: {join_list(known, 'ja')}。")


def _migrate(url: str, step: Callable[[Config, str], None], revision: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            step(cfg, revision)
        return current_revision(engine)
    except DatabaseError as exc:
        if not _cannot_open(exc):
            raise
        raise _unreachable(redact(url), exc) from exc
    except (CommandError, RevisionError) as exc:
        raise _no_revision(revision) from exc
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> str | None:
    """Upgrade the database at ``url`` to ``revision``; return the revision reached."""
    return _migrate(url, command.upgrade, revision)


def downgrade(url: str, revision: str, *, force: bool = False) -> str | None:
    """Downgrade the database at ``url`` to ``revision`` (``base`` removes every table).

    Nothing runs when the downgrade would lose data: values that no longer fit a shortened column always
    stop it, and dropped columns or tables that hold values stop it unless ``force``.

    Raises:
        StoreError: the downgrade would lose data (the message names the rows), or the database is unreachable.
    """
    from migrator.store.guards import downgrade_losses

    engine = make_engine(url)
    try:
        current = current_revision(engine)
        script = ScriptDirectory.from_config(alembic_config(url))
        try:
            undone = [r.revision for r in script.iterate_revisions(current, revision)] if current else []
        except (CommandError, RevisionError) as exc:
            raise _no_revision(revision) from exc
        with engine.connect() as conn:
            losses = downgrade_losses(conn, undone)
    except DatabaseError as exc:
        if not _cannot_open(exc):
            raise
        raise _unreachable(redact(url), exc) from exc
    finally:
        engine.dispose()
    blocking = [loss for loss in losses if loss.truncates or not force]
    if blocking:
        detail = "; ".join(loss.describe("en") for loss in blocking)
        detail_ja = "。".join(loss.describe("ja") for loss in blocking)
        hint = ("Shorten those values first." if all(loss.truncates for loss in blocking)
                else "Use --force to accept losing them." if not any(loss.truncates for loss in blocking)
                else "Shorten the values that would be cut first; use --force to accept losing the rest.")
        raise StoreError(f"The downgrade to {revision} would lose data; nothing was changed: {detail}. {hint}",
                         f"{revision} へのダウングレードではデータが失われるため、何も変更していません: {detail_ja}。"
                         + ("先に値を短くしてください。" if any(loss.truncates for loss in blocking)
                            else "失ってよい場合は --force を指定してください。"))
    return _migrate(url, command.downgrade, revision)


def _is_conflict(exc: BaseException | None) -> bool:
    """A failure that another transaction caused and that a new attempt can get past."""
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, OperationalError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return code in ("40001", "40P01") or "locked" in str(exc.orig) or "busy" in str(exc.orig)
    return False


@dataclass(frozen=True)
class StandIn:
    """What a temporary store of a dry run stands in for: the user's SQLite database and the revision it is at
    (None: no tables yet), which the real command would first upgrade to the head."""

    url: str
    revision: str | None


class Store:
    """An open database at the head revision, handing out sessions and transactions.

    ``stands_in_for``: this is a temporary upgraded copy of the user's outdated database, made for a dry run
    (see :func:`preview_store`); None for the user's database itself.
    """

    def __init__(self, engine: Engine, config: StoreConfig, stands_in_for: StandIn | None = None) -> None:
        self.engine = engine
        self.config = config
        self.stands_in_for = stands_in_for
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def check_writable(self) -> None:
        """Raise the StoreError of a SQLite store that cannot be written (see :func:`unwritable_store`)."""
        if (problem := unwritable_store(self.config.url)) is not None:
            raise problem

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end or rolled back entirely on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
            where = redact(self.config.url)
            raise StoreError(f"The database {where} refused the change; nothing was written to it: {reason}",
                             f"データベース {where} が変更を受け付けませんでした。データベースには何も書き込んでいません: "
                             f"{reason}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def run(self, work: Callable[[Session], T], *, attempts: int = 5) -> T:
        """Run ``work`` in one transaction; when a concurrent writer made it conflict (a natural key inserted
        meanwhile, a locked SQLite file, a serialization failure or deadlock), run it again from the start.

        Raises:
            StoreError: the database refused the change for another reason, or kept conflicting.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as session:
                    return work(session)
            except StoreError as exc:
                if attempt == attempts or not _is_conflict(exc.__cause__):
                    raise
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def missing_store(url: str) -> StoreError | None:
    """The error for a SQLite store whose file does not exist (a command that only reads does not create one:
    a mistyped --db path would otherwise show an empty store), else None."""
    path = sqlite_file(url)
    if path is None or path.exists():
        return None
    return StoreError(f"There is no store at {path}: nothing has been imported there (check --db or "
                      "MIGRATOR_DATABASE_URL). A command that only reads does not create one.",
                      f"{path} にストアがありません。まだ何も取り込まれていません(--db または MIGRATOR_DATABASE_URL を"
                      "確認してください)。読むだけのコマンドはストアを作りません。")


def unwritable_store(url: str) -> StoreError | None:
    """The error for a SQLite store that cannot be written (a read-only file, folder or file system), else None;
    a command whose work ends by saving to the store asks before the work, not after it."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        return None
    folder = path.parent
    try:
        read_only_fs = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        read_only_fs = False
    if read_only_fs:
        en, ja = "its file system is mounted read-only", "ファイルシステムが読み取り専用でマウントされています"
    elif not os.access(path, os.W_OK):
        en, ja = "the file is read-only for you", "ファイルに書き込み権限がありません"
    elif not os.access(folder, os.W_OK | os.X_OK):  # SQLite writes its journal beside the file
        en, ja = f"the folder {folder} is read-only for you", f"フォルダ {folder} に書き込み権限がありません"
    else:
        return None
    return StoreError(f"The database {path} cannot be written: {en}. Give a writable one with --db or "
                      "MIGRATOR_DATABASE_URL, or run with --no-store.",
                      f"データベース {path} に書き込めません: {ja}。--db または MIGRATOR_DATABASE_URL で書き込める"
                      "データベースを指定するか、--no-store を付けて実行してください。")


def open_store(url: str | None = None, *, cwd: Path | None = None, create: bool = True) -> Store:
    """Open the store at head: a SQLite database is created/upgraded; a server database must be current.

    ``create=False`` (a command that only reads): a SQLite file that does not exist is an error, not a new
    empty store.

    Raises:
        StoreError: the database is unreachable, or a non-default database is behind the head revision, or
            (``create=False``) there is no SQLite file.
    """
    config = StoreConfig.resolve(url, cwd=cwd)
    if not create and (missing := missing_store(config.url)) is not None:
        raise missing
    head = head_revision()
    if config.embedded:
        upgrade(config.url)
    engine = make_engine(config.url)
    current = current_revision(engine)
    if current != head:
        engine.dispose()
        where = redact(config.url)
        raise StoreError(
            f"The database {where} is at revision {current or 'empty'}, not {head}. Run 'migrator db upgrade'.",
            f"データベース {where} のリビジョンが {current or '未作成'} で最新 ({head}) ではありません。"
            "'migrator db upgrade' を実行してください。",
        )
    return Store(engine, config)


@contextmanager
def preview_store(url: str | None = None, *, cwd: Path | None = None) -> Iterator[Store]:
    """A store for a dry run, which works in it and rolls back: the user's database stays as it was, byte for
    byte, its schema revision included. Closed (and a temporary copy removed) at the end.

    - A SQLite file that does not exist yet: an empty store in a temporary folder (the dry run compares with
      "nothing imported" and leaves no database behind).
    - A SQLite database behind the head revision: the real command would upgrade it first, so the dry run
      works on an upgraded temporary copy (``Store.stands_in_for`` names the original and its revision)
      instead of upgrading the user's file.
    - Any other database, as :func:`open_store` opens it: a SQLite store at head, or a server database, which
      is never upgraded behind the user's back (one behind head is the same StoreError as for the real command).
    """
    config = StoreConfig.resolve(url, cwd=cwd)
    path = sqlite_file(config.url)
    revision: str | None = None
    if path is not None and path.exists():
        engine = make_engine(config.url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
        if revision == head_revision():
            path = None
    if path is None:
        store = open_store(config.url)
        try:
            yield store
        finally:
            store.close()
        return
    with tempfile.TemporaryDirectory(prefix="migrator-dry-run-") as folder:
        copy = Path(folder) / "preview.db"
        stand_in = None
        if path.exists():
            _copy_sqlite(path, copy)
            stand_in = StandIn(url=config.url, revision=revision)
        copy_url = f"sqlite:///{copy}"
        upgrade(copy_url)
        engine = make_engine(copy_url)
        store = Store(engine, StoreConfig(url=copy_url, embedded_default=False), stands_in_for=stand_in)
        try:
            yield store
        finally:
            store.close()


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database through SQLite's own backup, read-only on the source (a consistent copy even
    while another process writes to it, its journal or write-ahead log included)."""
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _unreachable(str(source), exc) from exc
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        except sqlite3.DatabaseError as exc:
            raise _unreachable(str(source), exc) from exc
        finally:
            dst.close()
    finally:
        src.close()
