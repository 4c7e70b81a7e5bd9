"""The conversation logic without Rasa (policybot/conversation.py over the real assistant): follow-ups, numbers,
typos, the part of an entry that answers, chat-sized replies, two entries, hand-off words, honest declines,
the profile questions. The questions here are in no evaluation file."""

from __future__ import annotations

import re

import pytest

from knowledge.vocab import facts as load_facts
from policybot.conversation import Conversation, State


@pytest.fixture(scope="module")
def conv(assistant) -> Conversation:
    return Conversation(assistant, load_facts())


def play(conv: Conversation, *messages: str) -> list[str]:
    """Messages in one session; the replies' texts. State moves between turns as the Rasa slots would."""
    state = State()
    out = []
    for m in messages:
        reply = conv.answer(m, state)
        for key in ("policy", "field", "region", "options", "offered", "subject"):
            if key in reply.updates:
                setattr(state, key, reply.updates[key])
        out.append(reply.text)
    return out


def test_a_number_in_a_question_is_part_of_it(conv):
    (reply,) = play(conv, "我养了80只鸵鸟幼鸟，能补贴吗")
    assert "100只" in reply and "没有找到您选的" not in reply


def test_a_number_is_a_choice_only_right_after_a_list(conv, assistant):
    state = State(policy=43, options=[46, 44], offered=[])
    assert "100只" in conv.choose(state, text="买了120只幼鸟能补多少").text  # no list: answered as a question
    bare = conv.choose(state, text="2")  # no list: nothing to choose, and "2" is no question either
    assert "没有列出" in bare.text and "出处" not in bare.text
    state.offered = [46, 44]
    assert "个体工商户" in conv.choose(state, text="1").text


def test_follow_ups_stay_on_the_entry(conv):
    first, second, third = play(conv, "企业被列入经营异常名录了怎么修复", "大概多少天能办结", "额济纳的电话呢")
    assert "经营异常" in first
    assert "三个工作日" in second
    assert "0483-6521667" in third


def test_naming_another_entry_changes_the_topic(conv):
    _, second = play(conv, "高新技术企业认定有什么奖励", "那科技型中小企业呢")
    assert "5万元" in second


@pytest.mark.parametrize("typo, expected", [("崇军袋要带什么材料", "户口本"), ("高新技术企叶认定奖多少", "15万元"),
                                            # the typo's first character glued to the word before it (拿稳)
                                            ("去年裁了人 还能拿稳刚返还吗", "稳岗返还")])
def test_typos_of_the_guides_words(conv, typo, expected):
    (reply,) = play(conv, typo)
    assert expected in reply and "没有涉及" not in reply


def test_an_unknown_word_does_not_decline_a_clear_question(conv):
    (reply,) = play(conv, "退伍兵开个体户，今年才干了5个月，减免额度咋算")
    assert "没有涉及" not in reply and "退役士兵" in reply


def test_the_sentence_that_answers_leads(conv):
    (reply,) = play(conv, "小巨人申报对营业收入有没有要求")
    assert "营业收入" in reply.split("\n")[0] and "亿元" in reply


def test_replies_are_chat_sized_with_the_rest_offered(conv, assistant):
    state = State()
    reply = conv.answer("企业被列入经营异常名录了多久能移出", state)
    assert len(reply.text) < 400 and reply.text.count("0483") <= 2
    assert {"详细内容", "全部电话"} <= {b["title"] for b in reply.buttons}
    state.policy, state.field = reply.updates["policy"], reply.updates["field"]
    phones = conv.answer("全部电话", state).text
    assert phones.count("0483") >= 5


def test_a_materials_question_gets_the_whole_list(conv):
    (reply,) = play(conv, "崇军贷要准备哪些东西，材料清单发我")
    for item in ("夫妻双方身份证", "户口本", "结婚证", "营业执照"):
        assert item in reply


def test_two_entries_named_side_by_side_are_both_answered(conv):
    (reply,) = play(conv, "技术合同登记和科技型中小企业分别能补多少")
    assert "5万元" in reply and "500万元" in reply and reply.count("出处") == 2


def test_a_declined_question_suggests_nothing_unrelated(conv):
    _, reply = play(conv, "高新技术企业认定有什么奖励", "我家孩子上幼儿园怎么报名")
    assert "没有涉及" in reply and "0483" not in reply and "如果您问的是" not in reply


def test_profile_questions_fit_the_entity_type(conv):
    assert conv.missing_facts({"entity_type": "农民专业合作社"})[0] != "enterprise_size"
    assert "enterprise_size" not in conv.missing_facts({"entity_type": "个体工商户"})
    assert "owner_groups" not in conv.missing_facts({"entity_type": "企业"})
    assert "企业" not in conv.ask_fact("hires", "个体工商户").text


def test_asking_the_phone_number_is_not_asking_an_amount(conv):
    _, reply = play(conv, "养了60只鸵鸟幼鸟能补不", "电话多少")
    assert "0483-8339956" in reply and "100元" not in reply


def test_who_they_are_and_support_in_general_gets_what_fits(conv):
    # no policy named, only the facts and 补贴/政策/优惠: the entries that fit, not one entry sharing a word
    reply = conv.answer("我是开面馆的个体户，能拿到啥补贴", State())
    assert "政策可能适合您" in reply.text and "经营主体：个体工商户" in reply.text
    assert reply.updates["entity_type"] == "个体工商户"
    assert any(b["payload"] == "/start_matching" for b in reply.buttons)
    # a policy named beside the facts is answered as a question
    named = conv.answer("个体户能申请崇军贷吗", State())
    assert "政策可能适合您" not in named.text and "崇军贷" in named.text


def test_an_elliptic_follow_up_keeps_the_frame_of_the_entry(conv):
    # "X呢" after a hiring entry changes who is hired, not the kind of policy: 企业吸纳退役士兵 (35), not the
    # veterans' own business (37), though both name 自主就业退役士兵
    _, second = play(conv, "招用脱贫人口的企业能减免多少", "要是招自主就业的退役士兵呢")
    assert "9000元" in second and "24000元" not in second


def test_a_benefit_granted_by_name_comes_with_its_amount(conv):
    # the condition sentence names 一次性创业带动就业补贴; its amount is stated in another section
    _, reply = play(conv, "开了个小店，有一次性创业补贴吗", "带动了3个人就业，社保交满一年了，还有啥")
    assert "带动就业补贴20000元" in reply.replace(" ", "")


def test_how_it_is_subsidised_asks_for_the_rate(conv):
    (area,) = play(conv, "鸵鸟孵化车间新建了600平，怎么补")
    assert "500元" in area.replace(" ", "")


