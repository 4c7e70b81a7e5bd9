"""Sentence-level answer selection inside the chosen entry: its sections cut into sentences and list items, each
ranked against the question by shared words (idf-weighted), embedding similarity and the asked field, so that an
answer leads with the sentence that answers ("营业收入有没有要求" → the threshold in 申报条件, not the amounts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from knowledge.records import Record, Section

# A sentence ends at 。；; or a line break; list items (1. （一）) are lines of their own.
# a sentence does not end inside brackets: "（材料1.…；材料2.…；材料3.…），完成在线申请。" is one
_SENTENCE = re.compile(r"(?:[^。；;\n（(]|[（(][^（()）\n]*[）)]?)+[。；;]?")
# "1.报名登记", "（二）申请材料：", "收费标准：" head what follows; they answer nothing
_HEADLINE = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）.．、]\s*[^\d，。；：:]{0,8}|[^，。；：:]{0,10}[：:])$")
_FEE = re.compile(r"免收|免缴|不收费|免费|无需缴纳|\d+(?:\.\d+)?元")
_REFERENCE = re.compile(r"^\d{0,2}[.．、]?\s*《[^》]+》[^，。；]{0,24}[。；;]?$")  # a line that only names a document
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{1,2}月(?:\d{1,2}日)?|\d{4}年|截止|截至|之前|以前|前将|每年")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?\s*(?:元|%|倍)|[一二三四五六七八九十百千]+万元|免征|减半|不收费|免收")
_FULL_DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|[次当]年\d{1,2}月\d{1,2}日")
_DURATION = re.compile(r"\d+\s*(?:个)?(?:工作日|日|天|个月|年)|[一二三四五六七八九十]+个?(?:工作日|日|天|个月|年)")

OVERVIEW_PRIOR = {"amount": 0.5, "conditions": 0.4, "scope": 0.3}  # fields an overview question leads with


@dataclass(frozen=True)
class SelectionWeights:
    """How the signals add up; read off the development questions (README, "Answers")."""

    lexical: float = 1.0  # shared words, idf-weighted, relative to the best sentence of the entry
    specific: float = 1.0  # … counting only the words that say more than the entry's name and the field asked
    who: float = 0.5  # … a word that says who the user is counting this much of its weight there
    dense: float = 1.0  # cosine similarity of sentence and question
    field: float = 1.0  # the sentence sits in a section of the asked field
    second_field: float = 0.6  # … of the second field asked
    shape: float = 0.4  # it has the shape of the answer: an amount for 多少钱, a date for 什么时候, a duration for 多久
    cue: float = 0.5  # it uses a word of the asked field (部门 for 哪个部门)
    number: float = 0.2  # it repeats a number of the question
    reference: float = 1.5  # taken off a line that only names a document (unless the basis is asked)
    quantity: float = 1.0  # it has a number in the unit of a quantity the question states (30只 → 100只以上)
    formula: float = 2.0  # it is a formula or a conversion rule, and the question asks how a figure is worked out
    block: float = 1.0  # it sits under the sub-part heading the question names ("节水的…" → （二）节水技术改造项目)
    per: float = 1.0  # it gives a rate per the unit the question asks one per ("一亩补多少" → 每亩600元)
    meaning: float = 1.5  # it says what a word means, and the question asks that ("毕业年度怎么算")
    bound: float = 0.5  # it sets a bound in the unit of a figure the question states (500万 → 1000万元以上); twice
    # that when the bound is of the thing the figure is of (营业收入8000万 → 营业收入总额在5000万元-1亿元)
    measure: float = 0.5  # it gives a number for the thing whose quantity is asked ("多少水" → 年节水量在5万吨)


@dataclass(frozen=True)
class Unit:
    """One sentence or list item of an entry, with the section it belongs to."""

    text: str
    section: Section
    position: int  # order in the entry
    block: str = ""  # the sub-part heading it sits under in its section ("（二）修复其他部门作出的行政处罚信息")


SAID_ELSEWHERE = 2  # a sub-part's word said this often outside it still names it (引领型 in the entry's preamble)
BOUND_REACH = 12  # characters before a bound in which the thing it bounds is named
HEADING_CHARS = 32  # a sub-part's head this short names it ("（二）节水技术改造项目"); a longer one is an item
# "（二）…": a sub-part of a section; its first sentence heads the sentences under it
_BLOCK = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_BLOCK_HEAD = re.compile(r"^[^。；;]+")
_REMARK = re.compile(r"[（(][^（）()]*[）)]$")  # "（不含市场监管部门作出的行政处罚）": a remark, not the heading's length


def units_of(record: Record) -> list[Unit]:
    out: list[Unit] = []
    for s in record.sections:
        if s.kind == "contact":
            continue
        block = ""
        for line in s.text.split("\n"):
            line = line.strip()
            if not line:
                continue
            if _BLOCK.match(line):
                block = _BLOCK_HEAD.match(line).group(0)
            if _HEADLINE.match(line):
                continue
            for m in _SENTENCE.finditer(line):
                piece = m.group(0).strip()
                if len(re.sub(r"\W", "", piece)) >= 2:
                    out.append(Unit(piece, s, len(out), block if piece != block else ""))
    return out


_QUANTITY = re.compile(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+|半(?=年|个月)|多少|几)\s*[来多余]?\s*(万吨|万元|亿元|个亿|万|亿|吨|亩|只|个?(?:工人|员工|职工|伙计)|人|个人|名|元|块|年|个月|月|岁|周岁|件|项|家|次|回|%|平方米|平米|平(?![台均安等]))")
# "两项", "5个": a count says nothing as a word; it is weighed as a quantity (above) instead
_COUNT_TERM = re.compile(r"^[\d.两一二三四五六七八九十百千万]+[项个只名人家件年月天次]?$")
_UNIT_SAME = {**{w: "人" for w in ("工人", "员工", "职工", "伙计", "个工人", "个员工", "个职工", "个伙计")}, "回": "次", "个亿": "亿元", "块": "元", "个人": "人", "名": "人", "平米": "平方米", "平": "平方米", "岁": "周岁", "万": "万元", "亿": "亿元", "月": "个月"}
# A quantity is compared with the guide's in the same dimension: "注册8个月" against "登记注册1年以上", "省下3万吨"
# against "5万吨"; a year that is a date (2025年) is not a duration.
_NUM = r"(?:(?<![\d.])\d{1,3}(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*"
_DIMENSION = {
    "年": _NUM + r"(?:年|个月)", "个月": _NUM + r"(?:年|个月)",
    "吨": r"[\d一二两三四五六七八九十]\s*万?吨", "万吨": r"[\d一二两三四五六七八九十]\s*万?吨",
    "元": r"[\d一二两三四五六七八九十]\s*[万亿]?元", "万元": r"[\d一二两三四五六七八九十]\s*[万亿]?元",
    "亿元": r"[\d一二两三四五六七八九十]\s*[万亿]?元", "人": r"[\d一二两三四五六七八九十]\s*(?:人|名)",
}
_COUNTED = re.compile(r"\d+\s*个(?![月人亿]|工人|员工|职工|伙计)")  # "2个在研项目" is counted in 项 where the guide counts


@dataclass(frozen=True)
class Numbers:
    """The numbers a question states, and the units of its quantities ("养了30只" → ("30",), ("只",))."""

    values: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    calculation: bool = False  # "限额咋算": how a figure is worked out — a formula answers it
    measured: tuple[str, ...] = ()  # what a quantity is asked of: "一年得省多少水" → ("水",), "营业收入要多少" → ("收入",)
    defined: tuple[str, ...] = ()  # words whose meaning is asked: "毕业年度怎么算" → ("毕业年度",)
    per: tuple[str, ...] = ()  # units a rate is asked per: "一亩补多少" → ("亩",)
    stated: tuple[Figure, ...] = ()  # figures stated: "投了500万" → 500 万元


def question_numbers(text: str) -> Numbers:
    measured = measured_words(text)
    return Numbers(tuple(_NUMBER.findall(text)),
                   tuple(dict.fromkeys([*(_UNIT_SAME.get(u, u) for _, u in _QUANTITY.findall(text)),
                                        *(["项"] if _COUNTED.search(text) else []),
                                        *(["人"] if any("人" in w for w in measured) else [])])),
                   bool(_HOW_COMPUTED.search(text) or _PART_OF_A_YEAR.search(text)),
                   measured, defined_words(text), per_units(text), stated_figures(text))


_HOW_MANY = re.compile(r"多少|几")
# words between the thing measured and 多少 that say nothing of it ("营业收入最少得多少")
_FILLER = re.compile(r"(?:要|得|需要|需|是|能|可以|有|最少|最多|至少|起码|上限|下限|不能超过|不超过|超过|不低于|低于|达到|"
                     r"在|为|一般|大概|大约|的|了|都|最低|最高|要求|该|应该)+$")
# a unit after 多少 is a quantity already (_QUANTITY); a particle asks nothing of a thing
_NOT_MEASURED = set("万亿元吨亩只人名年月天日个岁周件项家平块次回倍分钟呢啊吗呀啥些")
# the last character of a measured word that is a unit of its own ("评价分" → 分 as in 不低于60分)
_COUNTED_IN = set("分人亩吨元次件")


def measured_words(text: str) -> tuple[str, ...]:
    """The thing a "多少" asks the quantity of: the word right after it ("省多少水"), or the two characters right
    before it once fillers are dropped ("销售收入要多少" → 收入)."""
    out = []
    for m in _HOW_MANY.finditer(text):
        after = re.match(r"[\u4e00-\u9fff](?:(?![才就呢啊吗呀的了能够算可合])[\u4e00-\u9fff])?", text[m.end():])
        if after and after.group(0)[0] not in _NOT_MEASURED:
            out.append(after.group(0))
        before = _FILLER.sub("", text[max(0, m.start() - 12):m.start()])
        tail = re.search(r"[\u4e00-\u9fff]{2}$", before)
        if tail and not after:
            out.append(tail.group(0))
            if tail.group(0)[-1] in _COUNTED_IN:
                out.append(tail.group(0)[-1])
    return tuple(dict.fromkeys(out))


_MEANING_ASKED = re.compile(
    r"([\u4e00-\u9fff]{2,8}?)(?:怎么算|咋算|怎么界定|怎么定义|是什么意思|什么意思|啥意思|指什么|指的是什么|指的是啥|指啥|是啥|"
    r"是什么|算什么|包括哪些|包括什么|包括啥)|(?:什么叫|啥叫|什么是|啥是|何为)([\u4e00-\u9fff]{2,8})")


def defined_words(text: str) -> tuple[str, ...]:
    """Words whose meaning the question asks ("毕业年度怎么算", "什么叫初创企业")."""
    return tuple(dict.fromkeys(w for m in _MEANING_ASKED.finditer(text) for w in m.groups() if w))


def defines(text: str, words: Sequence[str]) -> bool:
    """Does the sentence say what one of the words means ("毕业年度是指…", "优质牧草指苜蓿和燕麦")? A word is
    matched by its ending of three characters or more, or whole (the head of a Chinese noun comes last)."""
    for w in words:
        for start in range(0, max(len(w) - 2, 1)):
            if re.search(re.escape(w[start:]) + r"(?:是指|指|，即|即)", text):
                return True
    return False


def measures(text: str, words: Sequence[str]) -> bool:
    """Does the sentence give a number for one of the words ("年节水量在5万吨" for 水)?"""
    return any(re.search(re.escape(w) + r"[^，。；：;:]{0,8}?\d", text) for w in words)


_HOW_COMPUTED = re.compile(r"(?:怎么|咋|如何|怎样)(?:算|计算|换算|折算)|计算方法|计算公式|算法")
# "开了个个体户才半年，能减多少": less than a year — the rule that prorates the yearly figure answers it
_PART_OF_A_YEAR = re.compile(r"(?:才|只|刚|不到|不满|没满|不足)(?:干了|开了|经营了?|营业了?)?(?:半年|[一二两三四五六七八九十\d]{1,2}个?月)"
                             r"|(?:不到|不满|没满|不足)(?:一|1)(?:整)?年")
_FORMULA = re.compile(r"[=＝÷×]|公式|按月换算|换算")


@dataclass(frozen=True)
class Ranked:
    unit: Unit
    score: float


class Selector:
    """Ranks an entry's sentences against a question."""

    def __init__(self, terms: Callable[[str], frozenset[str]], idf: Callable[[str], float],
                 encode: Callable[[Sequence[str]], np.ndarray] | None = None,
                 field_words: dict[str, frozenset[str]] | None = None,
                 weights: SelectionWeights = SelectionWeights(), who: frozenset[str] = frozenset()):
        self.terms = terms
        self.idf = idf
        self.encode = encode
        self.field_words = field_words or {}
        self.weights = weights
        self.who = who  # words that say who the user is (个体工商户, 退役军人, 餐饮 …)
        self._cache: dict[int, tuple[tuple[Unit, ...], np.ndarray | None]] = {}
        self._blocks: dict[int, dict[str, frozenset[str]]] = {}  # each entry's sub-part words, worked out once

    def _units(self, record: Record) -> tuple[tuple[Unit, ...], np.ndarray | None]:
        """An entry's sentences and their embeddings, computed on first use (the guide is small and fixed)."""
        cached = self._cache.get(record.id)
        if cached is None:
            units = tuple(units_of(record))
            vectors = self.encode([u.text for u in units]) if self.encode is not None and units else None
            cached = self._cache[record.id] = (units, vectors)
        return cached

    def rank(self, record: Record, question_terms: set[str], fields: Sequence[str],
             vector: np.ndarray | None = None, numbers: Numbers = Numbers(),
             specific: set[str] | frozenset[str] = frozenset()) -> list[Ranked]:
        units, vectors = self._units(record)
        if not units:
            return []
        question_terms = {t for t in question_terms if not _COUNT_TERM.match(t)}
        specific = {t for t in specific if not _COUNT_TERM.match(t)}
        # A sentence is read with its section's heading: 期限 asks for the 贷款期限 section's "1年".
        # … and with the question's words it contains though cut otherwise (节水 inside 年节水量)
        w_who = self.weights.who
        unit_terms = [self.terms(u.text) | self.terms(u.section.heading)
                      | {t for t in question_terms if len(t) >= 2 and t in u.text} for u in units]
        lexical = self._relative([sum(self.idf(t) for t in ts & question_terms) for ts in unit_terms])
        # who the user is says less of which sentence answers than what they ask about ("崇军贷年龄有限制吗" from a
        # veteran's 饭馆: 年龄, not 个体工商户)
        special = self._relative([sum(self.idf(t) * (w_who if t in self.who else 1.0) for t in ts & specific)
                                  for ts in unit_terms])
        if vectors is not None and vector is not None:
            dense = np.clip(vectors @ vector, 0.0, 1.0)
        else:
            dense = np.zeros(len(units))
        w = self.weights
        named_block = self._named_blocks(record, question_terms - self.terms(record.title))
        cue_words = self.field_words.get(fields[0], frozenset()) if fields else frozenset()
        # a sub-part's heading ("（二）修复其他部门作出的行政处罚信息") names what follows it and answers nothing itself
        headings = {u.block for u in units if u.block}
        ranked = []
        for i, u in enumerate(units):
            if u.text in headings:
                continue
            score = w.lexical * float(lexical[i]) + w.specific * float(special[i]) + w.dense * float(dense[i])
            # with nothing asked, the overview's fields lead — unless the question says what it is about
            score += self._prior(u, fields) if fields or not specific else 0.0
            score += w.shape * _shape(u.text, fields)
            if cue_words and not u.section.covers(fields[0]) and self.terms(u.text) & cue_words:
                # (inside the field's own sections the prior says it already; "条件要求" there is no better answer)
                score += w.cue
            if any(n in u.text for n in numbers.values):
                score += w.number
            # a quantity in the question ("养了30只") asks against a threshold or rate in the same unit
            if any(quantity_in(u.text, unit) for unit in numbers.units):
                score += w.quantity
            if numbers.stated:
                score += w.bound * bounds_stated_quantity(numbers.stated, u.text)  # "投了500万 能报不"
            if u.block in named_block:
                score += w.block
            if any(f"每{unit}" in u.text for unit in numbers.per):
                score += w.per
            if numbers.defined and defines(u.text, numbers.defined):
                score += w.meaning
            if numbers.measured and measures(u.text, numbers.measured):
                score += w.measure
            if numbers.calculation and _FORMULA.search(u.text):
                score += w.formula  # "才干了5个月，限额咋算": the rule that works it out, not the yearly figure
            if _REFERENCE.match(u.text) and "basis" not in fields:
                score -= w.reference  # a document's name is where a rule comes from, not the rule
            ranked.append(Ranked(u, score))
        # a tie goes to the sentence sharing more of the question's words, then to the earlier one
        order = {id(rk): (-round(rk.score, 6), -float(special[i] + lexical[i]), rk.unit.position)
                 for i, rk in enumerate(ranked)}
        ranked.sort(key=lambda rk: order[id(rk)])
        return ranked

    def _named_blocks(self, record: Record, question_terms: set[str]) -> set[str]:
        """Sub-part headings the question names by a word its sibling headings lack (节水 of （二）节水技术改造项目
        beside （一）节能技术改造项目)."""
        return {block for block, words in self._block_words_of(record).items() if words & question_terms}

    def named_block(self, record: Record, block: str) -> bool:
        """Is the sub-part heading one that words of its own name (a kind, not an item of a list)?"""
        return block in self._block_words_of(record)

    def block_words(self, record: Record) -> set[str]:
        """The words that tell an entry's sub-parts apart (节能, 节水, 综合利用 …)."""
        return set().union(*self._block_words_of(record).values())

    def _block_words_of(self, record: Record) -> dict[str, frozenset[str]]:
        cached = self._blocks.get(record.id)
        if cached is None:
            cached = self._blocks[record.id] = {b: frozenset(w) for b, w in self._block_words(self.units(record)).items()}
        return cached

    def _block_words(self, units: Sequence[Unit]) -> dict[str, set[str]]:
        """Each named sub-part heading (short, or ending in a colon), with its words that no sibling heading of the
        same section has."""
        heads: dict[Section, dict[str, frozenset[str]]] = {}
        for u in units:
            if u.block and (len(_REMARK.sub("", u.block)) <= HEADING_CHARS or u.block.endswith(("：", ":"))):
                heads.setdefault(u.section, {}).setdefault(u.block, self.terms(_REMARK.sub("", u.block)))
        out: dict[str, set[str]] = {}
        for blocks in heads.values():
            if len(blocks) < 2:
                continue
            for block, ts in blocks.items():
                own = {t for t in ts if len(t) >= 2 and not any(t in other for other in blocks.values() if other is not ts)
                       and self._concentrated(units, block, t)}
                if own:
                    out.setdefault(block, set()).update(own)
        return out

    @staticmethod
    def _concentrated(units: Sequence[Unit], block: str, word: str) -> bool:
        """Is the word mostly said inside the block (节水 in the 节水 sub-part), rather than all over the entry (行政处罚
        in an entry about repairing penalties' records)?"""
        saying = [u for u in units if word in u.text and not u.text.startswith(block)]  # (not its heading)
        inside = sum(u.block == block for u in saying)
        return inside * 2 >= len(saying) or len(saying) - inside <= SAID_ELSEWHERE

    def units(self, record: Record) -> tuple[Unit, ...]:
        """The entry's sentences, cut once."""
        return self._units(record)[0]

    def next_unit(self, record: Record, unit: Unit) -> Unit | None:
        """The sentence after `unit` in the same section, if any."""
        units, _ = self._units(record)
        after = unit.position + 1
        if after < len(units) and units[after].section == unit.section:
            return units[after]
        return None

    def previous_unit(self, record: Record, unit: Unit) -> Unit | None:
        """The sentence before `unit` in the same section, if any."""
        units, _ = self._units(record)
        before = unit.position - 1
        if before >= 0 and units[before].section == unit.section:
            return units[before]
        return None

    @staticmethod
    def _relative(values: list[float]) -> np.ndarray:
        arr = np.array(values, dtype=float)
        top = float(arr.max()) if len(arr) else 0.0
        return arr / top if top > 0 else arr

    def _prior(self, u: Unit, fields: Sequence[str]) -> float:
        if not fields:
            return max((OVERVIEW_PRIOR.get(k, 0.0) for k in u.section.kinds), default=0.0)
        if u.section.covers(fields[0]):
            return self.weights.field
        if any(u.section.covers(f) for f in fields[1:]):
            return self.weights.second_field
        return 0.0


