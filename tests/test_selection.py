"""Sentence selection's pure parts: quantities in the question, list headings of a quoted item."""

from __future__ import annotations

from policybot.answers import item_headings, list_level
import re

from policybot.selection import _DIMENSION, question_numbers


def test_units_of_quantities_are_read_with_their_dimension():
    assert "平方米" in question_numbers("车间800平，咋补").units
    assert "个月" in question_numbers("注册8个月").units
    assert question_numbers("平台在哪").units == ()
    # a count asked for is a quantity of that unit too: it is compared with the guide's 500人
    assert question_numbers("职工最多能有多少人").units == ("人",)


def test_list_levels():
    assert [list_level(x) for x in ("四、高端人才", "（三）企业经营管理", "2.上年度", "（1）申请书", "上年度")] == \
        [0, 1, 2, 3, None]


def test_an_item_is_read_under_the_lines_that_head_it():
    text = "四、高端人才（D类）\n（一）科技创新\n1.甲\n（二）企业经营管理\n1.乙\n2.丙"
    assert item_headings(text, "2.丙") == ["四、高端人才（D类）", "（二）企业经营管理"]
    assert item_headings(text, "（一）科技创新") == ["四、高端人才（D类）"]
    assert item_headings(text, "不在这里") == []
    # a "heading" that is a long sentence is not quoted as one
    long = "（一）" + "很长的一句话" * 10 + "\n1.甲"
    assert item_headings(long, "1.甲") == []


def test_a_duration_is_compared_with_durations_not_dates():
    months = re.compile(_DIMENSION[question_numbers("才注册8个月").units[0]])
    assert months.search("登记注册1年以上") and months.search("满六个月")
    assert not months.search("2025年3月1日起") and not months.search("项目储备")


def test_the_thing_a_how_much_asks_about():
    from policybot.selection import measured_words
    assert measured_words("改造完一年能省多少电") == ("电",)
    assert measured_words("利润总额最低得多少") == ("总额",)
    assert measured_words("要几天") == () and measured_words("补多少万") == ()
    # "80来人", "30多只": an approximate count is still a count of that unit
    assert question_numbers("我们厂80来人").units == ("人",)
    assert question_numbers("员工人数上限多少").units == ("人",)


def test_a_word_whose_meaning_is_asked_and_the_sentence_that_defines_it():
    from policybot.selection import defined_words, defines
    assert defined_words("初创企业怎么界定") == ("初创企业",)
    assert defined_words("什么叫零就业家庭") == ("零就业家庭",)
    assert defines("零就业家庭是指家庭成员均处于失业状况的城镇居民家庭。", defined_words("什么叫零就业家庭"))
    assert not defines("零就业家庭可以申请。", defined_words("什么叫零就业家庭"))


def test_less_than_a_year_asks_for_the_rule_that_prorates():
    assert question_numbers("个体店开了不到一年 今年能扣多少").calculation
    assert question_numbers("才干了5个月").calculation
    assert not question_numbers("开了一年多了 能扣多少").calculation


def test_a_sentence_does_not_end_inside_brackets():
    from knowledge.records import Record, Section
    from policybot.selection import units_of

    text = "登录网站提交佐证材料（材料1.授权委托书；材料2.缴款收据；材料3.承诺书），完成在线申请。审核后公示。"
    section = Section("process", ("process",), "办理流程", text, 1, 1)
    record = Record(99, "示例", "", 1, "service", (section,), (), 1, 1, "")
    assert [u.text for u in units_of(record)] == [
        "登录网站提交佐证材料（材料1.授权委托书；材料2.缴款收据；材料3.承诺书），完成在线申请。", "审核后公示。"]


def test_a_sub_part_s_heading_is_never_an_answer_sentence(assistant):
    # "（二）修复其他部门作出的行政处罚信息…" names what follows it; what follows answers
    record = assistant.records[51]
    selector = assistant.composer.selector
    headings = {u.block for u in selector.units(record) if u.block}
    ranked = selector.rank(record, {"其他部门", "行政处罚", "修复"}, ["process"])
    assert headings and ranked and not any(rk.unit.text in headings for rk in ranked)


def test_a_stated_figure_meets_the_entry_s_threshold():
    from policybot.selection import states_same_quantity

    rule = "对带动就业3人以上并为其缴纳社会保险一年以上的，再给予一次性创业带动就业补贴。"
    assert states_same_quantity("雇了3个人呢", rule)
    assert states_same_quantity("雇了4个人 社保都交着", rule)  # 4 meets 3人以上
    assert not states_same_quantity("雇了2个人", rule)
    assert not states_same_quantity("能雇几个人", rule)  # a question states no figure
    assert states_same_quantity("我们才20个人", "职工总数不超过500人")
    assert not states_same_quantity("我们有600个人", "职工总数不超过500人")
    assert states_same_quantity("30个人", "从业人数300人以下")
    assert states_same_quantity("一个月卖8万", "月销售额10万元以下") and not states_same_quantity("加工2万多吨", "10万元以下")


def test_who_the_user_is_weighs_less_than_what_they_ask(assistant):
    # a veteran's 餐馆, asked about 崇军贷's age limit: 年龄 picks the sentence, beside 个体工商户 and 餐饮
    assert {"个体工商户", "退役军人", "餐饮"} <= assistant.composer.selector.who
    assert "65周岁" in assistant.ask("退伍军人 个体户 开餐馆的 崇军贷有年龄限制不").answer


def test_a_bound_of_the_thing_a_figure_is_of_counts_most_and_more_when_met():
    from policybot.selection import bounds_stated_quantity, stated_figures

    said = stated_figures("我们厂去年产值6000万")
    assert bounds_stated_quantity(said, "年产值在5000万元-1亿元之间的企业") == 3.0  # of 产值, and met
    assert bounds_stated_quantity(said, "年产值在1亿元-3亿元之间的企业") == 2.0  # of 产值, not met
    assert bounds_stated_quantity(said, "股权融资2,000万元以上") == 2.0  # met, of something else
    assert bounds_stated_quantity(said, "固定资产投资500万元以下") == 1.0  # neither
    assert bounds_stated_quantity(said, "给予一次性补助50万元") == 0.0  # a figure, no bound
    assert bounds_stated_quantity(stated_figures("产值多少能报"), "年产值在5000万元以上") == 0.0  # no figure stated


def test_half_a_year_is_a_figure_and_man_is_a_lower_bound():
    from policybot.selection import bounds_stated_quantity, stated_figures
    said = stated_figures("店才开了半年")
    assert [f.value for f in said] == [0.5]
    assert bounds_stated_quantity(said, "经营实体成立时间需满1年（含）") > 0
