"""Files that must be refused before (or while) parsing, with exit code 2 and the process alive."""

from __future__ import annotations

import os

import pytest

from labstudio.importer import import_files
from tests.importer_builders import (
    annex2_workbook,
    bomb_xlsx,
    bomb_xlsx_hidden_extent,
    encrypted_xlsx,
    ratio_bomb_xlsx,
    snapshot,
)


def _docx(path):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return path


def _text(path):
    path.write_text("工作室名称,考核得分\n张伟劳模创新工作室,90\n", encoding="utf-8")
    return path


def _binary(path):
    path.write_bytes(bytes(range(256)) * 40)
    return path


def _empty(path):
    path.write_bytes(b"")
    return path


def _truncated(path):
    full = annex2_workbook(path.with_name("full.xlsx")).read_bytes()
    path.write_bytes(full[: len(full) // 2])
    return path


CASES = {
    "declared-extent-XFD1048576": (bomb_xlsx, "bomb.xlsx", "声明范围异常"),
    "hidden-extent-crashes-the-child": (bomb_xlsx_hidden_extent, "bomb.xlsx", "结构异常"),
    "compression-ratio": (ratio_bomb_xlsx, "ratio.xlsx", "压缩比异常"),
    "password-protected": (encrypted_xlsx, "secret.xlsx", "密码"),
    "word-document-renamed": (_docx, "report.xlsx", "Word"),
    "csv-text-renamed-xlsx": (_text, "data.xlsx", "纯文本"),
    "binary-junk-renamed-xlsx": (_binary, "junk.xlsx", "不是 Excel 表格"),
    "binary-junk-renamed-xls": (_binary, "junk.xls", "不是 Excel 表格"),
    "empty-file": (_empty, "empty.xlsx", "空的"),
    "truncated-xlsx": (_truncated, "cut.xlsx", "损坏"),
}


@pytest.mark.parametrize(("build", "name", "says"), CASES.values(), ids=CASES.keys())
def test_unreadable_file_is_refused_with_exit_code_2(con, tmp_path, build, name, says):
    annex2_workbook(tmp_path / "名单.xlsx")
    assert import_files(con, [tmp_path / "名单.xlsx"]).exit_code == 0
    before = snapshot(con)
    path = build(tmp_path / name)
    outcome = import_files(con, [path])
    assert outcome.exit_code == 2 and outcome.status == "rejected"
    (error,) = outcome.errors
    assert error.file == name and says in error.message, error.message
    assert snapshot(con) == before
    # The server process is still here and still works.
    assert os.getpid() and import_files(con, [tmp_path / "名单.xlsx"]).exit_code == 0


def test_unreadable_file_beside_a_bad_one_still_gives_exit_code_2(con, tmp_path):
    bad_rows = annex2_workbook(tmp_path / "ok.xlsx")
    outcome = import_files(con, [bad_rows, encrypted_xlsx(tmp_path / "secret.xlsx")])
    assert outcome.exit_code == 2
    assert snapshot(con)["studios"] == []


def test_uploaded_bytes_are_accepted_like_paths(con, tmp_path):
    data = annex2_workbook(tmp_path / "a.xlsx").read_bytes()
    outcome = import_files(con, [("上传的附件2.xlsx", data)], user_name="analyst")
    assert outcome.exit_code == 0 and outcome.files[0]["file"] == "上传的附件2.xlsx"
    assert con.execute("SELECT user_name, files FROM imports").fetchall() == [
        ("analyst", ["上传的附件2.xlsx"])
    ]