_PER = re.compile(r"(?:每|一)个?(亩|只|头|吨|人|名|户|家)")


def per_units(text: str) -> tuple[str, ...]:
    """The units a question asks a rate per ("一亩补多少" → 亩)."""
    return tuple(dict.fromkeys(_PER.findall(text)))


_STATED = re.compile(r"((?<![\d.])\d+(?:\.\d+)?|[两二三四五六七八九十]+|一(?=万)|半(?=年))\s*"
                     r"(个?(?:工人|员工|职工|伙计)|个人|人|名|亩|只|吨|万元|万(?![多余来]?吨)|元|个月|年|家|项|次|周岁|岁)")
_DIGITS = {**dict(zip("一两二三四五六七八九", "1223456789")), "半": "0.5"}  # 半年 is 0.5 年


@dataclass(frozen=True)
class Figure:
    """A figure a question states: its value, unit, and the words right before it (营业收入 of 营业收入8000万元)."""

    value: float
    unit: str
    of: str = ""


# words between a thing and its figure that say nothing of the thing ("投了500万", "营业收入是8000万")
_BEFORE_FIGURE = re.compile(r"([\u4e00-\u9fff]{0,4}?)(?:是|有|为|了|在|达到|大概|大约|约|共|一共|差不多|才|就|都|已经|刚)*\s*$")
_TO_WAN = {"万元": 1.0, "亿元": 10000.0}


