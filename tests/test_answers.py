"""Answers composed from the guide: exact phones, region first, honest out-of-scope replies."""

from __future__ import annotations

import re

import pytest

from .conftest import DATA, guide_phones, load_jsonl

PHONE_LIKE = re.compile(r"\d{3,4}\s*[-—–]\s*\d{7,8}|(?<!\d)1\d{10}(?!\d)|(?<![\d.])123\d{2}(?![\d.])")


def test_phones_in_answers_are_normalised_and_real(assistant):
    answer = assistant.ask("科技标杆企业找谁咨询")
    assert answer.policy == 16
    assert "0483-8331872" in answer.answer and "—" not in answer.answer
    assert [c.phone for c in answer.contacts] == ["0483-8331872"]


def test_no_answer_contains_a_phone_the_guide_does_not_print(assistant):
    phones = guide_phones()
    for q in load_jsonl(DATA / "dev_questions.jsonl"):
        text = assistant.ask(q["q"]).answer
        for found in PHONE_LIKE.findall(text):
            assert re.sub(r"\s*[-—–]\s*", "-", found) in phones, (q["q"], found)


def test_region_named_in_the_question_comes_first(assistant):
    answer = assistant.ask("额济纳旗申报战新资金找谁")
    assert answer.policy == 1 and answer.region == "额济纳旗"
    assert answer.contacts[0].region == "额济纳旗" and answer.contacts[0].phone == "0483-6521855"
    assert answer.answer.index("0483-6521855") < answer.answer.index("0483-8229456")


def test_region_given_by_the_caller_overrides_the_order(assistant):
    answer = assistant.ask("不动产登记找哪个电话", region="阿拉善右旗")
    assert answer.policy == 49
    assert answer.contacts[0].phone == "0483-6026585"
    assert len(answer.contacts) == 5  # every phone is still there, only the order changes


@pytest.mark.parametrize("question", ["护照在哪里办理", "今天阿拉善天气怎么样", "帮我写一首关于沙漠的诗",
                                      "我们出口的货 退税款多久能退下来", "公司想注册个商标 去哪弄",
                                      "换了城市 社保咋转过去", "羊肉出口要办啥检疫",
                                      "被罚了五千块 能不能缓交罚款", "工人社保停缴了半年 还能补交吗",
                                      "注册一个实用新型专利 一般要多少钱", "想买台收割机 国家有补贴吗"])
def test_out_of_scope_is_said_honestly(assistant, question):
    answer = assistant.ask(question)
    assert answer.policy is None and answer.field == "none"
    assert "没有涉及" in answer.answer
    assert not PHONE_LIKE.search(answer.answer)  # no invented number to call


def test_a_neighbouring_topic_says_where_to_turn(assistant):
    answer = assistant.ask("医保卡丢了怎么补办")
    assert answer.policy is None
    assert "医疗保障部门" in answer.answer


def test_field_answer_quotes_the_section_and_cites_it(assistant):
    answer = assistant.ask("高新技术企业认定有什么奖励")
    assert answer.policy == 17 and answer.field == "amount"
    assert "15万元" in answer.answer and "20万元" in answer.answer
    assert "第17项" in answer.citation and "补助奖励标准" in answer.citation and "原文第" in answer.citation


def test_materials_question_lists_the_materials(assistant):
    answer = assistant.ask("小微企业创业担保贷款需要什么材料")
    assert answer.policy == 22 and answer.field == "materials"
    assert "企业现有职工花名册" in answer.answer and "0483-8771031" in answer.answer


def test_deadline_written_in_the_process_is_found(assistant):
    answer = assistant.ask("鸵鸟规模化养殖补贴什么时候之前报送")
    assert answer.policy == 9
    assert "次年1月30日前" in answer.answer


def test_overview_is_short_and_offers_the_rest(assistant):
    answer = assistant.ask("崇军贷")
    assert answer.policy == 26 and answer.field == "overview"
    for part in ("适用对象", "申报条件", "0483-8331241"):
        assert part in answer.answer
    assert len(answer.answer) < 300 and "详细内容" in answer.offers
    reading = assistant.read("崇军贷")
    detail = assistant.answer(reading, entry=26, detail=True)
    assert "适用范围" in detail.answer and len(detail.answer) > len(answer.answer)


def test_close_entries_are_told_apart(assistant):
    answer = assistant.ask("移出经营异常名录要什么材料")
    assert answer.policy in (43, 46)
    other = 46 if answer.policy == 43 else 43
    assert other in [a.policy for a in answer.alternatives]
    assert "个体工商户" in answer.answer


