"""The data store: SQLModel tables, the engine from a URL, and setting a database up.

Default: a SQLite file ``data/revitalization.db`` (WAL mode). Set ``DATABASE_URL`` (e.g.
``postgresql+psycopg://…``) to use PostgreSQL instead; everything else works the same.
A database is set up by one command before any server starts (``main``): ``init`` for an
office (the region registry and indicator system, no data), ``demo`` for the quick start.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Index, LargeBinary, event, func, make_url, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Field, Session, SQLModel, UniqueConstraint, create_engine, select

from revitalization.config import IndicatorSystem
from revitalization.paths import DATA_DIR
from revitalization.wording import DEMO

DEFAULT_DB_PATH = DATA_DIR / "revitalization.db"
STATUSES = ("reported", "imputed")
DEMO_SOURCE = DEMO


class Region(SQLModel, table=True):
    """A county-level unit (keyed by its 6-digit adcode)."""

    adcode: str = Field(primary_key=True, max_length=6)
    name: str
    short_name: str
    city_adcode: str = Field(max_length=6, index=True)
    city_name: str
    kind: str
    assessed: bool
    assessment_class: str = ""


class IndicatorRow(SQLModel, table=True):
    """Mirror of the indicator configuration, so observations reference known codes."""

    __tablename__ = "indicator"
    code: str = Field(primary_key=True, max_length=64)
    name: str
    group_code: str
    unit: str
    direction: str


class Observation(SQLModel, table=True):
    """One value of one indicator for one unit in one assessment year."""

    __table_args__ = (UniqueConstraint("adcode", "year", "indicator"),)
    id: int | None = Field(default=None, primary_key=True)
    adcode: str = Field(foreign_key="region.adcode", max_length=6, index=True)
    year: int = Field(index=True)
    indicator: str = Field(foreign_key="indicator.code", max_length=64)
    value: float
    status: str = "reported"
    source: str = ""


class City(SQLModel, table=True):
    """A city-level unit (市州), mirrored from the registry's city columns."""

    adcode: str = Field(primary_key=True, max_length=6)
    name: str
    short_name: str


class CityObservation(SQLModel, table=True):
    """One value of one city-level indicator (``city_tier.indicators``) for one 市州."""

    __tablename__ = "city_observation"
    __table_args__ = (UniqueConstraint("adcode", "year", "indicator"),)
    id: int | None = Field(default=None, primary_key=True)
    adcode: str = Field(foreign_key="city.adcode", max_length=6, index=True)
    year: int = Field(index=True)
    indicator: str = Field(foreign_key="indicator.code", max_length=64)
    value: float
    source: str = ""


class DepartmentDuty(SQLModel, table=True):
    """The office's record of one department's responsibility in one year (部门责任)."""

    __tablename__ = "department_duty"
    __table_args__ = (UniqueConstraint("department", "year", "duty"),)
    id: int | None = Field(default=None, primary_key=True)
    department: str = Field(max_length=32, index=True)  # config ``departments`` code
    year: int = Field(index=True)
    duty: str = Field(max_length=32)  # config ``department_duties`` code
    status: str
    evidence: str = ""
    updated_by: str = ""
    updated_at: str = ""
    version: int = 1


class SupportRelation(SQLModel, table=True):
    """A supporter of a county (社会动员): a 省直定点帮扶 unit or a 省内区域协作 partner, with
    the years it covers, its projects and funds."""

    __tablename__ = "support_relation"
    # one live record per county, kind, supporter and start year (an import twice adds nothing)
    __table_args__ = (Index("uq_support_live", "adcode", "kind", "supporter", "start_year",
                            unique=True, sqlite_where=text("NOT deleted"),
                            postgresql_where=text("NOT deleted")),)
    id: int | None = Field(default=None, primary_key=True)
    adcode: str = Field(foreign_key="region.adcode", max_length=6, index=True)
    kind: str  # 定点帮扶 / 区域协作
    supporter: str = Field(max_length=100)
    start_year: int
    end_year: int | None = None  # None: ongoing
    projects: str = ""
    funds: float | None = None  # 万元, over the years covered
    version: int = 1
    deleted: bool = False
    updated_by: str = ""
    updated_at: str = ""