def stated_figures(question: str) -> tuple[Figure, ...]:
    """The figures a question states, with their units ("投了500万" → 500 万元); 多少/几 state nothing."""
    out = []
    for m in _STATED.finditer(question):
        value = _DIGITS.get(m.group(1), m.group(1))
        if value.replace(".", "", 1).isdigit():
            before = _BEFORE_FIGURE.search(question[max(0, m.start() - 10):m.start()])
            out.append(Figure(float(value), _UNIT_SAME.get(m.group(2), m.group(2)), before.group(1) if before else ""))
    return tuple(out)


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_RANGE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|亿元)?\s*[-–—~至到]\s*(\d+(?:\.\d+)?)\s*(万元|亿元)")


def _figures_in(text: str, unit: str) -> list[tuple[float, bool, bool, int]]:
    """The text's figures in the unit: (figure, is a lower bound, is an upper bound, where it is); a range of money
    ("5000万元-1亿元") is a bound either way."""
    units = "(?:人|名)" if unit == "人" else re.escape(unit)
    text = _THOUSANDS.sub("", text)  # 5,000万元 is 5000万元 (same length: positions hold)
    out = [(float(m.group(2)), m.group(3).endswith("以上") or m.group(1) in ("不低于", "超过", "达到", "大于", "高于", "满"),
            m.group(3) in ("以下", "以内") or m.group(1) in ("不超过", "不高于", "小于", "低于", "少于"), m.start())
           for m in re.finditer(r"(不超过|不高于|不低于|超过|达到|大于|高于|小于|低于|少于|满)?(?<![\d.])(\d+(?:\.\d+)?)\s*"
                                + units + r"(及?以上|以下|以内|)", text)]
    if unit in _TO_WAN:
        for m in _RANGE.finditer(text):
            low, high = float(m.group(1)) * _TO_WAN[m.group(2) or m.group(4)], float(m.group(3)) * _TO_WAN[m.group(4)]
            out += [(low / _TO_WAN[unit], True, False, m.start()), (high / _TO_WAN[unit], False, True, m.start())]
    return out