def test_a_document_part_by_number(assistant):
    answer = assistant.ask("人才政策第十三条是什么内容")
    assert answer.policy == 52
    assert "人才派驻" in answer.answer and "博士研究生" in answer.answer


def test_follow_up_fixes_the_entry(assistant):
    answer = assistant.ask("需要什么材料", entry=17)
    assert answer.policy == 17 and answer.field == "materials"
    assert "高新技术企业认定申请书" in answer.answer


def test_answer_json_has_the_documented_keys(assistant):
    data = assistant.ask("车船税怎么优惠").to_dict()
    assert {"policy", "title", "field", "answer", "contacts", "citation", "alternatives"} <= set(data)
    assert data["policy"] == 33 and data["contacts"][0]["phone"] == "0483-8332222"


def test_a_question_for_the_parts_of_a_document_lists_them(assistant):
    parts = assistant.ask("五篇大文章都有哪些方面").answer
    assert all(w in parts for w in ("科技金融", "绿色金融", "普惠金融", "养老金融", "数字金融"))
    whole = assistant.ask("民营经济工作要点包括哪几部分").answer
    assert "共7部分" in whole and "六、强化党建引领" in whole
    # a list inside a sentence is not a part's sub-headings: the sentence answers
    assert "统计组" in assistant.ask("融资协调机制设了哪几个工作组").answer


def test_a_value_the_entry_does_not_state_is_said_to_be_missing(assistant):
    # the 崇军贷 entry gives no amount, rate or term: no neighbouring line stands in for one
    answer = assistant.ask("崇军贷最多能贷多少钱").answer
    assert "没有写明" in answer and "0483-8331241" in answer
    assert "没有写明" not in assistant.ask("崇军贷要带什么材料").answer


def test_a_part_of_a_specific_word_finds_its_sentence(assistant):
    # 限制 alone asks for conditions (有限制); inside 限制类 it is what the question is about
    answer = assistant.ask("搞限制类产业的公司还能按小型微利企业享受优惠吗")
    assert answer.policy == 29 and "非限制和禁止行业" in answer.answer


def test_a_list_announced_by_the_heading_of_the_quoted_item_is_quoted_whole(assistant):
    answer = assistant.ask("公司招了失业人员减税，备查的东西都有哪些")
    assert answer.policy == 34
    assert "《就业创业证》" in answer.answer and "就业认定证明" in answer.answer and "实际工作时间表" in answer.answer


def test_the_chat_reply_cites_the_entry_and_the_card_keeps_the_lines(assistant):
    answer = assistant.ask("科技型中小企业入库了奖多少")
    assert "出处：指南第18项" in answer.answer and "行）" not in answer.answer
    assert "原文第" in answer.citation


def test_running_back_and_forth_is_the_guide_s_errand(assistant):
    # 来回跑 is 跑腿: the 帮办代办 notice says the enterprise is spared it (免跑腿)
    answer = assistant.ask("找政府帮办代办的话 公司还用跑来跑去吗")
    assert answer.policy == 56 and "免跑腿" in answer.answer


def test_papers_not_ready_in_time_is_the_guide_s_promise_to_complete_later(assistant):
    answer = assistant.ask("企业移出经营异常名录 年度报表一时交不上怎么办")
    assert answer.policy == 43 and "15个工作日" in answer.answer


def test_two_paths_that_differ_by_a_detail_are_both_given_under_their_headings(assistant):
    # entry 51 states the 受理 time twice: 5 working days for a penalty of the market regulator (（一）), 3 for one
    # of another department (（二）); a question that does not say which gets both, each under its path
    text = assistant.ask("信用修复一件事 提交申请后几天受理 几天出决定").answer
    assert "5个工作日" in text and "3个工作日" in text
    first, second = text.index("（一）修复市场监管部门"), text.index("（二）修复其他部门")
    assert first < text.index("5个工作日") < second < text.index("3个工作日")


def test_sentences_know_the_sub_part_they_sit_under(assistant):
    from policybot.selection import units_of
    units = units_of(assistant.record(51))
    three = next(u for u in units if "3个工作日内决定是否受理" in u.text)
    assert three.block.startswith("（二）修复其他部门作出的行政处罚信息")
    assert all(not u.block for u in units if u.section.heading.startswith("一、"))


