"""The briefing's 版头 and 版记, set once in the app and remembered (in the store's meta table):
the briefing's name, the issuing unit, the issue number (期号) and the distribution lines
(报送 / 抄送). Changing them is an audited write of the office (省级管理员)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy.engine import Engine
from sqlmodel import Session

from revitalization.access import Actor, require
from revitalization.audit import audit
from revitalization.store import Meta, read_meta

LABELS = {"name": "简报名称", "unit": "编发单位", "issue": "期号", "send_to": "报送",
          "copy_to": "抄送"}
LIMITS = {"name": 20, "unit": 40, "issue": 20, "send_to": 200, "copy_to": 200}


@dataclass(frozen=True)
class BriefingHead:
    name: str = "乡村振兴工作简报"
    unit: str = "湖北省乡村振兴工作领导小组办公室"
    issue: str = ""  # e.g. 第 12 期; blank: the Word file leaves the number for the clerk
    send_to: str = "省委、省政府领导同志，省委农村工作领导小组成员单位"
    copy_to: str = "各市、州、直管市、神农架林区党委农村工作领导小组办公室"

    def issue_line(self) -> str:
        return self.issue or "第　　期"


def load(engine: Engine) -> BriefingHead:
    meta = read_meta(engine)
    return BriefingHead(**{f.name: meta[f"briefing_{f.name}"] for f in fields(BriefingHead)
                           if meta.get(f"briefing_{f.name}")})


def check(head: BriefingHead) -> list[str]:
    """Plain-Chinese problems with the values (empty when they can be saved)."""
    problems = []
    for key, label in LABELS.items():
        value = getattr(head, key)
        if key in ("name", "unit") and not value.strip():
            problems.append(f"{label}不能为空")
        if len(value) > LIMITS[key]:
            problems.append(f"{label}最多 {LIMITS[key]} 个字（现为 {len(value)} 个）")
        if "\n" in value or "\r" in value:
            problems.append(f"{label}请写在一行内")
    return problems


def save(engine: Engine, actor: Actor, head: BriefingHead) -> BriefingHead:
    """Store ``head`` (stripped), with an audit row; refuses bad values and other roles."""
    require(actor, "briefing")
    head = BriefingHead(**{k: v.strip() for k, v in asdict(head).items()})
    problems = check(head)
    if problems:
        raise ValueError("；".join(problems))
    before = asdict(load(engine))
    with Session(engine) as session:
        for key, value in asdict(head).items():
            session.merge(Meta(key=f"briefing_{key}", value=value))
        audit(session, actor.signature, "briefing", "head", "update", before, asdict(head))
        session.commit()
    return head
