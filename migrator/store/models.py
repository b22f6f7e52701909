"""SQLAlchemy models of what migrator records. Change them only together with a new Alembic migration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Municipality(Timestamped, Base):
    """A local government (団体), keyed by its 6-digit 全国地方公共団体コード."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    staff: Mapped[int | None] = mapped_column(Integer)
    """情報担当職員数: IT staff working on the migration at the same time (revision 0006)."""
    systems: Mapped[list[System]] = relationship(back_populates="municipality", cascade="all, delete-orphan")


class Vendor(Timestamped, Base):
    """A vendor; ``name_key`` is the name folded for width and 株式会社/(株) so that variants meet."""

    __tablename__ = "vendor"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    projects: Mapped[int | None] = mapped_column(Integer)
    cutovers_day: Mapped[int | None] = mapped_column(Integer)
    cutovers_weekend: Mapped[int | None] = mapped_column(Integer)
    cutovers_month: Mapped[int | None] = mapped_column(Integer)


class System(Timestamped, Base):
    """One business system of one municipality (natural key: 団体コード + 業務 + システム名)."""

    __tablename__ = "system"
    __table_args__ = (UniqueConstraint("municipality_id", "area_code", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    area_code: Mapped[str] = mapped_column(String(3))
    area_name: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    current_vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    target_vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    hosting: Mapped[str | None] = mapped_column(Text)
    contract_end: Mapped[dt.date | None] = mapped_column(Date)
    release_date: Mapped[dt.date | None] = mapped_column(Date)
    planned_date: Mapped[dt.date | None] = mapped_column(Date)
    record_count: Mapped[int | None] = mapped_column(Integer)
    special_support: Mapped[bool] = mapped_column(Boolean, default=False)
    special_deadline: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(500))
    cells: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))  # no cells: SQL NULL, not the JSON text null
    """The cell each field was read from (``planned_date`` → ``J5``) in the workbook of ``source``."""
    municipality: Mapped[Municipality] = relationship(back_populates="systems")
    current_vendor: Mapped[Vendor | None] = relationship(foreign_keys=[current_vendor_id])
    target_vendor: Mapped[Vendor | None] = relationship(foreign_keys=[target_vendor_id])


class Interface(Timestamped, Base):
    """A linkage (連携) between two systems; the ends are kept as written and resolved when possible."""

    __tablename__ = "interface"
    __table_args__ = (UniqueConstraint("municipality_id", "source_name", "target_name", "method"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    source_name: Mapped[str] = mapped_column(String(200))
    target_name: Mapped[str] = mapped_column(String(200))
    source_system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id", ondelete="SET NULL"))
    target_system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(String(500))
    cells: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))
    """The cell each field was read from (``source`` → ``B5``, ``target`` → ``C5``) in the sheet of ``origin``."""


class SchemaFile(Timestamped, Base):
    """A schema file that was checked or used, by id and content hash."""

    __tablename__ = "schema_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    schema_id: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    area_code: Mapped[str | None] = mapped_column(String(3))
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str | None] = mapped_column(String(50))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))


class MappingSet(Timestamped, Base):
    """A mapping workbook or YAML that was checked or run, by id and content hash."""

    __tablename__ = "mapping_set"
    id: Mapped[int] = mapped_column(primary_key=True)
    mapping_id: Mapped[str] = mapped_column(String(100), unique=True)
    standard_schema: Mapped[str] = mapped_column(String(100))
    standard_table: Mapped[str] = mapped_column(String(100))
    legacy_schema: Mapped[str | None] = mapped_column(String(100))
    legacy_table: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[str | None] = mapped_column(String(50))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))


class ValidationRun(Base):
    """One run of a mapping on extracts: counts, checksums and timings. Raw rows are never stored."""

    __tablename__ = "validation_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    mapping_id: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    rows_in: Mapped[int] = mapped_column(Integer, default=0)
    rows_out: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    exit_code: Mapped[int] = mapped_column(Integer, default=0)
    input_checksums: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The system the run migrates (for the risk register's data readiness); empty when the run was not linked.
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    area_code: Mapped[str | None] = mapped_column(String(3))
    system_name: Mapped[str | None] = mapped_column(String(200))
    findings: Mapped[list[FindingSummary]] = relationship(back_populates="run", cascade="all, delete-orphan")


class FindingSummary(Base):
    """Count of one finding code on one item in one run."""

    __tablename__ = "finding_summary"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("validation_run.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(10))
    item: Mapped[str | None] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(Integer)
    run: Mapped[ValidationRun] = relationship(back_populates="findings")


class Plan(Timestamped, Base):
    """A built migration plan of one scenario."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    scenario: Mapped[str] = mapped_column(String(100), unique=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    finish_date: Mapped[dt.date | None] = mapped_column(Date)
    makespan_days: Mapped[int | None] = mapped_column(Integer)
    lower_bound_days: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tasks: Mapped[list[PlanTask]] = relationship(back_populates="plan", cascade="all, delete-orphan")


class PlanTask(Base):
    """One task of a plan with its CPM figures and its scheduled and actual dates."""

    __tablename__ = "plan_task"
    __table_args__ = (UniqueConstraint("plan_id", "task_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    task_key: Mapped[str] = mapped_column(Text)
    """municipality/area/system/phase: longer than a system name, which may have 200 characters (revision 0008)."""
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    area_code: Mapped[str | None] = mapped_column(String(3))
    system_name: Mapped[str | None] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(100))
    owner: Mapped[str | None] = mapped_column(String(50))
    vendor: Mapped[str | None] = mapped_column(String(200))
    checkpoint: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_days: Mapped[int] = mapped_column(Integer)
    wave: Mapped[int | None] = mapped_column(Integer)
    early_start: Mapped[int | None] = mapped_column(Integer)
    early_finish: Mapped[int | None] = mapped_column(Integer)
    late_start: Mapped[int | None] = mapped_column(Integer)
    late_finish: Mapped[int | None] = mapped_column(Integer)
    total_float: Mapped[int | None] = mapped_column(Integer)
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    finish_date: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(20))
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    actual_finish: Mapped[dt.date | None] = mapped_column(Date)
    plan: Mapped[Plan] = relationship(back_populates="tasks")


class RiskSnapshot(Base):
    """One risk register as it was listed: its concerns as JSON, for ``migrator risk diff``."""

    __tablename__ = "risk_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    scenario: Mapped[str | None] = mapped_column(String(100))
    as_of: Mapped[dt.date] = mapped_column(Date)
    concerns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
