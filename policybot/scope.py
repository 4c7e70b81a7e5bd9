"""Is a question covered by the guide at all? Decided from what the search found, before any answer is composed.

A question is covered when it names an entry (title or alias), or quotes a phrase of the guide, or its words are
the guide's words and the best passage is semantically close. It is not covered when it rests on words the guide
never uses (护照, 公积金, 天气 …) and nothing in the guide is close to it, or when nothing in the guide is close
at all. The thresholds were read off the development questions (README, "Out of scope").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.query import counted_people, occurrences
from index.search import SearchResult
from knowledge.curated import Topic

# Characters of function words: an unknown two-character "word" containing one is a segmentation artefact of
# colloquial speech (想开, 能贷, 先办), not a topic the guide lacks.
FUNCTION_CHARS = set("的了吗呢吧啊呀嘛么是有在和与及或也都还就又而并且但如那这我你您他她它们能想要会可得该没不个"
                      "些每几一再给让把被将从向对为于上下前后来去过着啥咋怎哪谁多少其先")


@dataclass(frozen=True)
class ScopeRules:
    quoted_min: int = 5  # a phrase this long found verbatim in an entry puts the question in scope
    quoted_beside_topic: int = 8  # … this long when the question also names a neighbouring topic
    dense_with_unknown: float = 0.5  # with a topic word the guide lacks, the best passage must be this close
    dense_min: float = 0.25  # below this nothing in the guide is close
    coverage_min: float = 0.35  # without dense scores (lexical mode): share of the question's weight the best
    #                             entry must contain
    # A word the guide never uses does not make a question "not covered" when the rest of it points clearly at
    # one entry: it leads the runner-up by this much, is this close, and holds this share of the question.
    clear_lead: float = 1.0
    clear_dense: float = 0.3
    clear_coverage: float = 0.3
    # … or its known words outweigh the unknown ones this many times over (idf mass) and a passage is this close:
    # "退伍兵开个体户，今年才干了5个月" is about 退役军人 个体工商户 减免, not about 才干.
    known_ratio: float = 1.3
    known_dense: float = 0.35
    # … or twice over, however far the embedding puts it: a colloquial message ("返乡农民工 开了个修车铺快两年了")
    # embeds poorly, while the guide's words in it (返乡入乡农牧民工, 补贴) say plainly what it is about
    known_ratio_alone: float = 2.0


@dataclass(frozen=True)
class ScopeDecision:
    covered: bool
    reason: str
    unknown_words: tuple[str, ...]
    topic: Topic | None = None
    keyword: str = ""  # the word that named the neighbouring topic


GAP = "…"  # in a keyword: up to GAP_CHARS characters of anything
GAP_CHARS = 6
# "还没办营业执照能入驻不": a keyword right after a negation states the user's situation, not what is asked
_NEGATED = re.compile(r"(?:没|未|不|没有|尚未|还没)$")


def neighbouring_topic(question: str, topics: list[Topic]) -> tuple[Topic, str] | None:
    # "招了4个人 社保…" counts people: its 个人 is no one's own affairs
    text = re.sub(r"\s+", "", counted_people(question.lower()))
    for topic in topics:
        for keyword in topic.keywords:
            if GAP in keyword:
                # "专利…多少钱": the words in order, a few characters apart ("申请个发明专利大概要花多少钱")
                found = re.search(f".{{0,{GAP_CHARS}}}".join(map(re.escape, keyword.split(GAP))), text)
                if found and not _NEGATED.search(text[:found.start()]):
                    return topic, found.group(0)
            elif any(not _NEGATED.search(text[:at]) for at in occurrences(text, keyword)):
                return topic, keyword
    return None


# The user's own trade, said in passing: "开了个修车铺", "我们卖建材的", "搞装修的". Its words tell who asks, not
# what is asked, so a trade the guide never names does not make the question one it does not cover.
_OWN_TRADE = re.compile(
    r"(?:开|干|经营|办|盘)(?:了|着)?(?:个|一个|家|一家|间|一间)[\u4e00-\u9fff]{0,5}?"
    r"(?:店|铺|馆|厂|部|摊|行|坊|场|站|房|所|室|社)"
    r"|(?:我们|我|俺|俺们|咱|咱们|他|他们|他家|来电人|客户)(?:是|家是)?(?:卖|做|搞|干|开|跑|修|养|种|弄)"
    r"[\u4e00-\u9fff]{1,8}?的(?=$|[\s，,。！!？?；;、]|[这那想要能有])"
)


def own_trade_spans(question: str) -> list[tuple[int, int]]:
    return [m.span() for m in _OWN_TRADE.finditer(question)]


def foreign_words(result: SearchResult, known: set[str]) -> list[str]:
    """Topic words of the question that the guide and the curated vocabularies never use (the user's own trade
    aside)."""
    trade = "".join(result.query[a:b] for a, b in own_trade_spans(result.query))
    out = []
    for t in dict.fromkeys(result.terms):
        if t in known or len(t) < 2 or t.isdigit() or set(t) & FUNCTION_CHARS or t in trade:
            continue
        out.append(t)
    return out


def decide(
    result: SearchResult,
    known: set[str],
    quoted: int,
    rules: ScopeRules = ScopeRules(),
    topics: list[Topic] = (),
    idf=None,
    asking: set[str] | frozenset[str] = frozenset(),
) -> ScopeDecision:
    if not result.hits:
        return ScopeDecision(False, "nothing found", ())
    top = result.hits[0]
    unknown = tuple(foreign_words(result, known))
    neighbour = neighbouring_topic(result.query, list(topics))
    if top.named and not (neighbour and top.named in neighbour[0].despite):
        return ScopeDecision(True, f"names entry {top.entry} as “{top.named}”", unknown)
    # a quoted phrase puts the question in scope, unless it is as short as a common name (个体工商户) beside a
    # neighbouring topic's keyword ("个体工商户办理注销登记")
    if quoted >= (rules.quoted_beside_topic if neighbour else rules.quoted_min):
        return ScopeDecision(True, f"quotes {quoted} characters of entry {top.entry}", unknown)
    if neighbour is not None:
        topic, keyword = neighbour
        return ScopeDecision(False, f"asks about {topic.name} (“{keyword}”), which the guide does not cover",
                             unknown, topic, keyword)
    if result.mode == "lexical":  # no similarity to go by: words alone decide
        if unknown or result.coverage < rules.coverage_min:
            return ScopeDecision(False, f"the guide lacks its words (coverage {result.coverage:.2f})", unknown)
        return ScopeDecision(True, f"its words are in entry {top.entry}", unknown)
    lead = top.score - result.hits[1].score if len(result.hits) > 1 else top.score
    clear = lead >= rules.clear_lead and result.best_dense >= rules.clear_dense and \
        result.coverage >= rules.clear_coverage
    if unknown:
        # what the question is about, in the guide's words (not the words that only ask for a field)
        words = [t for t in dict.fromkeys(result.terms) if len(t) >= 2 and t in known and not set(t) & FUNCTION_CHARS]
        # "ETC在哪里办": nothing but the unknown word says what it is about
        clear = clear and any(t not in asking for t in words)
        if idf is not None:
            known_mass = sum(idf(t) for t in words)
            unknown_mass = sum(idf(t) for t in unknown) or 1.0
            clear = clear or known_mass >= rules.known_ratio_alone * unknown_mass or (
                result.best_dense >= rules.known_dense and known_mass >= rules.known_ratio * unknown_mass)
    if unknown and clear:
        return ScopeDecision(True, f"points at entry {top.entry} (lead {lead:.2f}) despite {'、'.join(unknown)}",
                             unknown)
    if unknown and result.best_dense < rules.dense_with_unknown:
        return ScopeDecision(False, f"rests on words the guide does not use ({'、'.join(unknown)})", unknown)
    if result.best_dense < rules.dense_min:
        return ScopeDecision(False, f"no passage is close (best similarity {result.best_dense:.2f})", unknown)
    return ScopeDecision(True, f"close to entry {top.entry} (similarity {result.best_dense:.2f})", unknown)