def test_a_new_subject_announced_is_not_a_follow_up(conv):
    # after the loan entry (whose conditions name 脱贫人口 and 退役军人), "换个问题", "顺便问下" say that what
    # follows is a subject of its own
    _, second = play(conv, "创业担保贷款要什么条件", "换个问题，招了脱贫户企业能减税不")
    assert "企业吸纳重点群体" in second
    _, second = play(conv, "崇军贷能贷多少", "顺便问下，退役士兵自己开店能减税不")
    assert "24000元" in second


def test_a_yes_no_eligibility_question_hears_what_they_would_get(conv):
    (reply,) = play(conv, "小型微利企业能享受六税两费不")
    assert "小型微利企业" in reply and "减半征收" in reply


def test_a_list_announced_by_the_answer_is_quoted_with_it(conv):
    # "…将以下资料留存备查：" announces the answer; its items (1)–(3) are the answer
    (reply,) = play(conv, "企业招用自主就业退役士兵减税，要把哪些资料留存备查")
    assert "劳动合同" in reply and "工作时间表" in reply


def test_counting_people_is_not_asking_about_ones_own_social_insurance():
    from knowledge.curated import load_topics
    from policybot.scope import neighbouring_topic

    topics = load_topics()
    assert neighbouring_topic("我招了4个人 社保都交满一年了", topics) is None
    assert neighbouring_topic("带了三个人 社保交了", topics) is None
    assert neighbouring_topic("我个人社保断了怎么补", topics) is not None


def test_a_neighbouring_topic_after_a_negation_is_a_situation_not_a_question():
    from knowledge.curated import load_topics
    from policybot.scope import neighbouring_topic

    topics = load_topics()
    assert neighbouring_topic("还没注册公司 能先入驻吗", topics) is None
    assert neighbouring_topic("注册公司要多长时间", topics) is not None


def test_who_asks_and_filler_words_do_not_make_a_question_uncovered(conv):
    # 朋友, 另外, 大半年 say who asks or when, not what about
    (friend,) = play(conv, "我朋友的个体户被列进经营异常名录了 在阿右旗 找谁")
    assert "15690943230" in friend and "没有涉及" not in friend
    (later,) = play(conv, "另外我登记失业大半年了 开了个小店 税上能减多少")
    assert "没有涉及" not in later and "24000元" in later


@pytest.mark.parametrize("text", ["我那个体户想转成企业，给补助不", "我个体户想升级成公司，有啥支持"])
def test_a_sole_trader_becoming_a_company_is_the_guides_ge_zhuan_qi(conv, text):
    (reply,) = play(conv, text)
    assert "10万元" in reply.replace(" ", "") and "没有涉及" not in reply


def test_just_opened_asks_about_the_founding_time_condition(conv):
    (reply,) = play(conv, "个体户才成立三个月，崇军贷能申请不")
    assert "不受成立时间限制" in reply


def test_asking_which_loans_there_are_lists_them_for_the_user(conv, assistant):
    (reply,) = play(conv, "我是个体户，想贷点款，有啥贷款")
    listed = [int(n) for n in re.findall(r"第(\d+)项", reply)]
    loans = [e for e, r in assistant.records.items() if "贷" in r.title]
    assert listed and set(listed) <= set(loans)
    # the loans only for companies (小微企业创业担保贷款 …) are left out for a 个体工商户
    assert all("个体工商户" in assistant.records[e].audience.restrict.get("entity_type", ("个体工商户",))
               for e in listed)
    # asked about one loan, "能不能贷款" stays with it
    _, second = play(conv, "崇军贷是干啥的", "能不能贷款")
    assert "崇军贷" in second and "贷款类政策" not in second


@pytest.mark.parametrize("message", ["个体户能贷款不", "我在阿左旗开了个小超市 个体户 能贷款吗"])
def test_can_i_borrow_lists_the_loans_too(conv, message):
    (reply,) = play(conv, message)  # seen over REST: 个体工商户移出经营异常名录, the entry 个体户 matched best
    assert "贷款类政策" in reply


def test_facts_with_a_question_for_loans_want_an_answer(conv):
    assert conv.wants_answer("我开了个小饭馆 有没有贷款", State())
    assert not conv.wants_answer("我开了个小饭馆", State())


def test_also_keeps_the_frame_of_the_entry_under_discussion(conv):
    # "也能…吗" asks the same thing about someone else: the sibling entry that speaks of them, not the loan
    # whose name shares the most words
    first, second = play(conv, "我是脱贫户开了个个体户，税能减多少", "我弟弟是退伍兵，也开了个店，也能减吗")
    assert "个体经营" in first and "【退役士兵个体经营税费减免政策】" in second


def test_who_else_may_use_it_stays_with_the_entry_its_scope_answers(conv):
    # no close entry of the same frame speaks of 合作社: the scope of the entry under discussion answers
    _, reply = play(conv, "个体户的个人所得税能减多少", "合作社也能享受吗")
    assert reply.startswith("【个人所得税税收优惠政策】") and "个体工商户" in reply


def test_who_is_paid_is_answered_by_the_sentence_that_says_so(conv):
    # 发给 (a synonym of 发放) is what the question is about, though 打给 asks for a phone
    _, reply = play(conv, "种鸵鸟场建设补贴有多少", "钱最后发给谁")
    assert reply.startswith("【种鸵鸟场建设补贴项目】盟特色产业发展中心整理汇总") and "直接发放至" in reply


def test_the_section_that_holds_the_asked_field_alone_leads(conv):
    # 稳岗返还 has "申报条件或补助标准" (mostly conditions) beside "奖励（政策）标准" (the rates)
    for question in ("稳岗返还 咱是个小企业 能返回来多少", "失业保险稳岗返还能返多少"):
        (reply,) = play(conv, question)
        assert "60%" in reply.split("\n")[0], question


def test_numbers_about_the_user_do_not_change_the_topic(conv):
    # "一共12个人": the numbers are the user's own, not another entry's subject
    _, reply = play(conv, "失业保险稳岗返还能返多少", "我们店总共12个人 去年辞了1个 还能领吗")
    assert reply.startswith("【失业保险稳岗返还】") and "20%" in reply


def test_the_other_case_of_a_follow_up_stays_with_the_entry_when_no_sibling_keeps_its_frame(conv):
    # no other entry is about 不动产登记 fees: "不是小微的呢" is the other case of this entry's fee
    _, _, reply = play(conv, "厂房历史遗留的不动产证 在哪办", "小微企业登记要交钱吗", "不算小微的呢")
    assert reply.startswith("【进一步解决全盟企业用地厂房不动产登记历史遗留问题】") and "550元" in reply


def test_a_long_section_is_answered_by_its_best_sentences_not_its_first_blocks(conv):
    # 享受方式 of 重点群体个体经营 runs over 1,000 characters: the sentence about the certificate leads
    _, reply = play(conv, "我是应届毕业生 开了个个体户", "得先办什么证件")
    assert "《就业创业证》" in reply.split("\n")[0]


