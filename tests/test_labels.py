"""The label table: both languages for every key, and no key used that the table lacks."""

from __future__ import annotations

import re

from labstudio import labels
from tests.conftest import REPO


def test_every_label_has_chinese_and_english():
    for key, (zh, en) in labels.LABELS.items():
        assert zh.strip(), key
        # lang.switch names the *other* language, so its Chinese-mode text is "English";
        # punct.* are punctuation alone (；, "{name}：").
        if key != "lang.switch" and not key.startswith("punct."):
            assert re.search(r"[\u4e00-\u9fff]", zh), f"{key} has no Chinese"
        if key != "unit.studios":  # 家 has no English counterpart: the number stands alone
            assert en.strip(), key


def test_every_key_the_code_asks_for_exists():
    used: set[str] = set()
    for path in [REPO / "app.py", *REPO.glob("pages/*.py"), *REPO.glob("labstudio/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"label\(\s*\"([a-z_]+\.[a-z_.]+)\"", text))
    missing = sorted(k for k in used if k not in labels.LABELS)
    assert not missing, missing


def test_placeholders_match_between_languages():
    for key, (zh, en) in labels.LABELS.items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