class Meta(SQLModel, table=True):
    """Key/value facts about the dataset (is it demo data, when it was seeded…)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


class Publication(SQLModel, table=True):
    """A year's results published (frozen); a correction is a new revision, never an edit."""

    __table_args__ = (UniqueConstraint("year", "revision"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    revision: int = 1
    fingerprint: str = Field(max_length=64)  # method fingerprint of the frozen result
    published_at: str
    published_by: str
    reason: str = ""  # required for a revision > 1


class PublishedResult(SQLModel, table=True):
    """One unit's frozen result in one publication (JSON: score row and indicator detail)."""

    __tablename__ = "published_result"
    publication_id: int = Field(foreign_key="publication.id", primary_key=True)
    adcode: str = Field(foreign_key="region.adcode", primary_key=True, max_length=6)
    payload: str


class PublishedCityValue(SQLModel, table=True):
    """A city-level indicator value as it stood when its year was published: the 市州 tier of a
    published year is computed from these (with the frozen county results), so a later
    correction shows only after a new revision."""

    __tablename__ = "published_city_value"
    publication_id: int = Field(foreign_key="publication.id", primary_key=True)
    adcode: str = Field(foreign_key="city.adcode", primary_key=True, max_length=6)
    indicator: str = Field(primary_key=True, max_length=64)
    value: float


class AuditLog(SQLModel, table=True):
    """Who changed what and when, with the record before and after (JSON). Append-only."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(index=True)  # ISO time, UTC
    user: str
    entity: str = Field(max_length=64, index=True)  # table name, e.g. "county_note"
    entity_id: str = Field(max_length=64)
    action: str = Field(max_length=32)  # create / update / delete / restore …
    before: str = ""
    after: str = ""


class AccessLog(SQLModel, table=True):
    """Who logged in or out, failed to, or took a file away (reads: kept apart from the audit
    trail, so they never count as writes that make other servers drop their caches)."""

    __tablename__ = "access_log"
    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(index=True)  # ISO time, UTC
    user: str = Field(max_length=200, index=True)
    action: str = Field(max_length=32)  # login / login_failed / logout / download
    detail: str = ""


class LoginThrottle(SQLModel, table=True):
    """Failed log-ins of one account from one source (address): the lock is per account and
    source, so nobody elsewhere can lock an account out by guessing."""

    __tablename__ = "login_throttle"
    username: str = Field(primary_key=True, max_length=64)
    source: str = Field(primary_key=True, max_length=80)
    failures: int = 0
    locked_until: str = ""  # ISO time; this source's log-ins to this account refused until then


class LoginSession(SQLModel, table=True):
    """A log-in, bound to the browser's cookie: only the token's SHA-256 is kept
    (``revitalization.sessions``)."""

    __tablename__ = "login_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    username: str = Field(max_length=64, index=True)
    created_at: str  # ISO time, UTC
    last_seen: str
    ended_at: str = ""  # log-out, expiry, account disabled or password set anew
    source: str = ""


class CountyNote(SQLModel, table=True):
    """A staff note on a county-year (e.g. "2024 年洪灾影响生态得分"); deletion is soft."""

    __tablename__ = "county_note"
    id: int | None = Field(default=None, primary_key=True)
    adcode: str = Field(foreign_key="region.adcode", max_length=6, index=True)
    year: int = Field(index=True)
    text: str
    author: str
    created_at: str
    deleted: bool = False


class Interview(SQLModel, table=True):
    """A 约谈 of a county flagged in an assessment year, from opening to 销号."""

    __table_args__ = (  # at most one live (not deleted) record per unit and year
        Index("uq_interview_live", "adcode", "year", unique=True,
              sqlite_where=text("deleted = 0"), postgresql_where=text("NOT deleted")),
    )
    id: int | None = Field(default=None, primary_key=True)
    adcode: str = Field(foreign_key="region.adcode", max_length=6, index=True)
    year: int = Field(index=True)  # the assessment year whose result triggered it
    status: str = "待约谈"
    interview_date: str = ""  # ISO date once held
    level: str = ""  # 省 / 市
    interviewees: str = ""  # 党委书记、县长 …
    issues: str = "[]"  # JSON list of the issues raised
    version: int = 1  # optimistic concurrency: every save must name the version it read
    deleted: bool = False
    created_by: str = ""
    created_at: str = ""
    updated_at: str = ""


class CaseTask(SQLModel):
    """The columns every case kind's task table has (``cases.CaseKind.task_model``): who does
    what by when, done or not; each table adds the key of its case."""

    id: int | None = Field(default=None, primary_key=True)
    description: str
    owner: str
    deadline: str  # ISO date
    done: bool = False
    done_at: str = ""
    deleted: bool = False


class RectificationTask(CaseTask, table=True):
    """A rectification task set at an interview."""

    __tablename__ = "rectification_task"
    interview_id: int = Field(foreign_key="interview.id", index=True)


class InspectionRound(SQLModel, table=True):
    """An annual inspection (督查) round: its year, name and the teams with the units they cover."""

    __tablename__ = "inspection_round"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    name: str
    teams: str = ""  # one team per line: 第一组：武汉市、鄂州市 …
    created_by: str = ""
    created_at: str = ""


class InspectionFinding(SQLModel, table=True):
    """A finding of an inspection round about one county, tracked to 销号 like a 约谈 (the case
    core), and possibly escalated into a 约谈 record (``interview_id``)."""

    __tablename__ = "inspection_finding"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="inspection_round.id", index=True)
    adcode: str = Field(foreign_key="region.adcode", max_length=6, index=True)
    category: str
    description: str
    evidence: str = ""
    severity: str = "一般"
    responsibility: str = ""  # one of the 15 responsibilities (code), or ""
    status: str = "已发现"
    interview_id: int | None = Field(default=None, foreign_key="interview.id")
    version: int = 1
    deleted: bool = False
    created_by: str = ""
    created_at: str = ""
    updated_at: str = ""


class FindingTask(CaseTask, table=True):
    """A rectification task on an inspection finding."""

    __tablename__ = "finding_task"
    finding_id: int = Field(foreign_key="inspection_finding.id", index=True)


class ReportRound(SQLModel, table=True):
    """The year's 报告制度 round: every assessed county and every 市州 owes a progress report
    by the deadline."""

    __tablename__ = "report_round"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    deadline: str  # ISO date
    opened_by: str = ""
    opened_at: str = ""


class AnnualReport(SQLModel, table=True):
    """One unit's submitted report of a year (the latest file; every submission is audited)."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("year", "unit"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    unit: str = Field(max_length=6, index=True)  # a county's or a 市州's adcode
    status: str = "已报送"  # 已报送 / 退回补充
    file_name: str = ""
    content_type: str = ""
    size: int = 0
    content: bytes = Field(default=b"", sa_type=LargeBinary)
    submitted_by: str = ""
    submitted_at: str = ""
    returned_reason: str = ""
    version: int = 1


class AnnualReportFile(SQLModel, table=True):
    """Every file a unit submitted for a year's report, kept (the report row holds the latest):
    what the province returned can still be read beside what came back."""

    __tablename__ = "annual_report_file"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="annual_report.id", index=True)
    version: int  # the report's version this submission made
    file_name: str
    content_type: str
    size: int
    content: bytes = Field(default=b"", sa_type=LargeBinary)
    submitted_by: str = ""
    submitted_at: str = ""


class ReportFollowup(SQLModel, table=True):
    """A matter the province (or the 市州, for its counties) raises on a unit's annual report
    (a claim to verify, a gap to close), tracked to 办结 on the case core like a 约谈."""

    __tablename__ = "report_followup"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="annual_report.id", index=True)
    year: int = Field(index=True)
    adcode: str = Field(max_length=6, index=True)  # the reporting unit: a county or a 市州
    matter: str  # what is to be followed up
    status: str = "待落实"
    version: int = 1
    deleted: bool = False
    created_by: str = ""
    created_at: str = ""
    updated_at: str = ""