def test_does_it_cut_taxes_is_answered_with_the_amount(conv):
    (reply,) = play(conv, "大学刚毕业开个体户 减税吗")
    assert "24000元" in reply


def test_the_same_question_about_a_named_entry_switches_even_where_the_current_one_mentions_it(conv):
    # 小巨人's conditions mention 省级专精特新; "那…呢，…" asks the same about that entry
    _, reply = play(conv, "专精特新小巨人的申报条件", "那省级专精特新中小企业呢 都要满足啥")
    assert reply.startswith("【创新型中小企业和专精特新中小企业】")


def test_by_the_way_with_a_subject_is_a_new_question(conv):
    # "对了" announces another subject: 网店 is none of the guide's, though 注册 is in the entry under discussion
    _, reply = play(conv, "高新技术企业认定奖多少", "对了 注册个网店多久能下来")
    assert "没有涉及" in reply and "0483" not in reply
    _, reply = play(conv, "高新技术企业认定奖多少", "对了，电话多少")
    assert reply.startswith("【国家高新技术企业】") and "0483-8331872" in reply


def test_applying_for_a_named_entry_switches_to_it(conv):
    # 小巨人's conditions mention 专精特新中小企业; applying for it is asking about that entry
    _, reply = play(conv, "专精特新小巨人资产负债率有要求吗", "我们做工业软件的 能申报专精特新中小企业吗")
    assert reply.startswith("【创新型中小企业和专精特新中小企业】")


def test_how_much_in_all_is_a_question_about_the_guide(conv):
    # 总共 is how the user counts, not a subject the guide lacks
    (reply,) = play(conv, "养鸵鸟的各种补贴 全盟一年加起来总共最多给多少")
    assert "200万元" in reply


def test_x_then_a_question_keeps_the_question_for_the_sibling_entry(conv):
    # "个体户呢 也是这么久吗": the 个体工商户 version of the entry, asked the same thing (how long)
    _, reply = play(conv, "企业被列入经营异常名录 多久能移出来", "个体户呢 也是这么久吗")
    assert reply.startswith("【个体工商户移出经营异常名录】") and "三个工作日" in reply


def test_x_ne_switches_to_the_entry_whose_title_holds_x(conv):
    _, reply = play(conv, "鸵鸟孵化基地建设补贴怎么补", "龙头企业呢 奖励多少")
    assert reply.startswith("【培育壮大鸵鸟产业龙头企业奖励】")


def test_a_negated_other_case_stays_with_the_entry(conv):
    _, _, reply = play(conv, "厂房历史遗留的不动产证 在哪办", "小微企业登记要交钱吗", "不是小微的呢")
    assert reply.startswith("【进一步解决全盟企业用地厂房不动产登记历史遗留问题】") and "550元" in reply


def test_three_things_asked_at_once_are_all_answered(conv):
    (reply,) = play(conv, "创业担保贷款小微企业那种 额度上限多少 期限多长时间 新招的人得占多少")
    assert "400万元" in reply and "2年" in reply and "10%" in reply


def test_x_ne_about_the_entry_under_discussion_wants_an_answer_though_it_states_a_fact(conv):
    # "大型企业呢" states a size; after an answer it asks the last question again for a large firm
    assert conv.wants_answer("大型企业呢", State(policy=38, field="amount"))
    assert not conv.wants_answer("大型企业", State(policy=38, field="amount"))


def test_of_two_names_the_entry_that_mentions_the_other_is_the_subject(conv):
    _, reply = play(conv, "小巨人资产负债率有要求吗", "那专精特新中小企业 要是上了经营异常名录还能申报吗")
    assert reply.startswith("【创新型中小企业和专精特新中小企业】") and "经营异常名录" in reply


def test_a_named_entry_far_ahead_is_the_subject_though_the_current_one_lists_it(conv):
    # 六税两费 lists 房产税 among its taxes; the question is the 房产税 entry's own
    _, reply = play(conv, "六税两费是哪几个税", "我们小规模 一个月卖2万多 房产税还用交吗")
    assert reply.startswith("【房产税和城镇土地使用税税收优惠政策】") and "3万元" in reply


def test_questions_side_by_side_about_two_entries_are_both_answered(conv):
    (reply,) = play(conv, "高新技术企业认定了奖多少？科技型中小企业入库呢 奖多少")
    assert "【国家高新技术企业】" in reply and "【科技型中小企业】" in reply and "5万元" in reply
    # a clause that names nothing is about the entry the clause before is about
    (reply,) = play(conv, "个体户上了经营异常名录 去哪个部门办 要带啥")
    assert reply.count("【") == 1


def test_by_the_way_with_the_entry_s_own_words_stays_with_it(conv):
    _, reply = play(conv, "公司被列进经营异常名录了 要准备啥材料", "对了 多久能移出去")
    assert reply.startswith("【企业移出经营异常名录】") and "三个工作日" in reply


def test_a_clause_in_the_words_of_the_entry_the_clause_before_is_about_stays_with_it(conv):
    (reply,) = play(conv, "厂房不动产登记历史遗留问题 几天能办完 小微企业收费不")
    assert reply.count("【") == 1 and "0.5天" in reply and "免收" in reply


def test_a_neighbouring_topic_after_an_answer_is_declined_not_answered_from_the_entry(conv):
    _, reply = play(conv, "小型微利企业所得税怎么减", "那出口退税多久能到账")
    assert "没有涉及" in reply and "0483" not in reply


def test_a_part_of_a_policy_document_is_found_by_its_name_after_another_entry(conv):
    # 个人创业担保贷款 is item 19 of the 民营企业发展奖励措施, not the 小微企业 loan under discussion
    _, reply = play(conv, "小微企业创业担保贷款能贷多少", "个人创业担保贷款呢 最多贷多少")
    assert "30万元" in reply


def test_how_a_figure_is_worked_out_is_answered_with_the_formula(conv):
    (reply,) = play(conv, "退役士兵自己开的店 才开了3个月 今年的减免限额怎么算")
    assert "实际经营月数" in reply


def test_x_ne_with_a_phone_request_asks_the_last_question_again_and_the_phone(conv):
    _, reply = play(conv, "小巨人企业资产负债率有啥要求", "那省级专精特新呢 顺便给个电话")
    assert reply.startswith("【创新型中小企业和专精特新中小企业】") and "0483-8335975" in reply
    assert "咨询电话" in reply and len(reply.split("\n")) > 3


def test_a_clause_about_a_fact_word_is_about_the_entry_whose_title_holds_it(conv):
    (reply,) = play(conv, "严重违法失信名单要满多久才能申请提前移出？行政处罚公示的呢")
    assert reply.count("【") == 2


