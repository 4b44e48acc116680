"""The analysts' import page in AppTest: sign-in, check, commit, figures change, roll back."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labstudio import auth
from tests.conftest import REPO
from tests.importer_builders import annex2_workbook, assessment_rows, write_xlsx

PASSWORD = "示例密码-2024"


@pytest.fixture
def analyst(demo_db):
    auth.add_user("analyst", PASSWORD)
    return "analyst"


def signed_in() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.text_input(key="signin_user").input("analyst")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[[b.label for b in at.button].index("登录")].click().run()
    assert not at.exception
    return at


def active_studios(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["在管工作室"]


def test_a_wrong_password_does_not_sign_in(analyst):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.text_input(key="signin_user").input("analyst")
    at.text_input(key="signin_password").input("wrong-password")
    at.button[[b.label for b in at.button].index("登录")].click().run()
    assert any("不正确" in e.value for e in at.error)
    with pytest.raises(Exception):  # noqa: B017 - the page is not in the navigation
        at.switch_page("pages/data_import.py").run()


def test_upload_check_commit_and_roll_back(analyst, tmp_path: Path):
    at = signed_in()
    before = active_studios(at)
    at.switch_page("pages/data_import.py").run()
    assert not at.exception
    roster = annex2_workbook(tmp_path / "附件2.xlsx").read_bytes()
    at.file_uploader(key="import_files").upload("附件2.xlsx", roster).run()
    assert not at.exception
    assert not at.error
    commit = at.button(key="import_commit")
    assert not commit.disabled
    commit.click().run()
    assert not at.exception
    assert any("已导入" in s.value for s in at.success)

    at.switch_page("pages/overview.py").run()
    after = active_studios(at)
    assert int(after.split()[0]) == int(before.split()[0]) + 3

    at.switch_page("pages/data_import.py").run()
    at.button[[b.label for b in at.button].index("撤销这次导入")].click().run()
    assert not at.exception
    assert any("已撤销导入" in s.value for s in at.success)
    at.switch_page("pages/overview.py").run()
    assert active_studios(at) == before


def test_a_bad_file_shows_errors_and_cannot_be_committed(analyst, tmp_path: Path):
    at = signed_in()
    at.switch_page("pages/data_import.py").run()
    rows = assessment_rows()
    rows[-1][1] = "不存在的工作室"  # a result for a studio nobody knows
    bad = write_xlsx(tmp_path / "2023年度考核.xlsx", {"Sheet1": rows}).read_bytes()
    at.file_uploader(key="import_files").upload("2023年度考核.xlsx", bad).run()
    assert not at.exception
    assert any("错误" in e.value for e in at.error)
    assert at.button(key="import_commit").disabled
    downloads = [d.label for d in at.get("download_button")]
    assert any("问题说明" in str(label) for label in downloads)
    # every message is shown whole (a static table wraps it), with its row and column
    errors = at.table[0].value
    assert list(errors.columns) == ["文件", "工作表", "行号", "列", "说明"]
    assert errors["说明"].str.startswith("找不到").all()
    assert errors["说明"].str.contains("最接近|请").all()  # what to do, not cut off


def _unyeared_workbook(tmp_path: Path) -> bytes:
    """A roster and an assessment sheet in one workbook; the results name no year, only the
    dates the inspection took place (the usual next-year dates)."""
    from tests.importer_builders import annex2_rows

    results = assessment_rows(title="考核时间：2024年1月8日—1月19日")
    sheets = {"名单": annex2_rows(), "考核": results}
    return write_xlsx(tmp_path / "考核结果.xlsx", sheets, merges={"考核": ["A1:E1"]}).read_bytes()


def test_the_year_of_an_assessment_sheet_is_set_by_hand_and_recorded(analyst, tmp_path: Path):
    import json

    from labstudio import db

    at = signed_in()
    at.switch_page("pages/data_import.py").run()
    at.file_uploader(key="import_files").upload("考核结果.xlsx", _unyeared_workbook(tmp_path)).run()
    assert not at.exception
    # The sheet says no year: the check asks for one, naming the date it did not use.
    errors = at.table[0].value
    assert errors["说明"].str.contains("不知道这张考核表是哪一年度的").any()
    assert errors["说明"].str.contains("考核时间").any()
    assert at.button(key="import_commit").disabled
    sheets = at.dataframe[0].value
    assert sheets.loc[sheets["工作表"] == "考核", "考核年度（来源）"].tolist() == [
        "未能确定，请指定"
    ]

    at.number_input(key="import_year_考核结果.xlsx_考核").set_value(2023).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    sheets = at.dataframe[0].value
    assert sheets.loc[sheets["工作表"] == "考核", "考核年度（来源）"].tolist() == [
        "2023：手工指定（analyst）"
    ]
    assert any("手工指定" in m.value and "2023" in m.value for m in at.markdown)
    commit = at.button(key="import_commit")
    assert not commit.disabled
    commit.click().run()
    assert not at.exception
    assert any("已导入" in s.value for s in at.success)

    cur = db.cursor(db.default_db_path())
    years = cur.execute(
        "SELECT DISTINCT a.year FROM assessments a JOIN studios s USING (studio_id) "
        "WHERE s.name = '张伟劳模创新工作室'"
    ).fetchall()
    assert years == [(2023,)]
    (report,) = cur.execute("SELECT report FROM imports ORDER BY import_id DESC LIMIT 1").fetchone()
    sheet = next(
        s for f in json.loads(report)["files"] for s in f["sheets"] if s["sheet"] == "考核"
    )
    assert (sheet["year"], sheet["year_by_hand"], sheet["year_from"]) == (
        2023,
        True,
        "手工指定（analyst）",
    )