class FollowupTask(CaseTask, table=True):
    """A task on a report follow-up."""

    __tablename__ = "followup_task"
    followup_id: int = Field(foreign_key="report_followup.id", index=True)


class DataRound(SQLModel, table=True):
    """The annual data round (年度填报) of one assessment year: opened by the province with a
    deadline; the counties fill in, their 市州 review, the province accepts."""

    __tablename__ = "data_round"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    deadline: str  # ISO date
    status: str = "open"  # open / closed
    opened_by: str = ""
    opened_at: str = ""
    closed_at: str = ""


class Submission(SQLModel, table=True):
    """One county's submission in a round: its values, its state and the review comments."""

    __table_args__ = (UniqueConstraint("round_id", "adcode"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="data_round.id", index=True)
    adcode: str = Field(foreign_key="region.adcode", max_length=6, index=True)
    state: str = "未填报"  # 未填报 → 草稿 → 已提交 → 市州已审 → 省级已确认 (退回修改 → 草稿)
    values: str = "{}"  # JSON {indicator: number}
    explanations: str = "{}"  # JSON {indicator: the county's note on a value}
    comments: str = "[]"  # JSON [{at, by, indicator, text, kind}] — review comments, returns
    version: int = 1  # optimistic concurrency, as for interviews
    updated_at: str = ""
    updated_by: str = ""
    batch_id: int | None = None  # the import batch that wrote the accepted values


class CorrectionRequest(SQLModel, table=True):
    """A county's request to correct its values of a year outside any open data round (更正申请):
    filed by its clerk, reviewed by its 市州, confirmed by the province, which writes it as one
    import batch (``revitalization.corrections``)."""

    __tablename__ = "correction_request"
    id: int | None = Field(default=None, primary_key=True)
    adcode: str = Field(foreign_key="region.adcode", max_length=6, index=True)
    year: int = Field(index=True)
    values: str = "{}"  # JSON {indicator: the value asked for}
    previous: str = "{}"  # JSON {indicator: the stored value when filed, null for none}
    reason: str
    state: str = "已提交"  # 已提交 → 市州已审 → 省级已确认; 已退回 (with the reviewer's note)
    note: str = ""  # the reviewer's note (required when returned)
    version: int = 1
    created_by: str = ""
    created_at: str = ""
    updated_by: str = ""
    updated_at: str = ""
    batch_id: int | None = None  # the import batch that wrote the confirmed values


class ImportBatch(SQLModel, table=True):
    """One committed import (or manual edit): what file, who, when, how many values."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    file_hash: str = Field(max_length=64, index=True)
    user: str
    at: str
    rows_new: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    published_years: str = ""  # years already published that this batch corrects
    reason: str = ""
    rolled_back_at: str = ""


class ObservationChange(SQLModel, table=True):
    """A value a batch wrote, with the value it replaced (None = new), for rollback."""

    __tablename__ = "observation_change"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    adcode: str = Field(max_length=6)
    year: int
    indicator: str = Field(max_length=64)
    old_value: float | None = None
    new_value: float


class MethodVersion(SQLModel, table=True):
    """A saved edit of the indicator system (weights, goalposts, gate thresholds), kept
    forever; the latest applies on top of ``data/indicators.yaml``."""

    __tablename__ = "method_version"
    id: int | None = Field(default=None, primary_key=True)
    at: str
    user: str
    note: str
    overrides: str  # JSON, see config.apply_overrides
    fingerprint: str = Field(max_length=64)


class Account(SQLModel, table=True):
    """A local log-in account; the password is stored only as an scrypt hash."""

    username: str = Field(primary_key=True, max_length=64)
    display: str
    role: str = Field(max_length=32)
    scope: str = Field(default="", max_length=6)
    password_hash: str
    created_at: str
    disabled: bool = False
    failures: int = 0  # consecutive failed log-ins
    locked_until: str = ""  # ISO time; log-in refused until then


def database_url() -> str:
    """``DATABASE_URL`` (environment or secrets.toml), else the SQLite file under ``data/``."""
    from revitalization.settings import setting

    return setting("DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def _private_file(path: str | None) -> None:
    """Create a new SQLite file readable by its owner only (it holds password hashes); SQLite
    gives its -wal and -shm files the same permissions."""
    if not path or path == ":memory:" or os.path.exists(path):
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def make_engine(url: str | None = None) -> Engine:
    """Build an engine; SQLite gets WAL journaling and enforced foreign keys."""
    url = url or database_url()
    if url.startswith("sqlite"):
        _private_file(make_url(url).database)
        # wait up to 30 s for another write (a large import holds the lock for seconds)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def report_bytes_once(conn: Connection) -> None:
    """A report's bytes live in its file rows only (stores written before kept each latest file
    twice): a report without a file row gets one, then the report rows' copies are emptied."""
    with Session(bind=conn) as session:
        filed = select(AnnualReportFile.report_id)
        for record in session.exec(select(AnnualReport).where(
                AnnualReport.content != b"", AnnualReport.id.not_in(filed))).all():
            session.add(AnnualReportFile(report_id=record.id, version=record.version,
                                         file_name=record.file_name, content_type=record.content_type,
                                         size=record.size, content=record.content,
                                         submitted_by=record.submitted_by, submitted_at=record.submitted_at))
        session.flush()
        session.execute(update(AnnualReport).where(AnnualReport.content != b"").values(content=b""))
        session.commit()


