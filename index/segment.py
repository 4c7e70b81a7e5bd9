"""Chinese segmentation shared by indexing and querying.

jieba (its own Tokenizer instance, so nothing leaks into the process-wide default) with a user dictionary generated
from the knowledge base — titles, aliases, agencies, contact labels, programme names in 《》, amounts — plus the
curated synonyms (knowledge/synonyms.yml), the colloquial forms of the enterprise facts (knowledge/facts.yml) and the
guide's section headings (knowledge/fields.yml). Terms are each word mapped to its canonical synonym plus the
dictionary words inside it (jieba's search mode), stop words removed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import jieba

from knowledge.records import Record
from knowledge.vocab import Fact, Fields

HERE = Path(__file__).resolve().parent
STOPWORDS_FILE = HERE / "stopwords.txt"

USER_WORD_FREQ = 50_000  # high enough that jieba keeps these words whole
_CJK = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9][A-Za-z0-9.%]*")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?(?:万|亿)?(?:元|吨|亩|只|人|件|个工作日|个月|年|天|%)")
_BOOK_TITLE = re.compile(r"《([^《》]{4,40})》")
_QUOTED_TERM = re.compile(r"“([^“”]{2,12})”")
_TITLE_SUFFIX = re.compile(r"(服务指南|业务服务指南|政策服务指南)$")

jieba.setLogLevel(logging.WARNING)


def load_stopwords(path: Path = STOPWORDS_FILE) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


def derived_synonyms(
    records: Sequence[Record], facts: dict[str, Fact], curated: dict[str, str], guide_words: set[str]
) -> dict[str, str]:
    """The curated synonyms, plus the colloquial forms of the enterprise facts (knowledge/facts.yml) mapped to
    their canonical value wherever the guide uses that value and never the colloquial word itself: 个体工商户 is
    the guide's word, so 个体户 means it; 公司 is a guide word of its own, so it is left alone."""
    text = "\n".join(f"{r.title}\n" + "\n".join(s.text for s in r.sections) for r in records)
    mapping = dict(curated)
    candidates: dict[str, set[str]] = {}
    for fact in facts.values():
        for form, value in fact.surface_forms().items():
            if not isinstance(value, str) or value not in text or form == value or len(form) < 2:
                continue
            candidates.setdefault(form, set()).add(value)
    for form, values in candidates.items():
        if len(values) == 1 and form not in mapping and form not in guide_words and form not in curated.values():
            mapping[form] = next(iter(values))
    return mapping


def normalise_text(text: str) -> str:
    """Full-width letters and digits to half-width, lower case: 'ＡＢ１' → 'ab1'."""
    return unicodedata.normalize("NFKC", text).lower()


def title_core(title: str) -> str:
    """A title without its 服务指南 suffix and quotes: the name people use for the entry."""
    core = _TITLE_SUFFIX.sub("", title)
    return re.sub(r"[“”\"《》]", "", core).strip()


def user_words(
    records: Sequence[Record], synonyms: dict[str, str], facts: dict[str, Fact], fields: Fields
) -> list[str]:
    """The user dictionary derived from the knowledge base and the curated vocabularies."""
    words: set[str] = set()
    for r in records:
        words.add(title_core(r.title))
        words.update(r.aliases)
        for s in r.sections:
            if s.kind == "agency" and len(s.text) <= 30:
                words.update(p for p in re.split(r"[、，,\s]+", s.text) if p)
            words.update(m for m in _BOOK_TITLE.findall(s.text) if "〔" not in m)
            words.update(m for m in _QUOTED_TERM.findall(s.text) if not re.search(r"[，。、]", m))
            words.update(m.group(0) for m in _AMOUNT.finditer(s.text))
        for c in r.contacts:
            words.add(c.label)
    words.update(synonyms)
    words.update(synonyms.values())
    for fact in facts.values():
        words.update(w for w in fact.surface_forms() if isinstance(w, str))
    for f in fields.fields.values():
        words.update(f.labels)
    return sorted(w for w in words if len(w) >= 2 and _CJK.search(w))


@dataclass
class Segmenter:
    """Words and index terms of a text, the same for the guide and for questions."""

    words_to_add: Sequence[str]
    stopwords: frozenset[str]
    synonyms: dict[str, str]

    def __post_init__(self) -> None:
        self._jieba = jieba.Tokenizer()
        for w in self.words_to_add:
            self._jieba.add_word(w, USER_WORD_FREQ)

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """The jieba tokenizer: its general dictionary with words_to_add on top. Read it, never change it."""
        return self._jieba

    @classmethod
    def from_dictionary_file(cls, path: Path, stopwords: frozenset[str], synonyms: dict[str, str]) -> "Segmenter":
        words = [line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return cls(words, stopwords, synonyms)

    def words(self, text: str) -> list[str]:
        """jieba's precise cut, white space dropped."""
        return [w for w in self._jieba.lcut(normalise_text(text)) if w.strip()]

    def terms(self, text: str) -> list[str]:
        """Index terms: each word of the precise cut mapped to its canonical synonym, followed by the dictionary
        words inside it (as jieba's search mode does), stop words and punctuation dropped.

        Sub-words are taken from the canonical word, so a question saying 大学生 and a passage saying 高校毕业生
        yield the same terms."""
        out: list[str] = []
        freq = self._jieba.FREQ
        for w in self.words(text):
            if not _TOKEN.match(w):
                continue
            canonical = self.synonyms.get(w, w)
            if canonical not in self.stopwords:
                out.append(canonical)
            for n in (2, 3):
                if len(canonical) <= n:
                    continue
                for i in range(len(canonical) - n + 1):
                    sub = canonical[i : i + n]
                    if freq.get(sub):
                        sub = self.synonyms.get(sub, sub)
                        if sub not in self.stopwords and sub != canonical:
                            out.append(sub)
            if canonical != w:
                # a colloquial form mapped whole keeps the other synonyms it says: 年报没报 is 经营异常名录, and
                # its 年报 is 年度报告
                out.extend(self.synonyms[w[i:i + n]] for n in (2, 3) if len(w) > n for i in range(len(w) - n + 1)
                           if w[i:i + n] in self.synonyms and self.synonyms[w[i:i + n]] not in (canonical, *out))
        return out

    def embedding_tokens(self, text: str, vocabulary: Iterable[str] | None = None) -> list[str]:
        """Tokens for a static embedding model: precise-cut words, synonyms mapped; a word the model does not know
        falls back to its characters."""
        known = vocabulary
        out: list[str] = []
        for w in self.words(text):
            if w in self.stopwords or not _TOKEN.match(w):
                continue
            w = self.synonyms.get(w, w)
            if known is None or w in known:
                out.append(w)
            else:
                out.extend(ch for ch in w if ch in known)
        return out

    def write_dictionary(self, path: Path) -> None:
        """jieba's user-dictionary format ("word freq" per line): Rasa's JiebaTokenizer reads the same file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{w} {USER_WORD_FREQ}\n" for w in self.words_to_add), encoding="utf-8")
