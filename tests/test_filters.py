"""Filters from loose input, and their SQL: a table of cases, values always bound."""

from __future__ import annotations

import pytest

from labstudio import filters
from labstudio.filters import Filters, from_mapping, studio_condition, year_condition


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, Filters()),
        ({"year": "2023"}, Filters(year=2023)),
        ({"year": ["2024"]}, Filters(year=2024)),
        ({"year": "二〇二三"}, Filters()),
        ({"year": ""}, Filters()),
        ({"type": "技术创新型"}, Filters(type="技术创新型")),
        ({"type": "技术创新"}, Filters(type="技术创新型")),
        ({"type": "未分类"}, Filters(type="未分类")),
        ({"type": "不存在型"}, Filters(type="不存在型")),
        ({"batch": "3"}, Filters(batch=3)),
        ({"batch": "第三批"}, Filters(batch=3)),
        ({"batch": "三"}, Filters(batch=3)),
        ({"batch": "abc"}, Filters(batch=-1)),
        ({"unit": " 青岛市市立医院 "}, Filters(unit="青岛市市立医院")),
        ({"status": "revoked"}, Filters(status="revoked")),
        ({"status": "everything"}, Filters()),
    ],
)
def test_from_mapping(given, expected):
    assert from_mapping(given) == expected


UNIT_SQL = "regexp_replace(translate(u.name, $f_wide, $f_narrow), '\\s+', '', 'g') = $f_unit"
WIDTHS = {"f_wide": filters._WIDE, "f_narrow": filters._NARROW}


@pytest.mark.parametrize(
    ("filters", "sql", "params"),
    [
        (Filters(), "TRUE", {}),
        (Filters(year=2023), "TRUE", {}),  # the year limits dated rows, not studios
        (Filters(type="技术创新型"), "s.type = $f_type", {"f_type": "技术创新型"}),
        (Filters(type="未分类"), "s.type IS NULL", {}),
        (Filters(type="x'; DROP TABLE studios; --"), "FALSE", {}),
        (Filters(batch=3), "s.batch = $f_batch", {"f_batch": 3}),
        (
            Filters(unit="x' OR 1=1 --"),
            UNIT_SQL,
            {"f_unit": "x'OR1=1--", **WIDTHS},
        ),
        (
            Filters(type="服务创新型", batch=2, unit="青岛市中心医院"),
            f"s.type = $f_type AND s.batch = $f_batch AND {UNIT_SQL}",
            {"f_type": "服务创新型", "f_batch": 2, "f_unit": "青岛市中心医院", **WIDTHS},
        ),
        (
            Filters(unit="青岛大学附属医院（市南院区）"),
            UNIT_SQL,
            {"f_unit": "青岛大学附属医院(市南院区)", **WIDTHS},
        ),
    ],
)
def test_studio_condition(filters, sql, params):
    assert studio_condition(filters) == (sql, params)


def test_status_conditions_use_no_values():
    for status in ("active", "revoked"):
        sql, params = studio_condition(Filters(status=status))
        assert "revocations" in sql and params == {}


@pytest.mark.parametrize(
    ("filters", "is_date", "expected"),
    [
        (Filters(), True, ("TRUE", {})),
        (Filters(year=2024), True, ("year(l.entry_date) = $f_year", {"f_year": 2024})),
        (Filters(year=2024), False, ("l.entry_date = $f_year", {"f_year": 2024})),
    ],
)
def test_year_condition(filters, is_date, expected):
    assert year_condition(filters, "l.entry_date", is_date=is_date) == expected


def test_query_form_round_trips():
    filters = Filters(year=2023, type="技术创新型", batch=3, unit="青岛市市立医院")
    assert from_mapping(filters.as_query()) == filters


@pytest.mark.parametrize(
    "written",
    ["青岛大学附属医院(市南院区)", "青岛大学附属医院（市南院区）", " 青岛大学附属医院 (市南院区)"],
)
def test_a_unit_matches_whatever_its_width_and_spaces(con, written):
    con.execute("INSERT INTO units VALUES (1, '青岛大学附属医院（市南院区）', 1)")
    condition, params = studio_condition(Filters(unit=written), unit="u")
    found = con.execute(f"SELECT count(*) FROM units u WHERE {condition}", params).fetchall()
    assert found == [(1,)]