def states_same_quantity(question: str, text: str) -> bool:
    """Does the text give a figure the question states, or a threshold it meets ("雇了3个人", "雇了4个人" against
    "带动就业3人以上")? The same unit; a question asking 多少/几 states nothing."""
    return any(f.value == given or (at_least and f.value >= given) or (at_most and f.value <= given)
               for f in stated_figures(question) for given, at_least, at_most, _ in _figures_in(text, f.unit))


def bounds_stated_quantity(stated: Sequence[Figure], text: str) -> float:
    """How the text bounds a figure the question states ("投了500万" against "总投资在1000万元以上"): 1 for a bound in
    its unit, met or not; 1 more when the bound is of the same thing (营业收入8000万元 against 营业收入总额在…), and 1
    more when the figure meets it (销售收入3000万 against 小于5,000万元).
    """
    best = 0.0
    for f in stated:
        bounds = [(given, lo, hi, at) for given, lo, hi, at in _figures_in(text, f.unit) if lo or hi]
        for given, at_least, at_most, at in bounds:
            near = _THOUSANDS.sub("", text)[max(0, at - BOUND_REACH):at]
            same = len(f.of) >= 2 and any(f.of[i:i + 2] in near for i in range(len(f.of) - 1))
            # (a range is two bounds at one place: met when both are)
            met = all(f.value >= g if lo else f.value <= g for g, lo, hi, a in bounds if a == at)
            best = max(best, 1.0 + same + met)
    return best


