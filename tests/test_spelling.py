"""index/spelling.py: typos in questions mapped onto the guide's words, and nothing else changed."""

from __future__ import annotations


import pytest

import jieba

from index.spelling import Correction, GeneralCounts, Speller, guide_vocabulary
from index.store import _segmenter
from knowledge.vocab import load_facts, load_fields

from .conftest import DATA, GUIDE, load_jsonl


def _guide_texts(records) -> list[str]:
    texts = []
    for r in records:
        texts.append(r.title)
        texts.extend(s.text for s in r.sections)
        texts.extend(c.label for c in r.contacts)
    return texts


@pytest.fixture(scope="module")
def segmenter(records):
    return _segmenter(records, load_facts(), load_fields())


@pytest.fixture(scope="module")
def vocabulary(records, segmenter) -> dict[str, int]:
    return guide_vocabulary(_guide_texts(records), segmenter, segmenter.words_to_add)


@pytest.fixture(scope="module")
def speller(vocabulary) -> Speller:
    return Speller(vocabulary)


# -- typos --------------------------------------------------------------------------------------------------------

TYPOS = [
    # (question as typed, as corrected, the guide word it must use)
    ("扶值政策有哪些", "扶持政策有哪些", "扶持"),
    ("怎么申清", "怎么申请", "申请"),
    ("专项资全怎么申请", "专项资金怎么申请", "专项资金"),  # 全/金 look alike, sound different
    ("陀鸟养殖有补贴吗", "鸵鸟养殖有补贴吗", "鸵鸟"),
    ("陀鸟", "鸵鸟", "鸵鸟"),
    ("崇君贷怎么办", "崇军贷怎么办", "崇军贷"),
    ("小微企叶有什么补贴", "小微企业有什么补贴", "企业"),
    ("企叶所得税怎么减", "企业所得税怎么减", "企业"),
    ("稳岗反还什么时候到账", "稳岗返还什么时候到账", "返还"),
    ("专精特新企业明录", "专精特新企业名录", "名录"),
    ("不动产等级要多久", "不动产登记要多久", "不动产登记"),  # 等级 is a word, but 不动产等级 is no phrase
    ("能享受补帖不", "能享受补贴不", "补贴"),
    ("高信技术企业到期了", "高新技术企业到期了", "高新技术企业"),
    ("水权代是哪个部门受理", "水权贷是哪个部门受理", "水权贷"),
    ("算小型微力企业不", "算小型微利企业不", "小型微利企业"),
    ("有扩刚补助没", "有扩岗补助没", "扩岗补助"),
    # 机率 is a word of its own, leaving 容 alone: the wrong homophone inside a real word
    ("厂房加层提高容机率 还要补地价吗", "厂房加层提高容积率 还要补地价吗", "容积率"),
    # 蓿 is read xu in 苜蓿 and often said su: 宿 (su) is its homophone by that other reading
    ("苜宿种得多 能补贴吗", "苜蓿种得多 能补贴吗", "苜蓿"),
]


@pytest.mark.parametrize("typed, corrected, word", TYPOS)
def test_typos_become_the_guides_words(speller, vocabulary, typed, corrected, word):
    assert word in vocabulary, f"the guide has no {word!r}: the example is moot"
    result = speller.correct(typed)
    assert result.text == corrected
    assert result.replacements and all(to in vocabulary for _, to in result.replacements)
    assert any(word in to for _, to in result.replacements)


def test_replacements_are_listed_in_order_and_the_rest_is_kept(speller):
    typed = "ABC公司2024年想申清扶值资金（陀鸟养殖），电话0483-8229456。"
    result = speller.correct(typed)
    assert result == Correction(
        "ABC公司2024年想申请扶持资金（鸵鸟养殖），电话0483-8229456。",
        (("申清", "申请"), ("扶值", "扶持"), ("陀鸟养殖", "鸵鸟养殖")),
    )


def test_text_without_chinese_is_untouched(speller):
    for text in ("", "0483-8229456", "ABC 123!", "http://acc.mof.gov.cn", "，。？"):
        assert speller.correct(text) == Correction(text, ())


# -- precision ----------------------------------------------------------------------------------------------------

def test_no_line_of_the_guide_changes(speller, records):
    lines = GUIDE.read_text(encoding="utf-8").splitlines() + _guide_texts(records)
    changed = [(line, speller.correct(line).replacements) for line in lines if speller.correct(line).text != line]
    assert not changed, f"{len(changed)} of {len(lines)} guide lines changed, e.g. {changed[:5]}"