def test_two_questions_about_one_entry_without_field_words_get_a_sentence_each(conv):
    (reply,) = play(conv, "融资协调工作机制 召集人是哪位 办公室放哪了")
    assert reply.count("【") == 1 and "孟和" in reply and "设在盟发展改革委" in reply


def test_in_case_of_questions_asks_the_entry_under_discussion_for_its_phone(conv):
    # "有问题" says when the user will call, not what about: entry 49's 历史遗留问题 is not meant
    _, reply = play(conv, "科技型中小企业评价入库要什么条件", "有问题的话打哪个电话")
    assert "0483-8331872" in reply and "第18项" in reply and "不动产" not in reply


def test_facts_are_read_through_a_synonym_that_is_another_spelling(conv):
    # 驼鸟 is how many write 鸵鸟 (synonyms.yml): the sector is read as the guide names it
    assert conv.facts_in("我们合作社是养驼鸟的 规模小")["sector"] == "鸵鸟产业"


def test_what_the_user_said_of_the_business_is_the_subject_of_a_bare_question(conv):
    # no entry under discussion, only the profile: "列入严重违法失信名单" makes "多久能移出来" a question about it
    state = State(profile={"credit_issue": "严重违法失信名单", "entity_type": "企业"})
    reply = conv.answer("那我们多久能移出来", state)
    assert "没有涉及" not in reply.text and "严重违法失信" in reply.text
    assert "没有涉及" in conv.answer("那我们多久能移出来", State()).text  # nothing said: nothing to go on


def test_who_to_ask_where_the_entry_prints_no_phone_is_who_handles_it(conv):
    (reply,) = play(conv, "民营企业诉求 涉及两个旗区的事找谁帮办代办")
    assert "盟民营经济发展服务局" in reply
    # a phone asked for where none is printed: the reply says so and quotes nothing beside it
    _, reply = play(conv, "信用修复一件事是啥", "有事打哪个电话")
    assert "没有列出咨询电话" in reply and len(reply) < 80


def test_of_two_parallel_paths_the_one_the_question_names_is_answered(conv):
    # items 4 of （一）引领型 and （二）成长型 read alike; "成长型" names the second sub-part
    (reply,) = play(conv, "科技标杆企业 成长型的知识产权得有几件")
    assert "成长型" in reply.split("\n")[0] and "10件" in reply


def test_what_one_part_quoted_is_not_quoted_again_by_the_next(assistant):
    # the second part's whole section repeats the first part's sentences: they are quoted once
    parts = [assistant.read("种苜蓿喂鸵鸟 一亩地补多少钱"), assistant.read("最少要种多少亩")]
    text = assistant.answer(assistant.read("种苜蓿喂鸵鸟 一亩地补多少钱 最少要种多少亩"), entry=7, parts=parts).answer
    assert text.count("每亩600元补贴") == 1 and text.count("相对集中连片种植200亩为一个补助单元") == 1