def has_observations(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Observation)).one() > 0


def sync_reference(engine: Engine, regions: pd.DataFrame, config: IndicatorSystem) -> None:
    """Upsert the region registry and the indicator mirror from their files.

    The files (``data/regions.csv``, ``data/indicators.yaml``) stay the source of truth;
    the tables exist so observations reference known units and indicators.
    """
    with Session(engine) as session:
        for r in regions.to_dict("records"):
            session.merge(Region(**{c: r[c] for c in Region.model_fields}))
        for i in (*config.indicators, *config.city.indicators):
            session.merge(IndicatorRow(code=i.code, name=i.name, group_code=i.group,
                                       unit=i.unit, direction=i.direction))
        cities = regions.drop_duplicates("city_adcode")
        for adcode, name, short in zip(cities["city_adcode"], cities["city_name"],
                                       cities["city_short_name"], strict=True):
            session.merge(City(adcode=adcode, name=name, short_name=short))
        session.commit()


def insert_observations(engine: Engine, observations: pd.DataFrame, *, source: str) -> None:
    """Bulk-insert a long frame (adcode, year, indicator, value) in one transaction."""
    obs = observations[["adcode", "year", "indicator", "value"]].copy()
    obs["year"] = obs["year"].astype(int)
    obs["status"] = "reported"
    obs["source"] = source
    with engine.begin() as conn:
        conn.execute(Observation.__table__.insert(), obs.to_dict("records"))


