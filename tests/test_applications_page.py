"""The 申报初审 page under AppTest: viewers read the batch and its checklists, analysts decide."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from labstudio import auth, db, demo
from labstudio.screening import records
from labstudio.ui import state
from tests.conftest import REPO

PAGE = "pages/applications.py"


@pytest.fixture(autouse=True)
def _page_runs_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest runs a switch_page() page in Streamlit's pages/-folder mode, without app.py, on
    every run; the page's lang() would then rerun through app.py and drop the click that started
    the run (see labstudio.ui.state._leave_the_pages_folder_mode). A browser takes that path
    only on a cold first visit, before any click."""
    monkeypatch.setattr(state, "_leave_the_pages_folder_mode", lambda pages: None)


def app(analyst: str | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.switch_page(PAGE)
    if analyst:
        # Signed in as labstudio.ui.signin records it: the account exists and its digest matches.
        auth.add_user(analyst, "applications-test-pw")
        at.session_state["analyst"] = analyst
        at.session_state["analyst_account"] = auth.account_digest(analyst)
    return at.run()


def checklist_html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html") if "ls-rule" in h.proto.body)


def pick(at: AppTest, studio: str) -> AppTest:
    """Open one application's checklist by its studio name."""
    box = next(s for s in at.selectbox if s.label == "选择申报")
    return box.set_value(_key_of(studio)).run()


def _key_of(studio: str) -> str:
    cur = db.cursor()
    (application_id,) = cur.execute(
        "SELECT application_id FROM applications WHERE studio = ?", [studio]
    ).fetchall()[0]
    return str(application_id)


def test_viewers_see_the_batch_at_a_glance_and_each_checklist(demo_db):
    at = app()
    assert not at.exception
    assert [m.value for m in at.metric] == ["5", "10", "5"]
    assert any("共 20 份申报" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 2
    # The first application's checklist: three rules, the evidence marked in its own words.
    html = checklist_html(at)
    assert html.count('class="ls-rule') == 3
    assert '<mark class="meets">山东省五一劳动奖章</mark>' in html
    # Viewers read; no decision can be recorded.
    assert not at.radio and not [b for b in at.button if b.label == "记录"]
    assert any("须分析员登录" in c.value for c in at.caption)


def test_a_failing_application_marks_what_does_not_count(demo_db):
    at = pick(app(), "周涛疼痛微创创新工作室")
    html = checklist_html(at)
    assert '<mark class="fails">2020年获青岛市科技进步二等奖</mark>' in html
    assert '<mark class="fails">2023年获实用新型专利4项</mark>' in html
    assert "不在申报前3年内" in html


def test_file_text_is_escaped_in_the_checklist(demo_db):
    cur = db.cursor()
    cur.execute(
        "UPDATE applications SET achievements = '<script>alert(1)</script>2024年获青岛市科技进步二等奖' "
        "WHERE studio = '孙静精准检验创新工作室'"
    )
    html = checklist_html(app())
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_analyst_recommends_then_confirms_and_the_studio_is_under_management(demo_db):
    studio = "高磊呼吸介入创新工作室"  # 需人工核实, no decision yet in the demo
    at = pick(app("analyst"), studio)
    (radio,) = at.radio
    assert radio.options == ["单位推荐"]
    at = next(b for b in at.button if b.label == "记录").click().run()
    assert not at.exception
    assert any("已记录：单位推荐" in s.value for s in at.success)

    at = pick(at, studio)
    (radio,) = at.radio
    assert radio.options == ["委审核确认", "不予确认"]
    radio.set_value("委审核确认")
    # The screening left a question open: confirming asks what was checked.
    at = next(b for b in at.button if b.label == "记录").click().run()
    assert any("写明核实了什么" in e.value for e in at.error)
    at.text_area[0].set_value("已核实获奖证书：2022年9月授奖，在申报前3年内")
    at = next(b for b in at.button if b.label == "记录").click().run()
    assert any("已记录：委审核确认" in s.value for s in at.success)
    rows = (
        db.cursor().execute("SELECT stage, batch FROM studios WHERE name = ?", [studio]).fetchall()
    )
    assert rows == [("创建管理", demo.FOURTH_BATCH)]

    # Undo the confirmation: the studio goes again, the recommendation stays.
    at = pick(at, studio)
    at = next(b for b in at.button if b.label.startswith("撤销最近一次决定")).click().run()
    assert not db.cursor().execute("SELECT 1 FROM studios WHERE name = ?", [studio]).fetchall()
    latest = {a["studio"]: a for a in records.saved_applications(db.cursor(), demo.FOURTH_BATCH)}
    assert latest[studio]["decision"] == records.RECOMMENDED


def test_the_page_in_english(demo_db):
    at = app(lang="en")
    assert not at.exception
    assert any("Verdicts (20 applications)" in m.value for m in at.markdown)
    assert [t.label for t in at.tabs] == ["Saved batches", "Upload and screen", "The rules"]


def test_an_empty_database_says_how_to_start(empty_db):
    at = app()
    assert not at.exception
    assert any("还没有保存的申报" in i.value for i in at.info)


def test_an_analyst_uploads_screens_and_saves_a_batch(empty_db, tmp_path):
    from tests.importer_builders import annex2_workbook
    from tests.test_screening import BATCH, VERDICTS

    table = annex2_workbook(tmp_path / "第四批申报汇总表.xlsx", BATCH).read_bytes()
    at = app("analyst")
    at.date_input(key="applications_date").set_value(dt.date(2022, 5, 20)).run()
    at.file_uploader(key="applications_files").upload("第四批申报汇总表.xlsx", table).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.metric] == ["1", "1", "1"]
    assert any("2019-05-21 至 2022-05-20" in c.value for c in at.caption)
    html = checklist_html(at)
    assert "2021年获青岛市科技进步二等奖（排名第一）" in html
    # Nothing is written before the analyst saves.
    assert db.cursor().execute("SELECT count(*) FROM applications").fetchall() == [(0,)]
    at.button(key="applications_save").click().run()
    assert any("已保存 3 份申报" in s.value for s in at.success)
    saved = records.saved_applications(db.cursor(), 4)
    assert sorted(a["verdict"] for a in saved) == sorted(VERDICTS)
    assert {a["applied_on"].isoformat()[:10] for a in saved} == {"2022-05-20"}