COLLOQUIAL = [
    "办下来要多久", "一般啥时候报", "得本人跑一趟吗", "我们公司新招了几个人", "截到啥时候", "钱大概多久能打到账上",
    "交完材料要等多久", "几天能好", "在不在", "你到底是不是真人", "帮我匹配一下政策", "还能申请别的补贴吗",
    "算了不填了", "联系人是谁", "补的钱能干啥用", "开网店的算个体户吗", "搞民宿的能贷款吗", "孵化机是自己买的",
    "想搞个文创工作室", "政府欠我们的账款有分歧", "盟水务局电话呢", "去年刚退役，在巴彦浩特开了家超市",
    "要填啥表", "个体户转成公司有补助吗", "公积金怎么提取出来", "截止日期是哪天", "评审要交费吗",
    "我们是小微企业", "成长型的呢", "身份证复印件要正反面吗", "审计报告必须要吗", "有失信记录能报吗",
    "营业执照刚办下来", "委托别人办行不行", "被驳回了能重新报吗", "老板是外地人行不行", "家庭农场呢",
    "招了个残疾人", "亏损能往后结转吗", "电子税务局登不上", "嘎查干部能帮忙拍照吗", "种梭梭的呢",
    "我是个体户", "不是", "转人工", "我想和真人说话", "有什么政策适合我们企业", "厂房是租的", "谢谢你",
    "罚款实在交不起", "这个机率大不大", "容我再想想",
]


@pytest.mark.parametrize("question", COLLOQUIAL)
def test_ordinary_questions_are_left_alone(speller, question):
    assert speller.correct(question) == Correction(question, ())


def test_guide_words_are_never_changed(speller, vocabulary):
    changed = [w for w in vocabulary if speller.correct(w).text != w]
    assert not changed, changed[:10]


# -- derived from the vocabulary, nothing else --------------------------------------------------------------------

def test_corrections_come_from_the_vocabulary_given():
    speller = Speller({"鸵鸟": 3, "申请": 10, "养殖": 5})
    assert speller.correct("陀鸟怎么申清").text == "鸵鸟怎么申请"
    assert Speller({}).correct("陀鸟怎么申清").text == "陀鸟怎么申清"
    assert Speller({"养殖": 5}).correct("陀鸟怎么申清").text == "陀鸟怎么申清"


def test_guide_vocabulary_counts_words_of_two_chinese_characters(segmenter):
    texts = ["申请专项资金，我想申请", "企业 ABC 1000万元"]
    vocab = guide_vocabulary(texts, segmenter, ["崇军贷", "申请", "A", "贷"])
    assert vocab["申请"] == 2  # extra words add nothing to a counted word
    assert vocab["崇军贷"] == 1  # but are there once at least
    assert "企业" in vocab
    assert all(sum("\u3400" <= ch <= "\u9fff" for ch in w) >= 2 for w in vocab)
    assert "A" not in vocab and "贷" not in vocab and "ABC" not in vocab


# -- the general dictionary, shared with the segmenter -------------------------------------------------------------

def test_general_counts_read_through_the_segmenter_are_jiebas_own(segmenter):
    own = jieba.Tokenizer()
    own.check_initialized()
    shared = GeneralCounts(segmenter.tokenizer, segmenter.words_to_add)
    assert shared.total == own.total != segmenter.tokenizer.total
    assert all(shared.get(w) == own.FREQ.get(w, 0) for w in segmenter.words_to_add)
    assert all(shared.get(w) == n for w, n in own.FREQ.items())
    assert any(segmenter.tokenizer.FREQ[w] != own.FREQ.get(w, 0) for w in segmenter.words_to_add)  # it matters


def test_a_speller_over_the_shared_dictionary_corrects_the_same(vocabulary, speller, segmenter):
    shared = Speller(vocabulary, GeneralCounts(segmenter.tokenizer, segmenter.words_to_add))
    asked = [row["q"] for path in sorted(DATA.glob("*questions.jsonl")) for row in load_jsonl(path)]
    asked += [t["user"] for path in sorted(DATA.glob("*conversations*.jsonl")) for row in load_jsonl(path)
              for t in row["turns"]]
    asked += ["陀鸟怎么申清", "高新技术企叶", "崇君贷", "不动产等级", "稳岗反还要多久", "扶值资金", "科技计化项目"]
    corrected = [speller.correct(q) for q in asked]
    assert sum(bool(c.replacements) for c in corrected) >= 7
    assert [shared.correct(q) for q in asked] == corrected