def set_meta(engine: Engine, **values: str) -> None:
    with Session(engine) as session:
        for key, value in values.items():
            session.merge(Meta(key=key, value=value))
        session.commit()


class StoreError(RuntimeError):
    """The database cannot be used as it is (not initialised, an older schema, demo data asked
    for in an office's database); the message says why and what to run, in Chinese."""


def shown_url(url: str) -> str:
    """The database's address as an operator may see it: never the password."""
    return make_url(url).render_as_string(hide_password=True)


def setup(engine: Engine, config: IndicatorSystem, regions: pd.DataFrame) -> None:
    """Create or upgrade the schema and sync the region registry and indicator mirror from their
    files, once at a time (``schema.exclusive``); no observation is written. A database set up
    here and never given the demo is an office's (``meta.demo = "false"``)."""
    from revitalization import schema

    with schema.exclusive(engine):
        schema.upgrade(engine)
        sync_reference(engine, regions, config)
        if "demo" not in read_meta(engine):
            set_meta(engine, demo="false", initialized_at=datetime.now(UTC).isoformat(timespec="seconds"))


def load_demo(engine: Engine, config: IndicatorSystem, regions: pd.DataFrame) -> None:
    """``setup``, then the demo dataset into an empty database (the quick start). An office's
    database (set up without the demo) is refused, whatever it holds."""
    from revitalization import demo, schema  # local: the generator is only needed here

    with schema.exclusive(engine):
        schema.upgrade(engine)
        sync_reference(engine, regions, config)
        meta = read_meta(engine)
        if meta.get("demo") == "false":
            raise StoreError("这是正式数据库（用 init 建立），不载入示例数据。示例数据请用另一个数据库"
                             "（不设置 DATABASE_URL 时为 data/revitalization.db）")
        if has_observations(engine):  # the demo, seeded before: top up what later releases added
            if read_city_observations(engine).empty:
                insert_city_observations(engine, demo.generate_cities(regions, config), source=DEMO_SOURCE)
            _seed_support(engine, demo.generate_support(regions, config))
            return
        insert_observations(engine, demo.generate(regions, config), source=DEMO_SOURCE)
        insert_city_observations(engine, demo.generate_cities(regions, config), source=DEMO_SOURCE)
        _seed_support(engine, demo.generate_support(regions, config))
        set_meta(engine, demo="true", demo_seed=str(demo.SEED),
                 seeded_at=datetime.now(UTC).isoformat(timespec="seconds"))