# Cases whose last reply must say all of some words of the guide; each id names the mechanism it tests.
@pytest.mark.parametrize("messages, said", [
    pytest.param(["个体户个税减半征收有上限吗", "跟我别的个税优惠能一块用吗"], ["叠加享受"],
                 id="stacking_in_colloquial_words_finds_the_stacking_rule"),
    # read whole, "最高多少" asks one figure; the clause about how long the firm has existed gets its own sentence
    pytest.param(["专精特新小巨人 成立要满几年 资产负债率最高多少"], ["3年", "70%"],
                 id="each_clause_of_one_entry_is_answered_when_the_question_read_whole_leaves_one_out"),
    pytest.param(["工业用地提高容积率不交土地款 要满足啥条件", "条件够了以后还要做什么"], ["出让补充合同"],
                 id="what_comes_next_asks_for_the_process"),
    # 补贴 reads as the amount; the question is whether a 协议 is needed — the sentence that speaks of it follows
    pytest.param(["鸵鸟中小养殖户补贴 买了200只苗子 得和养殖企业签协议不"], ["代养协议"],
                 id="the_question_s_own_subject_is_answered_beside_the_asked_field"),
    # 个人 + 创业担保贷款 is what entry 53 is also called (个人创业担保贷款)
    pytest.param(["小微企业创业担保贷款要新招多少人", "那个人的呢 额度多少"], ["30万元", "第53项"],
                 id="the_changed_thing_in_the_current_name_names_another_entry"),
    # read whole, "电话多少" is all the question asks; the first clause asks whether a new firm may lead
    pytest.param(["科技计划项目 刚成立三个月的公司能当牵头单位吗，电话多少"], ["1年以上", "0483-8331216"],
                 id="a_clause_without_field_words_is_answered_beside_a_phone_clause"),
    pytest.param(["工业用地想提高容积率 还要补地价不，归哪个部门管"], ["不再增收土地价款", "自然资源部门"],
                 id="a_clause_whose_field_the_whole_reading_drops_is_answered"),
    # entry 5 mentions 专精特新中小企业 among its conditions; "那…专精特新中小企业，…" asks about entry 6 itself
    pytest.param(["小巨人的主营业务收入占比要多少", "那自治区级的专精特新中小企业 申报前得先认定成啥"], ["第6项", "创新型中小企业"],
                 id="then_and_a_name_at_the_opening_turn_to_that_entry"),
    pytest.param(["企业所得税小型微利企业怎么减", "我是个体户 被列入经营异常名录了 移出来要准备什么"], ["第46项", "守信承诺书"],
                 id="a_named_service_is_answered_in_its_version_for_the_user_s_kind_of_business"),
    pytest.param(["移出经营异常名录 登记住所证明一时拿不出来怎么办"], ["15个工作日"],
                 id="papers_one_cannot_produce_yet_are_the_guide_s_容缺"),
    # neither clause names an entry; the first is in entry 19's words, so both are about it
    pytest.param(["盟科技计划项目谁能牵头申报", "扫描件上传有大小限制没，电话多少"], ["10M", "0483-8331216"],
                 id="a_clause_in_the_words_of_the_entry_under_discussion_is_a_question_about_it"),
    pytest.param(["科技标杆企业 成长型的知识产权得有几件", "引领型的呢"], ["30件"],
                 id="the_same_question_about_a_sibling_sub_part"),
    pytest.param(["自主就业退役士兵 个体店刚开了三个月 今年能扣减多少"], ["24000元", "实际经营月数"],
                 id="less_than_a_year_brings_the_rule_that_prorates_the_figure"),
    pytest.param(["个体工商户移出经营异常名录要几天", "我老婆名下有个公司也被列进去了 要准备啥材料"], ["第43项", "财务报表"],
                 id="a_follow_up_about_another_kind_of_business_goes_to_its_version"),
    # entry 37 has no materials section; its conditions say which papers to keep (留存备查)
    pytest.param(["退役士兵开个体户减税 要留存啥证件"], ["退出现役证"],
                 id="materials_kept_among_the_conditions_answer_a_materials_question"),
    # 同时 says when, not what about: entry 19's "同时牵头承担…" is no reason to leave entry 1
    pytest.param(["战略性新兴产业专项资金项目总投资要多少", "一个企业能同时申报几个"], ["第1项", "1个项目"],
                 id="how_many_at_once_stays_with_the_entry_under_discussion"),
    # the quantity asked of the water is the number the 节水 sub-part gives, not a condition that merely says 节水
    pytest.param(["绿色化改造的节能项目 年节能量要达到多少", "那节水的呢"], ["5万吨"],
                 id="the_same_quantity_asked_of_a_sibling_sub_part"),
    # "还没办营业执照" says where the user stands; it does not ask how to get a licence (a topic the guide lacks)
    pytest.param(["退役军人创业孵化园 能免多少房租", "营业执照还没办下来 让进不"], ["3个月内"],
                 id="a_negated_neighbouring_topic_is_the_user_s_situation"),
    # each clause asks a quantity; the answer to the first gives no number for the second (分, 次)
    pytest.param(["科技型中小企业入库奖多少钱，评价分得多少"], ["5万元", "60分"],
                 id="a_second_quantity_the_first_answer_does_not_give_is_answered"),
    pytest.param(["小微企业创业担保贷款", "能借几回 审核几天"], ["3次", "3个工作日"],
                 id="how_many_times_is_a_count_in_次"),
    # "22年" is a date the user gives, not a subject that another entry's "2年" matches
    pytest.param(["战略性新兴产业专项资金 项目投资额最低多少", "企业22年才投的产，还能报不"], ["2021年12月31日"],
                 id="a_year_in_a_follow_up_is_no_reason_to_leave_the_entry"),
    # another entry scores higher on 建成 but holds no more of the message's words than the one under discussion
    pytest.param(["战略性新兴产业专项资金 项目投资额最低多少", "项目24年才建成，能报不"], ["2021年12月31日"],
                 id="a_higher_score_without_more_of_the_words_is_no_switch"),
    # "引领型的呢" asks the last question (研发投入强度) again about the other sub-part
    pytest.param(["科技标杆企业 成长型的研发投入强度要多少", "引领型的呢"], ["不低于4%"],
                 id="an_elliptic_follow_up_keeps_the_last_question_s_subject"),
    # 转到 is the guide's 转办: the clause asking it has its own sentence (1个工作日 内转办)
    pytest.param(["民营企业反映诉求 几天转到部门 简单的咨询多久办完"], ["1个工作日", "3个工作日"],
                 id="a_colloquial_word_for_the_guide_s_step_names_that_step"),
    # "还有一个…" announces another subject; "挂在网上" says where the penalty is shown, not how to apply
    pytest.param(["个体户移出经营异常名录要几天", "还有一个事 行政处罚一直挂在网上 能提前撤吗"], ["六个月"],
                 id="another_thing_announced_and_shown_online_is_not_the_process"),
    # a firm's 困难 is an 诉求 to raise (entry 56), not the 就业困难人员 of the employment entries
    pytest.param(["个体户转企业有补助吗", "公司有困难 去哪反映"], ["第56项"],
                 id="a_firm_s_difficulty_is_a_request_to_raise"),
    # leaving the entry under discussion, the one holding all the message's words (养殖基地) beats a higher score
    pytest.param(["鸵鸟孵化车间补多少", "我们的养殖基地存栏能到600只 有钱补不"], ["10%"],
                 id="a_switch_goes_to_the_entry_holding_the_message_s_words"),
    # "…这个": the entry under discussion, pointed at, though another entry's words (认定) score higher
    pytest.param(["企业招脱贫人口 一个人一年抵多少税", "那招退伍兵的呢", "退伍兵这个还得去人社那边办认定不"], ["第35项"],
                 id="this_one_points_at_the_entry_under_discussion"),
    # the entry under discussion gives the figure the message states (带动就业3人以上): it stays, though another
    # entry pays per person hired
    pytest.param(["个体户开满一年能拿一次性创业补贴吗", "那我带了3个人就业呢"], ["20000元"],
                 id="a_figure_the_entry_under_discussion_gives_keeps_it"),
    # 省级 is the 自治区 level in Inner Mongolia: after the 盟 level's reward, the same entry's 自治区 one
    # a penalty another department imposed (应急局, not 市场监管) is repaired on 信用中国, in other time limits (entry 51)
    pytest.param(["被应急局罚了两万 行政处罚信用修复在哪个网站弄"], ["信用中国"],
                 id="another_department_s_penalty_is_repaired_on_xinyong_zhongguo"),
    pytest.param(["行政处罚信息修复多少天办完", "我这个是住建局罚的 几天受理"], ["3个工作日"],
                 id="after_the_market_regulator_s_entry_another_department_s_penalty"),
    # 贷几年 asks the loan's term (an amount section's 期限), not how long the processing takes
    pytest.param(["小微企业创业担保贷款最多能借多少", "贷几年"], ["期限最长不超过2年"],
                 id="a_loan_s_term_is_not_a_processing_time"),
    # "提交了多久": a question word after what was done asks about it
    pytest.param(["行政处罚信息修复找谁", "材料提交了多久出结果"], ["十个工作日"],
                 id="a_duration_asked_after_what_was_done"),
    # 增值税 names entry 28, whose 月销售额10万元以下 the stated 6万 meets; 个体 had put 六税两费 ahead of it
    pytest.param(["开了个个体小超市 每个月营业额6万 增值税还交吗"], ["10万元以下"],
                 id="the_named_entry_whose_threshold_the_figure_meets"),
    # 交税 is the guide's 纳税; a question about tax is about the tax entries (37), not the veterans' loan its other
    # words resemble; 能少点 asks the amount
    pytest.param(["当过兵 开了个小卖部 交税能少点不"], ["24000"], id="a_tax_question_is_about_the_tax_entries"),
    # 当地 is the user's own 旗区, said before: the entry under discussion's phone there
    pytest.param(["厂子在额济纳 工业用地提高容积率还补地价不", "当地的电话给一个"], ["额济纳旗自然资源局：0483-6529310"],
                 id="the_local_phone_is_the_user_s_region_s"),
    # 照顾 (taken care of) on the tax side asks what the benefit is
    pytest.param(["应届毕业生开了个个体小卖部 税上能照顾点不"], ["24000"], id="being_taken_care_of_asks_the_benefit"),
    # 渠道 asks how and where to apply
    pytest.param(["厂房办不了不动产证的历史遗留问题 通过什么渠道申请"], ["蒙速办"], id="a_channel_asks_the_process"),
    pytest.param(["高企首次认定 盟里给多少后补助", "省级的呢"], ["15万元"],
                 id="the_provincial_level_is_the_autonomous_region_s"),
    # 食品类 is not a guide word; 食品 is, and "其他类的呢" asks the same of the other penalties
    pytest.param(["处罚公示 食品类满多长时间能修复", "其他类的呢"], ["六个月"],
                 id="a_word_the_guide_lacks_is_remembered_as_the_guide_word_it_opens_with"),
    # 刚注册/新注册 speak of 成立时间
    pytest.param(["公司新注册的 能申请小巨人企业吗"], ["企业成立3年以上"],
                 id="newly_registered_asks_about_the_founding_age_condition"),
    # 亲自去 is what the guide writes as 委托办理: the power of attorney a proxy hands in
    pytest.param(["企业被列入经营异常名录了怎么移出", "得法人亲自去吗"], ["授权委托书"],
                 id="going_in_person_is_answered_by_what_a_proxy_brings"),
    # the procedure's 向…递交申请 sentence brings the list it announces
    pytest.param(["企业招脱贫人口能减多少税", "这个要向哪个单位申请"], ["县以上人力资源社会保障部门", "劳动合同（副本）"],
                 id="the_office_the_application_goes_to_comes_with_the_papers_it_takes"),
    # a bank loan entry matches 贷款/期限 better, but the part of entry 53 the user named says it all
    pytest.param(["个人创业担保贷款最高能贷多少", "那期限最长多长，可以贷几回"], ["个人创业担保贷款期限最长不超过3年"],
                 id="a_follow_up_within_the_named_part_of_a_policy_document_stays_there"),
    # entry 53 mentions 小型微利企业 among many things; asking how one is recognised is about entry 29
    pytest.param(["个转企有啥补助", "升级成企业以后 小型微利企业怎么认定 我们一共12个人"], ["资产总额不超过5000万元"],
                 id="how_a_named_thing_is_recognised_turns_to_it"),
    # 半年 against 需满1年
    pytest.param(["信用快贷 铺子开了半年 可以申请不"], ["需满1年"],
                 id="a_figure_stated_in_a_can_i_question_is_answered_by_its_bound"),
    # "复杂事项…10个工作日；" follows "一般事项…3个工作日内…；" on one line: the common case comes first
    pytest.param(["民营企业诉求解决帮办代办机制是啥", "提了诉求 多长时间有回音"], ["3个工作日内办结"],
                 id="a_later_case_of_a_rule_comes_with_the_first_case_on_its_line"),
    # 个人所得税 is the 个体工商户's version of 企业所得税
    pytest.param(["小型微利企业的企业所得税咋减", "个体户呢"], ["个人所得税税收优惠政策", "200万元"],
                 id="the_individual_business_version_of_enterprise_income_tax_is_personal_income_tax"),
    # entry 34 is for hiring 脱贫人口 and the unemployed; hiring veterans is entry 35's,
    # however well the department words (人社) match entry 34
    pytest.param(["企业招脱贫户 一人一年扣多少税", "招退役士兵的话 用去人社部门申请吗"], ["企业吸纳退役士兵"],
                 id="a_group_the_entry_is_not_for_turns_to_the_entry_that_is"),
    # entry 4's conditions mention 专精特新“小巨人”; applying for the national one is entry 5
    pytest.param(["中小企业特色产业集群 认定有啥条件", "还有家公司想申请国家专精特新“小巨人”，营收占比65%符合吗"], ["国家专精特新小巨人"],
                 id="applying_for_a_named_level_of_a_thing_the_current_entry_mentions_turns_to_it"),
    # "多久…一回" asks how often: the sentence that says it (按周通报) leads
    pytest.param(["小微企业融资协调工作机制是干啥的", "进展多久通报一回"], ["按周通报"],
                 id="how_often_is_answered_by_the_sentence_that_says_how_often"),
    # entry 32 gives no date at all: until when it runs is said to be unstated, not answered with its procedure
    pytest.param(["小卖部一个月卖两万多 房产税要交不", "这个执行到啥时候"], ["没有写明截止或执行到的日期"],
                 id="until_when_an_entry_without_dates_runs_is_said_to_be_unstated"),
    # an age (岁) is read against 不超过65周岁
    pytest.param(["建行信用快贷利率多少", "我是退役士兵，今年快64岁了，还能申请中国银行的崇军贷吗？"], ["不超过65周岁"],
                 id="an_age_stated_is_read_against_the_age_bound"),
])
def test_the_last_reply_says(conv, messages, said):
    reply = play(conv, *messages)[-1]
    assert all(words in reply for words in said), reply


