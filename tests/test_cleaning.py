from knowledge.cleaning import clean_lines, is_noise, normalise


def test_noise_lines_are_dropped():
    assert is_noise("“ ”")
    assert is_noise("---------------------------\t----")
    assert is_noise("   ")
    assert not is_noise("1. 营业执照；")


def test_list_prefix_bold_and_spaces_are_cleaned():
    assert normalise("- 1.营业执照；") == "1.营业执照；"
    assert normalise("1. **企业申请。**自治区科技厅发布") == "1.企业申请。自治区科技厅发布"
    assert normalise("需在 2021 年 12 月 31 日前投入运营；") == "需在2021年12月31日前投入运营；"


def test_names_separated_by_a_space_keep_it():
    assert normalise("《财政部 税务总局关于增值税》") == "《财政部 税务总局关于增值税》"


def test_phone_dashes_and_punctuation_are_normalised():
    assert normalise("盟科技局：0483—8331872") == "盟科技局：0483-8331872"
    assert normalise("5. 企业无知识产权纠纷和不良信用记录;") == "5.企业无知识产权纠纷和不良信用记录；"
    assert normalise("(四) 创新能力指标") == "（四）创新能力指标"
    # numbers, URLs and host:port survive
    assert "5,000万元" in normalise("小于5,000万元(含)的企业")
    assert "http://amr.nmg.gov.cn:58888/aiceps" in normalise("登录公示系统 <http://amr.nmg.gov.cn:58888/aiceps> 提出")


def test_page_break_splits_are_joined_and_keep_their_line_range():
    raw = [
        "4. 申报项目企业建立健全节水管理制度，各生产环节有配套的节",
        "",
        "水措施，建立了完备的用水计量和统计管理体系；",
        "5. 下一条。",
    ]
    lines = clean_lines(raw, first_line=10)
    assert [l.text for l in lines] == [
        "4.申报项目企业建立健全节水管理制度，各生产环节有配套的节水措施，建立了完备的用水计量和统计管理体系；",
        "5.下一条。",
    ]
    assert (lines[0].first, lines[0].last) == (10, 12)


def test_unclosed_bracket_joins_short_lines_but_headings_and_contacts_stand_alone():
    lines = clean_lines(["经营所得个人所得税申报表、《个人所得税减免税事项", "", "报告表》", "八、办理时限"])
    assert lines[0].text == "经营所得个人所得税申报表、《个人所得税减免税事项报告表》"
    contacts = clean_lines(["李井滩生态移民示范区政务服务中心：0483-8642013", "阿拉善高新技术产业开发区金融中心政务服务中心："])
    assert len(contacts) == 2
    headings = clean_lines(["1. 项目申报", "饲草达到验收标准后种植企业需在当年 12 月 1 日前将申报材料报送至盟特色产业发展中心。"])
    assert len(headings) == 2