def open_store(engine: Engine, config: IndicatorSystem, regions: pd.DataFrame) -> None:
    """What a server does with its database at start: refuse one that is not set up or not at
    this program's schema (saying which command to run), and bring the region registry and
    indicator mirror up to their files when these were edited (under the lock)."""
    from revitalization import schema

    where = shown_url(str(engine.url))
    revision = schema.current(engine)
    if revision is None:
        if schema.has_tables(engine):
            raise StoreError(f"数据库 {where} 由旧版本程序建立，需要升级：请停止所有服务进程、备份数据库，"
                             f"再运行 {INIT_COMMAND} 升级后重新启动")
        raise StoreError(f"数据库 {where} 尚未初始化：正式使用请运行 {INIT_COMMAND}（只建立区划名录和指标体系，"
                         f"不含任何数据），试用请运行 {DEMO_COMMAND}（载入示例数据）")
    if revision != schema.head():
        raise StoreError(f"数据库 {where} 的结构版本为 {revision}，本程序需要 {schema.head()}：请停止所有服务进程、"
                         f"备份数据库，再运行 {INIT_COMMAND} 升级后重新启动")
    if reference_differs(engine, regions, config):
        with schema.exclusive(engine):
            sync_reference(engine, regions, config)


INIT_COMMAND = "python -m revitalization.store init"
DEMO_COMMAND = "python -m revitalization.store demo"


def reference_differs(engine: Engine, regions: pd.DataFrame, config: IndicatorSystem) -> bool:
    """Whether the region and indicator tables differ from ``regions.csv`` / ``indicators.yaml``."""
    with Session(engine) as session:
        stored = {r.adcode: r.model_dump() for r in session.exec(select(Region))}
        indicators = {i.code: i.model_dump() for i in session.exec(select(IndicatorRow))}
        cities = {c.adcode: c.model_dump() for c in session.exec(select(City))}
    wanted = {r["adcode"]: {c: r[c] for c in Region.model_fields} for r in regions.to_dict("records")}
    if any(stored.get(code) != row for code, row in wanted.items()):
        return True
    if any(indicators.get(i.code) != {"code": i.code, "name": i.name, "group_code": i.group,
                                      "unit": i.unit, "direction": i.direction}
           for i in (*config.indicators, *config.city.indicators)):
        return True
    unique = regions.drop_duplicates("city_adcode")
    return any(cities.get(a) != {"adcode": a, "name": n, "short_name": s}
               for a, n, s in zip(unique["city_adcode"], unique["city_name"], unique["city_short_name"],
                                  strict=True))


def _seed_support(engine: Engine, records: pd.DataFrame) -> None:
    """The demo's support records, once (a store that has any keeps its own)."""
    with Session(engine) as session:
        if session.exec(select(SupportRelation.id)).first() is not None:
            return
        for r in records.to_dict("records"):
            session.add(SupportRelation(**{k: (None if v != v else v) for k, v in r.items()},
                                        updated_by=DEMO_SOURCE))
        session.commit()


def insert_city_observations(engine: Engine, observations: pd.DataFrame, *, source: str) -> None:
    """Bulk-insert city-level values (adcode of the 市州, year, indicator, value)."""
    if observations.empty:
        return
    obs = observations[["adcode", "year", "indicator", "value"]].copy()
    obs["year"] = obs["year"].astype(int)
    obs["source"] = source
    with engine.begin() as conn:
        conn.execute(CityObservation.__table__.insert(), obs.to_dict("records"))


def read_city_observations(engine: Engine) -> pd.DataFrame:
    """All city-level values as a long frame: adcode, year, indicator, value, source."""
    with engine.connect() as conn:
        frame = pd.read_sql(select(CityObservation.adcode, CityObservation.year,
                                   CityObservation.indicator, CityObservation.value,
                                   CityObservation.source), conn)
    return frame.astype({"adcode": str, "year": int, "indicator": str, "value": float})


def read_observations(engine: Engine) -> pd.DataFrame:
    """All observations as a long frame: adcode, year, indicator, value, status, source."""
    query = select(Observation.adcode, Observation.year, Observation.indicator,
                   Observation.value, Observation.status, Observation.source)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame["adcode"] = frame["adcode"].astype(str)
    frame["year"] = frame["year"].astype(int)
    return frame.sort_values(["adcode", "year", "indicator"]).reset_index(drop=True)


