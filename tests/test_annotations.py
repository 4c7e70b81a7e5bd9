from __future__ import annotations

import pytest

from knowledge.annotations import load_annotations
from knowledge.errors import AnnotationError
from knowledge.vocab import load_facts, load_fields


def test_every_entry_is_annotated_with_aliases(by_id):
    assert all(by_id[i].aliases for i in range(1, 57))
    assert "高企" in by_id[17].aliases and "小巨人" in by_id[5].aliases and "战新" in by_id[1].aliases
    assert "个转企" in by_id[53].aliases and "稳岗返还" in by_id[38].aliases and "扩岗补助" in by_id[39].aliases


def test_audience_uses_canonical_facts(by_id):
    assert by_id[37].audience.targets == ({"is_veteran": True},)
    assert by_id[46].audience.restrict["entity_type"] == ("个体工商户",)
    assert not by_id[52].matchable and by_id[17].matchable


def test_unknown_value_is_rejected_with_the_accepted_ones(tmp_path):
    bad = tmp_path / "a.yml"
    bad.write_text("entries:\n  1:\n    audience:\n      restrict: {sector: [造火箭]}\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as err:
        load_annotations(load_facts(), bad)
    assert "entry 1" in str(err.value) and "造火箭" in str(err.value) and "鸵鸟产业" in str(err.value)


def test_unknown_fact_and_malformed_target(tmp_path):
    bad = tmp_path / "a.yml"
    bad.write_text("entries:\n  2:\n    audience:\n      targets: [{is_veteran: true, hires: [退役士兵]}]\n",
                   encoding="utf-8")
    with pytest.raises(AnnotationError, match="exactly one fact"):
        load_annotations(load_facts(), bad)
    bad.write_text("entries:\n  2:\n    audience:\n      restrict: {age: [30]}\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="unknown fact"):
        load_annotations(load_facts(), bad)


def test_fields_vocabulary_maps_guide_headings():
    fields = load_fields()
    assert fields.kinds_of_label("申报材料") == ("materials",)
    assert fields.kinds_of_label("申报时限/办理时限") == ("deadline", "timelimit")
    assert fields.kinds_of_label("咨询电话：") == ("contact",)
    assert fields.kinds_of_label("总体目标") is None
    assert fields.is_split("补贴对象、标准及方式")
