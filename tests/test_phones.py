from knowledge.cleaning import Line
from knowledge.phones import find_phones, normalise_phone, parse_contacts
from knowledge.vocab import region_of


def lines(*texts):
    return [Line(t, i + 1, i + 1) for i, t in enumerate(texts)]


def test_normalise_phone():
    assert normalise_phone("0483—8331872") == "0483-8331872"
    assert normalise_phone("0483 - 8229456") == "0483-8229456"
    assert normalise_phone("15334830011") == "15334830011"


def test_two_numbers_on_one_line_are_two_contacts_with_one_label():
    cs = parse_contacts(lines("中国银行巴彦浩特分行：0483-8351691 18504830377"))
    assert [(c.label, c.phone) for c in cs] == [
        ("中国银行巴彦浩特分行", "0483-8351691"),
        ("中国银行巴彦浩特分行", "18504830377"),
    ]


def test_unlabelled_numbers_get_the_generic_label():
    cs = parse_contacts(lines("0483-8332222、12366"))
    assert [(c.label, c.phone) for c in cs] == [("咨询电话", "0483-8332222"), ("咨询电话", "12366")]


def test_person_and_region_are_recognised():
    cs = parse_contacts(lines("阿拉善盟水务局：李毅刚0483-8350629", "额济纳旗市场监督管理局：0483-6521667"), region_of)
    assert (cs[0].label, cs[0].person, cs[0].region) == ("阿拉善盟水务局", "李毅刚", None)
    assert (cs[1].label, cs[1].person, cs[1].region) == ("额济纳旗市场监督管理局", None, "额济纳旗")


def test_label_on_its_own_line_and_number_on_the_next():
    cs = parse_contacts(lines("阿拉善高新技术产业开发区金融中心政务服务中心：", "0483-8185823"), region_of)
    assert cs[0].label == "阿拉善高新技术产业开发区金融中心政务服务中心"
    assert cs[0].region == "阿拉善高新技术产业开发区"


def test_a_bare_number_continues_the_previous_label():
    cs = parse_contacts(lines("中国银行内蒙古分行巴彦浩特支行：0483-8331241", "0483-8351691"))
    assert [c.label for c in cs] == ["中国银行内蒙古分行巴彦浩特支行"] * 2


def test_find_phones_in_free_text():
    assert find_phones("请拨打0483—8331872或12366咨询") == ["0483-8331872", "12366"]