def write_version(engine: Engine) -> int:
    """A number that grows with every write by any process: the newest audit row (every
    write appends one in its own transaction). Cheap enough to read on every rerun."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(AuditLog.id))).scalar() or 0)


def read_meta(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return {m.key: m.value for m in session.exec(select(Meta))}


def status(engine: Engine) -> list[str]:
    """What an operator needs to know about the database, one line each (``status``)."""
    from revitalization import schema

    lines = [f"数据库：{shown_url(str(engine.url))}"]
    if not schema.has_tables(engine):
        return [*lines, "状态：空数据库，尚未初始化"]
    revision = schema.current(engine)
    lines.append(f"结构版本：{revision or '旧版本（未记录）'}" + ("" if revision == schema.head()
                                                            else f"，本程序需要 {schema.head()}"))
    meta = read_meta(engine)
    lines.append("数据：" + {"true": "示例数据（仅供演示）", "false": "正式数据"}.get(meta.get("demo", ""), "未知"))
    with Session(engine) as session:
        years = session.exec(select(func.min(Observation.year), func.max(Observation.year),
                                    func.count())).one()
        admins = session.exec(select(func.count()).select_from(Account).where(
            Account.role == "province_admin", Account.disabled == False)).one()  # noqa: E712
    lines.append(f"观测值：{years[2]:,} 条" + (f"（{years[0]}–{years[1]} 年）" if years[2] else "（尚未导入）"))
    lines.append(f"可用的省级管理员账号：{admins} 个")
    return lines


def next_steps(engine: Engine) -> list[str]:
    """What an office's database still needs before its first log-in (after ``init``)."""
    from revitalization.accounts import check_login
    from revitalization.settings import SettingsError

    steps = []
    try:
        check_login(demo_database=False)
    except SettingsError:
        steps.append("启用登录：环境变量 REVITALIZATION_AUTH=local，或 secrets.toml 中 login_mode = \"local\"")
    with Session(engine) as session:
        if session.exec(select(Account.username).where(Account.role == "province_admin")).first() is None:
            steps.append("创建第一个省级管理员：python -m revitalization.accounts create-admin --username admin")
    if not has_observations(engine):
        steps.append("启动看板后以省级管理员登录，在“数据管理”导入考核数据，或在“年度填报”发起填报")
    return steps


def main(argv: list[str] | None = None) -> int:
    """``python -m revitalization.store init | demo | check | status``."""
    import argparse
    import sys

    from revitalization import schema
    from revitalization.accounts import check_login
    from revitalization.config import ConfigError, load_config
    from revitalization.regions import RegionError, load_regions
    from revitalization.settings import SettingsError, secrets_warning

    parser = argparse.ArgumentParser(prog="python -m revitalization.store",
                                     description="建立、升级和检查 DATABASE_URL 指向的数据库")
    parser.add_argument("command", choices=["init", "demo", "check", "status"],
                        help="init 建立或升级数据库（正式使用，不含数据；可重复执行）；demo 建立并载入示例数据；"
                             "check 检查数据库和登录设置能否启动看板；status 显示数据库概况")
    args = parser.parse_args(argv)
    try:
        engine = make_engine()
    except SettingsError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        if warning := secrets_warning():
            print(f"警告：{warning}", file=sys.stderr)
        if args.command == "status":
            print("\n".join(status(engine)))
            return 0
        config, regions = load_config(), load_regions()
        if args.command == "init":
            setup(engine, config, regions)
            print(f"已初始化：{shown_url(str(engine.url))}（结构版本 {schema.current(engine)}）")
            for step in next_steps(engine):
                print(f"下一步：{step}")
            return 0
        if args.command == "demo":
            load_demo(engine, config, regions)
            print(f"示例数据已就绪：{shown_url(str(engine.url))}")
        open_store(engine, config, regions)
        # the check the app makes on every page: refuse before the server starts
        check_login(demo_database=read_meta(engine).get("demo") == "true")
    except (StoreError, SettingsError, ConfigError, RegionError) as exc:
        print(f"看板不能启动：{exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"无法连接数据库 {shown_url(str(engine.url))}：{str(exc.orig).strip()[:300]}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    import sys

    # Run as ``python -m revitalization.store``: modules imported from here (the log-in check)
    # must see these very tables, not a second copy of this module.
    sys.modules.setdefault("revitalization.store", sys.modules["__main__"])
    sys.exit(main())