def test_a_patent_the_guide_counts_is_not_the_patent_office_s_business(assistant):
    # "专利…多少钱" is a neighbouring topic; the patents an entry's conditions count are the guide's own
    answer = assistant.ask("国家高新技术企业认定 对发明专利有啥要求")
    assert answer.policy == 17 and "没有涉及" not in answer.answer


def test_a_pair_of_paths_ranking_close_below_a_distractor_is_given_whole(assistant):
    # a sentence naming the penalising department among a dozen others ranks first; the two 受理 paths just below
    # it are what the question asks about
    text = assistant.ask("在信用中国网站修复 几天能受理").answer
    assert "5个工作日" in text and "3个工作日" in text and "（二）修复其他部门" in text


def test_the_department_that_imposed_the_penalty_picks_the_path(assistant):
    # 统计局 is one of the 其他部门 (not 市场监管): its path alone, on 信用中国, 3 working days to accept
    text = assistant.ask("被统计局罚了 在信用中国网站修复 几天能受理").answer
    assert "3个工作日" in text and "5个工作日" not in text


@pytest.mark.parametrize("question, says, not_says", [
    # a quantity asked of a thing ("多少水") is answered by the sentence giving a number for it, in the sub-part the
    # question names (节水, not the 节能 part beside it)
    ("节水技改 一年要省多少水", "5万吨", "2000吨"),
    ("工业绿色化改造 节能技改的一年要省多少", "2000吨", "5万吨"),
    ("科技型中小企业 人数上限是多少", "500人", None),
    # two entries named alike (种鸵鸟, 燕麦): the one paying per 亩 answers "一亩能补多少"
    ("种鸵鸟要的燕麦 一亩能补多少", "100元", "3000元"),
    # a rate asked per a unit ("一亩地补多少"): the sentence giving it per that unit, before who the user is
    ("我们是养鸵鸟的合作社 苜蓿一亩地补多少", "每亩600元", None),
    # a word's meaning asked: the sentence that defines it
    ("个体户减税里说的毕业年度是啥意思", "1月1日至12月31日", None),
    ("鸵鸟牧草补贴 优质牧草包括哪些", "苜蓿和燕麦", None),
    # "抵几年" asks how long the benefit lasts
    ("企业招了退役士兵 税能抵几年", "36个月", None),
    # each list item quoted is quoted under its own class (高端人才（D类）), not under the first item's
    ("公司年营业收入5个亿，总经理在人才目录里算哪类", "四、高端人才（D类）", None),
    # "什么企业可以报" asks who the entry is for
    ("专精特新中小企业 什么企业可以报", "微型工业企业", None),
])
def test_the_sentence_that_answers_leads(assistant, question, says, not_says):
    text = re.sub(r"\s", "", assistant.ask(question).answer)
    assert says in text
    assert not_says is None or not_says not in text


def test_words_that_tell_an_entry_s_sub_parts_apart(assistant):
    selector = assistant.composer.selector
    assert {"节水", "节能"} <= selector.block_words(assistant.record(2))
    # a word said all over the entry (its subject) names none of its sub-parts
    assert "行政处罚" not in selector.block_words(assistant.record(51))


def test_an_entry_named_as_what_the_firm_is_is_not_the_subject(assistant):
    # 高新技术企业 is who asks; 人才政策, named after it, is what the question is about
    reading = assistant.read("我们公司是高新技术企业 人才政策能给啥支持")
    assert reading.result.hits[0].entry == 52
    # without "我们是" both names are asked about alike: the search decides
    assert assistant.read("高新技术企业认定奖励多少").result.hits[0].entry == 17


def test_half_a_year_is_a_duration_against_the_founding_time_condition(assistant):
    text = assistant.ask("退伍兵的个体户开了才半年 能申请崇军贷不").answer
    assert "不受成立时间限制" in text


def test_which_n_of_them_asks_for_the_list_of_a_part(assistant):
    # "哪五个" counts the parts asked for, as "哪几个" does
    text = assistant.ask("听说金融有五篇大文章 都是哪五个").answer
    assert all(w in text for w in ("科技金融", "绿色金融", "普惠金融", "养老金融", "数字金融")), text


def test_which_kinds_a_service_tells_apart(assistant):
    text = assistant.ask("工业绿色化改造项目分几类").answer
    assert all(w in text for w in ("节能技术改造", "节水技术改造", "综合利用")), text
    # naming one of the kinds asks about that one, not for the list
    assert "分3类" not in assistant.ask("节水技术改造项目有哪几种条件").answer
