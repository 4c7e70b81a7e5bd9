from __future__ import annotations

import pytest

from index.segment import Segmenter, derived_synonyms, load_stopwords, user_words
from knowledge.curated import load_synonyms
from knowledge.records import Record, Section
from knowledge.vocab import load_facts, load_fields


@pytest.fixture(scope="module")
def segmenter(records):
    synonyms = load_synonyms()
    return Segmenter(user_words(records, synonyms, load_facts(), load_fields()), load_stopwords(), synonyms)


def test_user_dictionary_keeps_guide_names_whole(segmenter):
    assert "高新技术企业认定" in segmenter.words("申请高新技术企业认定要准备什么")
    assert "盟特色产业发展中心" in segmenter.words("盟特色产业发展中心的电话")
    assert "创业担保贷款" in segmenter.words("我想办创业担保贷款")
    # without the user dictionary jieba splits the same alias apart
    plain = Segmenter([], load_stopwords(), {})
    assert "水权贷" not in plain.words("水权贷怎么办") and "水权贷" in segmenter.words("水权贷怎么办")
    assert "扩岗补助" not in plain.words("扩岗补助多少钱") and "扩岗补助" in segmenter.words("扩岗补助多少钱")


@pytest.mark.parametrize("variant, canonical", [
    ("退伍", "退役军人"), ("个体户", "个体工商户"), ("高企", "高新技术企业"), ("小微", "小型微利企业"),
    ("大学生", "高校毕业生"), ("罚款", "行政处罚"),
])
def test_synonyms_map_to_the_guides_word(segmenter, variant, canonical):
    assert canonical in segmenter.terms(f"{variant}有什么政策")
    assert variant not in segmenter.terms(f"{variant}有什么政策")


def test_question_and_passage_share_terms_through_synonyms(segmenter):
    question = set(segmenter.terms("招大学生"))
    passage = set(segmenter.terms("招用毕业年度高校毕业生"))
    assert {"招用", "高校毕业生"} <= question & passage


def test_stop_words_and_punctuation_are_dropped(segmenter):
    terms = segmenter.terms("请问，我们的企业怎么申请呢？")
    assert "请问" not in terms and "我们" not in terms and "怎么" not in terms and "，" not in terms
    assert "企业" in terms and "申请" in terms


def test_full_width_text_is_normalised(segmenter):
    assert segmenter.terms("ＡＢ１２３") == segmenter.terms("ab123")


def test_derived_synonyms_only_map_words_the_guide_does_not_use():
    record = Record(1, "个体工商户移出经营异常名录服务指南", "信用修复政策", 6, "service",
                    (Section("scope", ("scope",), "三、适用范围", "被列入经营异常名录的个体工商户", 1, 1),),
                    (), 1, 1, "x.txt")
    mapping = derived_synonyms([record], load_facts(), {}, guide_words={"个体", "经营"})
    assert mapping["没报年报"] == "经营异常名录"
    assert mapping["个体户"] == "个体工商户"
    assert "个体" not in mapping  # the guide uses 个体 itself
    assert "合作社" not in mapping  # 农民专业合作社 is not in this guide text


def test_dictionary_file_round_trip(segmenter, tmp_path):
    path = tmp_path / "userdict.txt"
    segmenter.write_dictionary(path)
    again = Segmenter.from_dictionary_file(path, segmenter.stopwords, segmenter.synonyms)
    text = "阿拉善左旗申报战新资金找谁"
    assert again.terms(text) == segmenter.terms(text)