@pytest.mark.parametrize("messages", [
    # a clause about a neighbouring topic (工伤认定) is not answered by the entry its words resemble (工伤保险费率)
    ["工伤保险费率降了多少", "员工干活扭伤了 认定工伤咋申请 要带啥"],
    ["技术合同登记 收费吗", "残保金今年能少交点不"],
    ["鸵鸟幼鸟补贴多少", "现在鸵鸟肉收购价多少"],
    ["创业担保贷款要啥材料", "帮我查下我的贷款批到哪一步了"],
])
def test_a_neighbouring_topic_after_an_entry_gets_no_entry_s_phone(conv, messages):
    reply = play(conv, *messages)[-1]
    assert "没有涉及" in reply and "0483" not in reply, reply


@pytest.mark.parametrize("text, expected", [
    # the user's own trade, said in passing, is who asks, not what about (修车铺, 建材 are no words of the guide)
    ("俺们是卖建材的 罚款公示满多久能申请提前停掉", "六个月"),
    # 快满 is no word of the guide and the message embeds poorly, but 返乡入乡农牧民工 and 补贴 say what it is about
    ("农民工返乡 开了个修车铺 快满两年 给补贴吗", "10000元"),
])
def test_the_user_s_own_trade_does_not_make_a_question_uncovered(conv, text, expected):
    (reply,) = play(conv, text)
    assert "没有涉及" not in reply and expected in reply, reply


def test_a_short_quote_beside_a_neighbouring_topic_is_not_in_scope(conv):
    # 个体工商户 is quoted from the guide, but closing the business (注销) is a registration matter it does not cover
    (reply,) = play(conv, "个体工商户想注销 得带哪些东西")
    assert "没有涉及" in reply and "0483" not in reply, reply


@pytest.mark.parametrize("text", [
    "脱贫户家孩子上大学 有补助没",  # a family's schooling, though 脱贫人口 and 补助 are the guide's words
    "退伍老兵的安置房咋申请",
])
def test_a_person_s_own_affairs_in_the_guide_s_words_are_declined(conv, text):
    (reply,) = play(conv, text)
    assert "没有涉及" in reply and "0483" not in reply, reply


