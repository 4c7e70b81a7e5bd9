"""The knowledge base against a hand-reviewed oracle (tests/data/expected_entries.yml) and the raw guide."""

from __future__ import annotations

import re

import pytest
import yaml

from knowledge.parser import chinese_numeral

from .conftest import DATA, GUIDE

EXPECTED = yaml.safe_load((DATA / "expected_entries.yml").read_text(encoding="utf-8"))["entries"]
CATEGORIES = {
    "产业发展政策": range(1, 15),
    "科技创新政策": range(15, 21),
    "金融支持政策": range(21, 28),
    "税收优惠政策": range(28, 38),
    "稳岗帮扶政策": range(38, 43),
    "信用修复政策": range(43, 47),
    "用地手续支持政策": range(47, 50),
    "政策直通车": range(50, 57),
}
# Phones as the raw text writes them (any dash), found independently of the parser.
RAW_PHONE = re.compile(r"0\d{2,3}\s*[-—–]\s*\d{7,8}|(?<!\d)1[3-9]\d{9}(?!\d)|(?<![\d.])123\d{2}(?![\d.])")


def raw_phones(first: int, last: int) -> set[str]:
    lines = GUIDE.read_text(encoding="utf-8").split("\n")[first - 1 : last]
    return {re.sub(r"\s*[-—–]\s*", "-", m) for line in lines for m in RAW_PHONE.findall(line)}


def test_56_entries_in_order(records):
    assert [r.id for r in records] == list(range(1, 57))
    assert set(EXPECTED) == set(range(1, 57))


@pytest.mark.parametrize("entry", range(1, 57))
def test_entry_title_category_sections_and_phones(by_id, entry):
    r = by_id[entry]
    want = EXPECTED[entry]
    assert r.title == want["title"]
    assert r.category == want["category"]
    assert entry in CATEGORIES[r.category]
    for kind in want["sections"]:
        assert r.has(kind), f"entry {entry} lacks a non-empty {kind} section"
        assert all(s.text.strip() for s in r.sections_of(kind))
    assert list(dict.fromkeys(c.phone for c in r.contacts)) == [str(p) for p in want["phones"]]
    # nothing invented, nothing missed: the record's phones are exactly those in its own source lines
    assert {c.phone for c in r.contacts} == raw_phones(r.first_line, r.last_line)


def test_every_phone_in_the_guide_is_found(records):
    found = {c.phone for r in records for c in r.contacts}
    assert found == raw_phones(1, 10**6)
    assert all(re.fullmatch(r"0\d{3}-\d{7}|1\d{10}|123\d{2}", p) for p in found)


def test_source_lines_cover_the_body_without_overlap(records):
    spans = [(r.first_line, r.last_line) for r in records]
    assert all(a <= b for a, b in spans)
    assert all(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))
    for r in records:
        for s in r.sections:
            assert r.first_line <= s.first_line <= s.last_line <= r.last_line


def test_sections_are_cleaned(records):
    for r in records:
        for s in r.sections:
            assert "“ ”" not in s.text
            assert "**" not in s.text
            assert not re.search(r"^- ", s.text, re.M)
            assert not re.search(r"-{4,}", s.text)
            assert "—8" not in s.text  # phone dashes normalised


def test_page_break_is_joined_inside_a_section(by_id):
    conditions = by_id[2].text_of("conditions")
    assert "各生产环节有配套的节水措施" in conditions


def test_split_section_headings(by_id):
    r = by_id[7]
    assert "每亩600元补贴" in r.text_of("amount")
    assert "200亩以上" in r.text_of("conditions")
    assert "1月30日前" in by_id[9].text_of("process")


def test_structured_contacts(by_id):
    water = by_id[21].contacts
    assert [(c.label, c.person, c.phone) for c in water][:2] == [
        ("内蒙古自治区水利厅", "杨燕", "0471-5259599"),
        ("中国人民银行内蒙古自治区分行", "梁勇强", "0471-6650502"),
    ]
    regions = {c.region: c.phone for c in by_id[1].contacts}
    assert regions["阿拉善左旗"] == "0483-8229456"
    assert regions["额济纳旗"] == "0483-6521855"
    assert regions["阿拉善策克口岸经济开发区"] == "0483-6525644"
    assert {c.region for c in by_id[47].contacts} >= {"乌兰布和生态沙产业示范区", "阿拉善李井滩生态移民示范区"}
    assert [c.phone for c in by_id[16].contacts] == ["0483-8331872"]


def test_documents_have_numbered_parts(by_id):
    talent = by_id[52]
    part13 = [s for s in talent.sections if s.number == 13]
    assert len(part13) == 1 and "人才派驻" in part13[0].heading and "博士研究生" in part13[0].text
    assert max(s.number or 0 for s in talent.sections) == 18
    annex = [s for s in talent.sections if s.heading.startswith("附件")]
    assert len(annex) == 5 and "顶尖人才" in annex[0].heading
    assert all(r.kind == "document" and not r.contacts for r in (by_id[i] for i in range(50, 57)))
    assert all(by_id[i].kind == "service" for i in range(1, 50))


def test_chinese_numerals():
    assert [chinese_numeral(x) for x in ("一", "九", "十", "十三", "十八", "二十", "二十一")] == [1, 9, 10, 13, 18, 20, 21]
    with pytest.raises(ValueError):
        chinese_numeral("甲")
