"""The curated word lists the index and the scope decision read (knowledge/curated.py)."""

from __future__ import annotations

import pytest

from knowledge.curated import load_synonyms, load_topics
from knowledge.errors import AnnotationError


def test_synonyms_map_variants_to_the_guide_word():
    synonyms = load_synonyms()
    assert synonyms["退伍"] == "退役军人" and synonyms["个体户"] == "个体工商户"


def test_a_variant_of_two_words_is_an_error(tmp_path):
    path = tmp_path / "synonyms.yml"
    path.write_text("groups:\n  退役军人: [退伍]\n  军人: [退伍]\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="退伍"):
        load_synonyms(path)


def test_topics_name_where_to_turn():
    topics = {t.name: t for t in load_topics()}
    assert any("公积金" in t.keywords and t.turn_to for t in topics.values())


@pytest.mark.parametrize("text", ["topics:\n  医保: {keywords: [医保]}\n", "topics: [unclosed\n"])
def test_a_malformed_topics_file_is_named(tmp_path, text):
    path = tmp_path / "not_covered.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnnotationError, match="not_covered.yml"):
        load_topics(path)


def test_a_category_mark_is_read_in_any_word_but_the_ones_excluded():
    from knowledge.curated import load_category_marks

    tax = next(m for m in load_category_marks() if m.category == "税收优惠政策")
    assert tax.said("税上有照顾不") and tax.said("交税能少点不")
    assert not tax.said("税务局电话多少") and not tax.said("纳税信用B级能贷吗")


def test_colloquial_words_for_a_cap_are_the_guide_s_highest(assistant):
    terms = assistant.index.segmenter.terms
    assert "最高" in terms("顶格给多少") and "最高" in terms("封顶多少")


def test_a_procedure_stuck_is_a_request_to_raise(assistant):
    terms = assistant.index.segmenter.terms
    assert "诉求" in terms("手续一直卡着办不下来")
