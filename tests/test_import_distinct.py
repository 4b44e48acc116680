"""The once-per-distinct-value helpers and the worker's typed columns give what per-cell work gave."""

import datetime as dt
import importlib.util

import numpy as np
import pandas as pd

from labstudio.importer import reading
from labstudio.importer.values import distinct_flags, distinct_of, select_distinct


def _worker():
    spec = importlib.util.spec_from_file_location("labstudio_worker", reading.WORKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_distinct_flags_and_selection_match_per_cell_work():
    series = pd.Series(["a", None, "—", "a", "b", "—", None, "c"], dtype=object)
    found = distinct_of(series)
    flags = distinct_flags(series, lambda v: v == "—", found)
    assert flags.tolist() == [v == "—" for v in series]
    keep = np.array([True, True, False, True, False, True, True, False])
    codes, uniques = select_distinct(found, keep)
    chosen = series[keep].tolist()
    assert [None if c < 0 else uniques[c] for c in codes] == chosen
    assert set(uniques) == {v for v in chosen if v is not None}


def test_worker_columns_keep_every_cell_and_type():
    rows = [
        ["日期", "金额", "说明", "时间"],
        [dt.date(2024, 3, 20), 1200.0, "设备", dt.datetime(2024, 3, 20, 8, 30)],
        ["", 3, " ", dt.date(1900, 1, 1)],
        [dt.date(1955, 1, 1), "1,200", "\u3000", ""],
        [dt.date(2118, 12, 31), True, "培训", dt.datetime(2024, 1, 1)],
    ]
    table = _worker()._encode_sheet(rows, 4)
    frame = reading._table_frame(table, len(rows), 4)
    for number, row in enumerate(rows, start=1):
        expected = [None if v in ("", " ", "\u3000") else v for v in row]
        got = frame.loc[number].tolist()
        assert got == expected
        assert [type(v) for v in got] == [type(v) for v in expected]


def test_hidden_rows_are_rows_not_columns():
    xml = (
        b'<cols><col min="3" max="3" hidden="1" width="9"/></cols><sheetData>'
        b'<row r="2" spans="1:4"><c r="A2"><v>1</v></c></row>'
        b'<row r="3" spans="1:4" hidden="1" ht="15"><c r="A3"><v>2</v></c></row>'
        b'<x:row r="12" hidden="true"><c r="A12"/></x:row>'
        b'<row r="4"><c r="A4" t="s"><v>0</v></c></row></sheetData>'
    )
    assert _worker()._hidden_rows(xml) == {2, 11}
