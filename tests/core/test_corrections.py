"""Correction requests (更正申请): a county corrects a closed year only by the reviewed path —
clerk files, its 市州 passes it on, the province confirms and the values are written as one
undoable batch; every shortcut an insider would try is refused and nothing is written."""

from __future__ import annotations

import pytest
from conftest import admin

from revitalization import corrections, importer, store
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows
from revitalization.corrections import CorrectionError
from revitalization.rounds import RoundError

SUIXIAN, LAIFENG = "421321", "422827"
CLERK = Actor("suixian", "随县填报员", "county", SUIXIAN)
OTHER_CLERK = Actor("laifeng", "来凤县填报员", "county", LAIFENG)
CITY = Actor("suizhou", "随州市农办", "city", "421300")
OTHER_CITY = Actor("enshi", "恩施州农办", "city", "422800")
VIEWER = Actor("viewer", "省级查看", "province_viewer")
REASON = "农村居民收入按县统计局 2025 年 3 月公布的修订数更正（原填报为快报数）"


def stored(engine, adcode: str = SUIXIAN, year: int = 2024, indicator: str = "rural_income") -> float:
    obs = store.read_observations(engine)
    return float(obs.query("adcode == @adcode and year == @year and indicator == @indicator")["value"].iloc[0])


def file(engine, config, texts=None, *, actor=CLERK, year=2024, reason=REASON, open_years=frozenset()) -> int:
    return corrections.file_request(engine, SUIXIAN, year, texts or {"rural_income": "2.75万元"}, reason,
                                    config=config, existing=store.read_observations(engine),
                                    open_years=set(open_years), actor=actor)


def test_a_correction_goes_clerk_city_province_and_is_written_once(seeded_observations, config):
    engine = seeded_observations
    assert stored(engine) == 26992.0  # the demo's 2024 value
    rid = file(engine, config, {"rural_income": "2.75万元", "mechanisation": "77.6"})  # 77.6: unchanged
    mine = corrections.requests(engine, actor=CLERK)
    assert mine.at[0, "state"] == "已提交"
    assert mine.at[0, "values"] == {"rural_income": 27500.0}  # 万元 → 元; the unchanged value left out
    assert mine.at[0, "previous"] == {"rural_income": 26992.0}
    assert stored(engine) == 26992.0  # nothing written yet
    v = corrections.forward(engine, rid, version=1, actor=CITY, note="已核对统计局修订数")
    assert stored(engine) == 26992.0
    corrections.confirm(engine, rid, version=v, actor=admin(), existing=store.read_observations(engine))
    assert stored(engine) == 27500.0
    done = corrections.requests(engine, actor=admin()).iloc[0]
    assert done["state"] == "省级已确认" and done["batch_id"] is not None
    batch = importer.batches(engine, actor=admin()).query("id == @done.batch_id").iloc[0]
    assert batch["file_name"] == f"2024 年更正申请（随县，编号 {rid}）" and batch["reason"] == REASON
    steps = audit_rows(engine, "correction_request", actor=admin())["action"].tolist()
    assert steps == ["create", "forward", "confirm"]
    importer.rollback(engine, int(done["batch_id"]), actor=admin())  # undoable like any import
    assert stored(engine) == 26992.0


def test_the_assessed_cannot_shortcut_the_review(seeded_observations, config):
    engine = seeded_observations
    rid = file(engine, config)
    for actor in (CLERK, OTHER_CITY, VIEWER):  # the county itself, another 市州, a read-only account
        with pytest.raises(PermissionDenied):
            corrections.forward(engine, rid, version=1, actor=actor)
    with pytest.raises(PermissionDenied):  # a 市州 cannot write the data either
        corrections.confirm(engine, rid, version=1, actor=CITY, existing=store.read_observations(engine))
    with pytest.raises(CorrectionError, match="当前为“已提交”，不能确认"):  # not before the 市州's review
        corrections.confirm(engine, rid, version=1, actor=admin(), existing=store.read_observations(engine))
    for actor in (OTHER_CLERK, OTHER_CITY, VIEWER):  # nobody files for 随县 but its own
        with pytest.raises(PermissionDenied):
            file(engine, config, actor=actor)
    assert stored(engine) == 26992.0
    assert importer.batches(engine, actor=admin()).empty


def test_reads_are_scoped(seeded_observations, config):
    engine = seeded_observations
    file(engine, config)
    assert len(corrections.requests(engine, actor=CITY)) == 1
    assert len(corrections.requests(engine, actor=VIEWER)) == 1
    assert corrections.requests(engine, actor=OTHER_CITY).empty
    assert corrections.requests(engine, actor=OTHER_CLERK).empty


@pytest.mark.parametrize(("texts", "kwargs", "message"), [
    ({"rural_income": "2.75万元"}, {"open_years": {2024}}, "2024 年度填报正在进行：请在“年度填报”中修改"),
    ({"rural_income": "2.75万元"}, {"year": 2025}, "随县 2025 年没有考核数据，不能申请更正"),
    ({"rural_income": "26992"}, {}, "没有与现有数据不同的数值"),
    ({"rural_income": "2.75万元"}, {"reason": "  "}, "更正原因：请写明"),
    ({"rural_income": "900000"}, {}, "900000 超出合理范围 5000–80000 元"),
])
def test_a_request_that_cannot_be_filed_says_why(seeded_observations, config, texts, kwargs, message):
    engine = seeded_observations
    with pytest.raises((CorrectionError, RoundError), match=message):
        file(engine, config, texts, **kwargs)
    assert corrections.requests(engine, actor=admin()).empty


def test_one_pending_request_per_county_and_year(seeded_observations, config):
    engine = seeded_observations
    rid = file(engine, config)
    with pytest.raises(CorrectionError, match=f"已有待处理的更正申请（编号 {rid}）"):
        file(engine, config, {"rural_income": "2.8万元"})
    corrections.send_back(engine, rid, "请附县统计局的修订文件", version=1, actor=CITY)
    assert file(engine, config, {"rural_income": "2.8万元"}) == rid + 1  # returned: a new one may follow


def test_returns_need_a_note_and_the_city_returns_only_what_it_has_not_passed(seeded_observations, config):
    engine = seeded_observations
    rid = file(engine, config)
    with pytest.raises(CorrectionError, match="退回意见"):
        corrections.send_back(engine, rid, " ", version=1, actor=CITY)
    v = corrections.forward(engine, rid, version=1, actor=CITY)
    with pytest.raises(CorrectionError, match="当前为“市州已审”，不能退回"):
        corrections.send_back(engine, rid, "再看看", version=v, actor=CITY)
    corrections.send_back(engine, rid, "与统计年鉴不一致", version=v, actor=admin())
    back = corrections.requests(engine, actor=CLERK).iloc[0]
    assert (back["state"], back["note"]) == ("已退回", "与统计年鉴不一致")
    assert stored(engine) == 26992.0


def test_a_stale_step_is_refused(seeded_observations, config):
    engine = seeded_observations
    rid = file(engine, config)
    corrections.forward(engine, rid, version=1, actor=CITY)
    with pytest.raises(CorrectionError, match="已被他人处理（您读取的是第 1 版，当前为第 2 版）"):
        corrections.send_back(engine, rid, "退回", version=1, actor=admin())