def quantity_in(text: str, unit: str) -> bool:
    """Does the text state a number in the unit's dimension ("每亩600元" for 亩, "1年以上" for 个月)?"""
    return bool(re.search(_DIMENSION.get(unit) or r"[\d一二两三四五六七八九十]\s*" + re.escape(unit), text))


def is_formula(text: str) -> bool:
    """A formula or a conversion rule ("按月换算其减免税限额", "减免税限额=…÷12×…")."""
    return bool(_FORMULA.search(text))


def has_shape(text: str, field: str) -> bool:
    """Does the sentence hold a value of the kind the field asks for (an amount, a date, a duration, a fee)?"""
    return _shape(text, [field]) > 0


def _shape(text: str, fields: Sequence[str]) -> float:
    """1 when the sentence has the shape of the asked field's answer (an amount, a date, a duration)."""
    wanted = fields[0] if fields else "amount"
    if wanted == "amount":
        return 1.0 if _AMOUNT.search(text) else 0.0
    if wanted == "deadline":
        return 2.0 if _FULL_DATE.search(text) else (1.0 if _DATE.search(text) else 0.0)
    if wanted == "timelimit":
        return 1.0 if _DURATION.search(text) else 0.0
    if wanted == "conditions":
        return 0.5 if _NUMBER.search(text) else 0.0
    if wanted == "fee":
        return 1.0 if _FEE.search(text) else 0.0
    return 0.0