def test_the_user_s_own_trade_is_read_as_who_asks():
    from policybot.scope import own_trade_spans

    def trades(text):
        return [text[a:b] for a, b in own_trade_spans(text)]

    assert trades("返乡以后开了个修车铺 有补贴吗") == ["开了个修车铺"]
    assert trades("我们是做羊绒加工的，能报不") == ["我们是做羊绒加工的"]
    assert trades("营业执照丢了咋补办") == [] and trades("开个公积金账户要啥") == []


def test_loans_meant_for_what_the_user_said_come_first(conv):
    (reply,) = play(conv, "我是退伍的 想贷点款开个店 有啥贷款")
    first = next(line for line in reply.split("\n") if line.startswith("1."))
    assert "崇军贷" in first, reply


def test_colloquial_words_for_the_guide_s_own_are_not_foreign(assistant):
    # 顺带 is 顺便, 新盖 / 新修 are 新建 (synonyms.yml): the question is about the hatchery subsidy
    for text in ("顺带问一下 新盖的孵化车间 补贴标准是啥", "顺带问下 新修的孵化车间咋补"):
        reading = assistant.read(text)
        assert reading.scope.covered and reading.result.hits[0].entry == 8, reading.scope.reason


def test_another_spelling_of_a_name_names_the_entry_unless_another_entry_says_it(assistant):
    names = assistant.searcher.names
    assert "转成企业" in names[53]  # a spelling of its alias 个转企 (synonyms.yml)
    assert "小微" not in names[29]  # 小型微利企业's 小微 is said all over the tax entries


def test_a_follow_up_in_a_policy_document_asks_about_what_the_last_question_was_about(conv):
    # entry 53 speaks of a dozen things; "贷款期限几年" names none of them: the loan asked about just before
    *_, third = play(conv, "个体户升级成公司 有多少补助", "我打算贷个人创业担保贷款 额度多少", "那能贷几年")
    lead = third.split("】", 1)[1].split("\n")[0]
    assert lead.startswith("个人创业担保贷款期限最长不超过3年"), third


def test_a_word_inside_the_entry_s_name_does_not_pick_its_sentence(conv):
    # 专项资金 is part of 战略性新兴产业发展专项资金项目: the threshold the 600万 is measured against answers
    (reply,) = play(conv, "战略性新兴产业专项资金 项目才投了600万 够不够")
    assert "1000万元以上" in reply.split("】", 1)[1].split("\n")[0], reply


def test_a_sentence_that_announces_a_list_brings_the_list(conv):
    (reply,) = play(conv, "个体户上了经营异常名录 咋整")
    lines = reply.split("\n")
    assert "补报未报年份年度报告" in reply, reply
    assert all(re.match(r"\d+\.", after) for line, after in zip(lines, lines[1:]) if line.endswith("：")), reply


def test_a_name_overlapping_the_name_of_the_entry_under_discussion_is_not_another_topic(conv):
    # 技术改造项目 (entry 3) sits inside 节水技术改造项目, which entry 2 says whole
    _, second = play(conv, "工业绿色化改造里节能技术改造年节能量要多少", "那节水技术改造项目呢")
    assert "5万吨" in second, second


def test_what_the_firm_is_does_not_hide_what_it_asks_about(conv):
    (reply,) = play(conv, "我们公司是科技型中小企业 想引进一个研发带头人 给生活补贴吗")
    assert "2万元生活补贴" in reply, reply


def test_each_of_two_entries_leads_with_its_own_rate(conv):
    # 规模化养殖 is a word of entry 9's name: the rate answers "咋补", not the sentences that repeat the name
    (reply,) = play(conv, "孵化基地建设补贴跟规模化养殖补贴各自咋补")
    assert "每平方米500元" in reply and "投资总额的10%" in reply, reply


def test_a_colloquial_form_keeps_the_other_words_it_says(assistant):
    # 年报没报 is 经营异常名录 as a fact about the firm, and its 年报 still says 年度报告
    terms = assistant.index.segmenter.terms("年报没报")
    assert "经营异常名录" in terms and "年度报告" in terms


def test_a_tax_question_beside_who_the_user_is_is_answered_not_matched(conv):
    # 税上 names the tax entries in one character: not a request for everything that fits a graduate's shop
    (reply,) = play(conv, "去年刚大学毕业 开了家奶茶铺 办了个体户 税上有啥优惠没")
    assert "24000元" in reply, reply


def test_going_through_the_procedure_asks_the_process(conv):
    _, second = play(conv, "工业用地想提高容积率 补地价不", "那得走哪些手续")
    assert "出让补充合同" in second, second


def test_a_correction_does_not_reach_into_the_next_word(assistant):
    # 另外 is no guide word; trying it with the next characters must not turn 食品 into 事品
    assert assistant.correct("另外办食品经营许可证多久") == "另外办食品经营许可证多久"
    assert assistant.correct("稳岗反还怎么领") == "稳岗返还怎么领"  # the typo glued to the next word is still found


def test_workers_are_counted_as_people(conv):
    *_, third = play(conv, "返乡农民工 开了个洗车店两年了 创业补贴有吗", "要啥材料", "我雇了5个员工社保都交满一年了 还能多给不")
    assert "20000元" in third, third


def test_a_named_entry_whose_bound_the_figure_meets_takes_over(conv):
    # 房产税 is listed in 六税两费 too, but only entry 32 says 月销售额不超过3万元
    *_, third = play(conv, "小规模纳税人 六税两费能减半吗", "城建税也算不", "我们每月营业额也就一万多 房产税能免不")
    assert "不超过3万元" in third, third


def test_an_inspection_of_a_lorry_is_not_the_vehicle_tax(conv):
    _, second = play(conv, "拉货的 有两台货车 车船税能减不", "那大货车年审去哪办")
    assert "没有涉及" in second and "0483" not in second, second


def test_how_long_it_has_been_is_not_what_the_question_is_about(assistant):
    reading = assistant.read("项目审批拖了好久没人管 谁能帮办")
    assert reading.scope.covered and reading.result.hits[0].entry == 56, reading.scope.reason


def test_where_with_an_er_asks_the_process(conv):
    _, second = play(conv, "企业招了退役士兵 税费每人每年能减多少", "那上哪儿办")
    assert "主管税务机关" in second, second


def test_going_to_be_recognised_first_asks_whether_to_apply(conv):
    _, second = play(conv, "招退伍兵的企业 税费能扣多少", "这个得先去人社那认定不")
    assert "申报纳税时享受优惠" in second, second


def test_one_word_much_of_the_guide_uses_does_not_change_the_topic(conv):
    # 认定 is said by a quarter of the entries: it names none of them
    _, second = play(conv, "招自主就业退役士兵抵税 企业留存啥资料备查", "还要不要先去哪儿认定一下")
    assert "申报纳税时享受" in second, second


def test_whether_one_can_is_answered_by_the_conditions_in_the_order_written(conv):
    # 市场监管 is how people say 市场监督管理; "能…不" asks on what conditions, and the list follows its opening
    (reply,) = play(conv, "被市场监管局罚过款 网上挂着的处罚信息能提前撤掉不")
    assert "公示期满六个月" in reply, reply
    opening, first_item = reply.find("可以申请信用修复："), reply.find("1.已经自觉履行")
    assert 0 <= opening < first_item, reply


def test_not_the_market_regulator_is_another_department(assistant):
    reading = assistant.read("罚款不是市场监管部门罚的 信用修复去哪个网站")
    assert "其他部门作出的行政处罚" in reading.text


def test_two_things_joined_in_one_question_are_both_answered(conv):
    (reply,) = play(conv, "小巨人企业 主营业务收入占比和企业成立年限都有啥要求")
    assert "不低于70%" in reply and "企业成立3年以上" in reply, reply


def test_an_amount_written_under_the_entry_s_name_in_another_entry_is_quoted_from_there(conv):
    # entry 15 says how to apply for 技术交易后补助; its rates are in entry 20's （一）技术交易后补助
    (reply,) = play(conv, "技术交易后补助能补多少钱")
    assert "第20项" in reply and "10%" in reply and "0483-8334599" in reply, reply


def test_a_joiner_inside_one_name_does_not_make_two_questions(conv):
    # the 和 is part of entry 6's name; the other name is the user's situation, a condition of entry 6
    first, second = play(conv, "公司上了严重违法失信名单，还能报创新型中小企业和专精特新中小企业吗",
                         "这个找哪个单位受理")
    assert "未列入经营异常名录和严重失信主体名单" in first and "提前移出" not in first, first
    assert "各级工信局" in second, second


def test_which_office_takes_the_papers_is_answered_with_where_they_are_handed_in(conv):
    # handing the materials in asks where, not what; the procedure names the office that takes them first
    _, second = play(conv, "专精特新中小企业想申请", "申报材料递给哪个单位")
    assert "旗区工信局" in second and "申报材料：" not in second, second


def test_where_to_apply_names_the_office_and_the_step_that_hands_the_application_in(conv):
    (reply,) = play(conv, "想弄个水权质押贷款，上哪儿申请")
    assert "阿拉善盟水务局" in reply and "提交“水权贷”申请" in reply, reply
    # a path quoted under its sub-part's heading does not repeat the heading on a line of its own
    assert not any(line and reply.count(line + "：") for line in reply.split("\n")), reply


def test_whether_one_can_apply_leads_with_who_the_entry_is_for(conv):
    # a shop is asking whether its kind of business may apply at all: who the entry is for comes first
    (reply,) = play(conv, "开超市的小公司，能报专精特新中小企业吗")
    assert reply.find("工业企业") >= 0 and reply.find("工业企业") < reply.find("1."), reply


def test_someone_else_in_the_same_situation_is_the_same_question_about_their_kind_of_business(conv):
    # 老公 says whose case it is, not what about; "也进去了" keeps the frame: the 个体工商户 version
    _, second = play(conv, "企业被列入经营异常名录了咋办", "我老公的个体户也进去了 得准备啥")
    assert "个体工商户移出经营异常名录" in second and "指南未涉及" not in second, second


def test_a_name_the_entry_before_says_itself_is_a_condition_of_it_not_a_second_question(conv):
    _, second = play(conv, "高新技术企业有啥奖励", "那科技型中小企业呢，要是被列入经营异常名录了，还能评吗")
    assert "未列入经营异常名录" in second and "第43项" not in second, second


@pytest.mark.parametrize("aside", ["对了 个税APP上申请退税咋操作", "另外我个人征信上有条逾期 咋处理"])
def test_a_person_s_own_tax_refund_or_credit_report_is_not_covered(conv, aside):
    _, reply = play(conv, "企业所得税小型微利企业咋优惠", aside)
    assert "没有涉及" in reply and "0483" not in reply, reply


def test_pointing_back_is_no_unknown_topic_and_returns_to_the_entry_before(conv):
    *_, last = play(conv, "企业招了退役士兵能减多少税", "那招脱贫人口的呢", "刚才那个退伍兵的 要留啥资料")
    assert "没有涉及" not in last and "企业吸纳退役士兵" in last, last


def test_until_when_a_policy_runs_stays_with_it(conv):
    # 执行 is said by other entries (工伤保险's 执行期); "执行到哪年" asks the period this entry's policy runs
    _, second = play(conv, "六税两费减半征收", "政策执行到哪年")
    assert "至2027年12月31日" in second and "工伤" not in second, second


def test_what_to_bring_and_by_when_gets_the_whole_list_and_the_date_before_it(conv):
    (reply,) = play(conv, "鸵鸟优质牧草种植补贴 要交什么资料 啥时候截止")
    assert "12月1日前" in reply and "汇总备案表" in reply, reply
    assert reply.index("12月1日前") < reply.index("申报材料："), reply


def test_a_person_s_annual_income_tax_return_is_not_covered_though_it_names_income_tax(conv):
    (reply,) = play(conv, "我上班工资的个人所得税年度汇算咋弄")
    assert "没有涉及" in reply and "0483" not in reply, reply


def test_of_two_sentences_written_alike_the_one_naming_the_asked_thing_leads(conv):
    # 苜蓿 600元 and 燕麦 100元 are written alike in one section; the question names 燕麦
    (reply,) = play(conv, "我们养殖企业和鸵鸟场签了合同 连片种了400亩燕麦 每亩补贴多少")
    first = reply.split("\n")[0]
    assert "燕麦" in first and "100元" in first, reply


def test_an_opening_that_only_tells_about_the_business_is_kept_and_asked_back(conv):
    """It asks nothing and names nothing of the guide's: not an entry its words happen to match, but what was heard,
    kept for the profile questions, and what the user wants to know."""
    reply = conv.answer("俺在额济纳旗 开了个小卖部 个体的", State())
    assert "记下了" in reply.text and "额济纳旗" in reply.text and "【" not in reply.text, reply.text
    assert reply.updates["region"] == "额济纳旗" and reply.updates["entity_type"] == "个体工商户"
    assert reply.buttons == [{"title": "有什么政策适合我", "payload": "/start_matching"}]
    asked = conv.answer("俺在额济纳旗 开了个小卖部 个体的 能贷款不", State())  # with a question: answered
    assert "记下了" not in asked.text
    told_whom = conv.answer("俺在额济纳旗 开了个小卖部 退伍的", State())  # whom an entry is for: searched
    assert "记下了" not in told_whom.text
