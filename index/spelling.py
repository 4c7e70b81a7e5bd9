"""Spelling correction of questions against the guide's own vocabulary.

People type 申清 for 申请, 陀鸟 for 鸵鸟, 不动产等级 for 不动产登记: a pinyin input method picks the wrong homophone,
or a similar-looking character slips in, and the question looks as if it asked about something the guide does not
cover. `Speller` maps such spans back onto the guide's words. There is no list of typos: candidates come from the
vocabulary it is given (guide word → how often the guide uses it) and the characters' toneless pinyin (pypinyin);
jieba's general dictionary, read-only, tells how ordinary Chinese the question is as typed.

How a run of Chinese characters is read:

* it is segmented (maximum probability without HMM, as jieba does) over jieba's general dictionary plus the guide
  words. A typo shows up as characters the segmentation cannot place in a word (怎么|申|清, 小微|企|叶); a
  character that stands alone as a common word (的, 了, 到, 还 …) counts as placed;
* every span of 2–6 characters that starts and ends on a word boundary and is no piece of any guide word is
  compared with the guide words of its length (indexes built once: the word with one character masked, and the
  word's fuzzy pinyin). A guide word is a candidate when it differs in one character that sounds the same or nearly
  so (same toneless syllable; z/zh, c/ch, s/sh, n/l, -n/-ng; an aspiration pair such as zh/ch), or — for spans of
  three characters or more — in two characters that both sound the same (fuzzy homophones from four on);
* the changed characters must be unplaced ones, and a two-character span must be unplaced as a whole (截到, 打到
  stay) — unless the wrong homophone made a word with the next character and left its neighbour unplaced
  (容|机率 for 容积率): then an exact homophone of a word the guide's text uses, with two characters staying. A span made only of real words is changed only when the change is an exact homophone and at least three
  characters stay (不动产等级 → 不动产登记; 我们, 真人, 截止 stay);
* characters that look alike but sound different (资全 for 资金) have a fallback: a span of four characters or more
  whose only guide word of that outline the guide uses at least FALLBACK_MIN_COUNT times, at a high cost;
* a candidate must make the span MIN_GAIN (log) more probable than as typed, under jieba's unigram model with the
  guide's words weighted up, after the costs of the changed characters; and it must be clearly ahead of the next
  candidate of the span (a small bonus goes to the candidate whose neighbouring character bigrams occur in guide
  words). Overlapping winners go to the higher score.

Digits, Latin letters and punctuation are never touched.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

__all__ = ["Correction", "GeneralCounts", "Speller", "guide_vocabulary"]

MIN_LEN = 2
MAX_LEN = 6
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_ALL_CJK = re.compile(r"[\u3400-\u9fff]+\Z")

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z",
             "c", "s", "y", "w")
# Fuzzy pinyin: initials and finals that speakers (and pinyin input users) mix up.
_FUZZY_INITIAL = {"zh": "z", "ch": "c", "sh": "s", "l": "n"}
_FUZZY_FINAL = {"ang": "an", "eng": "en", "ing": "in", "iang": "ian", "uang": "uan"}
# Initials that differ only in aspiration (after the fuzzy mapping): 值 zhi / 持 chi.
_ASPIRATION = {frozenset(p) for p in (("b", "p"), ("d", "t"), ("g", "k"), ("j", "q"), ("z", "c"))}

# What changing one character costs, in natural-log units of probability (see Speller).
SAME_SOUND = 0.0  # the same toneless syllable
FUZZY_SOUND = 2.0  # a fuzzy-pinyin pair (z/zh, n/l, -n/-ng …)
NEAR_SOUND = 2.0  # an aspiration pair (zh/ch, b/p …)
LESS_COMMON_READING = 2.0  # added when only a less common reading of the typed character matches
LOOK_ALIKE = 9.0  # no pinyin relation: only the look-alike fallback takes it
SECOND_CHANGE = 1.0  # added for changing two characters
UNRELATED = math.inf

MIN_GAIN = 6.0  # how much more probable (log) the corrected span must be than the span as typed, after costs
MIN_MARGIN = math.log(4)  # how far the best candidate of a span must be ahead of the next
GUIDE_WEIGHT = 100  # a guide word's count, as a count in jieba's general dictionary
KNOWN_WORD_FREQ = 30  # a word of jieba's general dictionary this frequent is ordinary Chinese as it stands
FUNCTION_CHAR_FREQ = 50_000  # a character standing alone this often is a word (的, 了, 到, 还 …), not a typo
FALLBACK_MIN_LEN = 4
FALLBACK_MIN_COUNT = 5
MIN_ANCHOR = 3  # unchanged characters needed to change a span made of real words
STRANDED_MIN_COUNT = 2  # a placed character changes only towards a word the guide's text itself uses this often

jieba.setLogLevel(logging.WARNING)
_general_lock = threading.Lock()
_general: jieba.Tokenizer | None = None


def _general_dictionary() -> jieba.Tokenizer:
    """jieba's general dictionary, in a private tokenizer loaded once per process and never changed."""
    global _general
    with _general_lock:
        if _general is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.check_initialized()
            _general = tokenizer
    return _general


class GeneralCounts:
    """jieba's general dictionary as the speller reads it — word → count, and the total — taken from a tokenizer
    that already holds it with other words added on top (the segmenter's), so that the ~60 MB dictionary is not
    loaded a second time. The added words' own general counts are read back from the tokenizer's dictionary
    file, which also gives the total."""

    def __init__(self, tokenizer: jieba.Tokenizer, added: Iterable[str]):
        tokenizer.check_initialized()
        self._freq: dict[str, int] = tokenizer.FREQ
        self._added = frozenset(added)
        self._own: dict[str, int] = {}  # added word → its count in the general dictionary, if it is a word there
        total = 0
        with tokenizer.get_dict_file() as fh:  # jieba's own format and parsing: "word count [tag]"
            for line in fh:
                word, count = line.decode("utf-8").strip().split(" ")[:2]
                total += int(count)
                if word in self._added:
                    self._own[word] = int(count)
        self.total = total

    def get(self, word: str, default: int = 0) -> int:
        if word in self._added:
            return self._own.get(word, default)
        return self._freq.get(word, default)

    def __contains__(self, word: str) -> bool:
        # A word or the start of one. The added words and their starts are in too: Speller._segment asks this
        # only to stop extending a fragment, and every added word of Chinese characters is a guide word whose
        # starts it follows anyway.
        return word in self._freq


@dataclass(frozen=True)
class Correction:
    text: str  # the corrected question
    replacements: tuple[tuple[str, str], ...]  # (what the user wrote, the guide word it became), in order


def _parts(syllable: str) -> tuple[str, str]:
    """(fuzzy initial, fuzzy final) of a toneless syllable."""
    ini, fin = "", syllable
    for i in _INITIALS:
        if syllable.startswith(i) and len(syllable) > len(i):
            ini, fin = i, syllable[len(i):]
            break
    return _FUZZY_INITIAL.get(ini, ini), _FUZZY_FINAL.get(fin, fin)


@lru_cache(maxsize=65536)
def _readings(ch: str) -> tuple[str, ...]:
    """A character's toneless readings, the most common first."""
    return tuple(r for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0] if r.isalpha() and r.isascii())


def _syllable_cost(a: str, b: str) -> float:
    if a == b:
        return SAME_SOUND
    (ia, fa), (ib, fb) = _parts(a), _parts(b)
    if fa != fb:
        return UNRELATED
    if ia == ib:
        return FUZZY_SOUND
    if ia and ib and frozenset((ia, ib)) in _ASPIRATION:
        return NEAR_SOUND
    return UNRELATED


@lru_cache(maxsize=262144)
def _sound_cost(typed: str, target: str, target_reading: str) -> float:
    """How far the typed character sounds from the guide word's character (read as in that word): the cost of
    changing one into the other, UNRELATED when they do not sound alike."""
    readings = _readings(typed)
    # the guide word's character as read in that word (or its usual reading) costs nothing extra; another of its
    # readings is how people often say it (苜蓿 mùxu, said mùsu: typed 苜宿), an exact homophone only, at a cost
    goals = {g: 0.0 for g in (target_reading, *_readings(target)[:1]) if g}
    for g in _readings(target)[1:]:
        goals.setdefault(g, LESS_COMMON_READING)
    best = UNRELATED
    for k, r in enumerate(readings):
        for g, extra in goals.items():
            cost = _syllable_cost(r, g)
            if k or extra:
                cost = cost + (LESS_COMMON_READING if k else 0.0) + extra if cost == SAME_SOUND else UNRELATED
            best = min(best, cost)
    return best


@lru_cache(maxsize=4096)
def _fuzzy(syllable: str) -> str:
    ini, fin = _parts(syllable)
    return ini + "|" + fin


@lru_cache(maxsize=65536)
def _char_keys(ch: str) -> tuple[str, ...]:
    """The fuzzy forms of a character's two most common readings."""
    return tuple(dict.fromkeys(_fuzzy(r) for r in _readings(ch)[:2]))


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    word: str
    changed: int
    gain: float  # log-probability gained, after the costs of the changes
    score: float  # the gain plus the context bonus; higher is better


class Speller:
    """Maps misspelt spans of a question onto the guide's words (see the module docstring).

    Probabilities are jieba's unigram model, its general dictionary's counts plus GUIDE_WEIGHT times the guide's
    count for guide words (the guide is what questions are about). A span is corrected when the guide word is
    MIN_GAIN (log) more probable than the span's words as typed, after the costs of the changed characters."""

    def __init__(self, vocabulary: Mapping[str, int], general: GeneralCounts | None = None):
        """`general`: jieba's general dictionary shared with a segmenter; by default a private copy, loaded once
        per process."""
        self.vocabulary: dict[str, int] = {}
        for w, n in vocabulary.items():
            w = str(w)
            if len(w) >= MIN_LEN and _ALL_CJK.match(w):
                self.vocabulary[w] = self.vocabulary.get(w, 0) + max(int(n), 1)
        words = self.vocabulary
        if general is None:
            tokenizer = _general_dictionary()
            self._general_freq: Mapping[str, int] | GeneralCounts = tokenizer.FREQ
            self._log_total = math.log(tokenizer.total)
        else:
            self._general_freq = general
            self._log_total = math.log(general.total)
        self._guide_prefixes: set[str] = set()
        self._attested: set[str] = set()  # every 2–6 character piece of a guide word
        self._reading: dict[str, tuple[str, ...]] = {}  # guide word → its toneless pinyin, read in context
        self._masked: dict[str, list[str]] = {}  # word with one character masked → words
        self._by_sound: dict[tuple[str, ...], list[str]] = {}  # fuzzy pinyin → words (two changes)
        self._bigrams: set[str] = set()  # character bigrams inside the guide's words
        for w in words:
            n = len(w)
            for i in range(1, n + 1):
                self._guide_prefixes.add(w[:i])
            for i in range(n - 1):
                self._bigrams.add(w[i : i + 2])
                for j in range(i + MIN_LEN, min(n, i + MAX_LEN) + 1):
                    self._attested.add(w[i:j])
            if n > MAX_LEN:
                continue
            reading = tuple(lazy_pinyin(w, style=Style.NORMAL))
            if len(reading) != n:
                reading = tuple((_readings(ch) or ("",))[0] for ch in w)
            reading = tuple(r if r.isascii() and r.isalpha() else "" for r in reading)
            self._reading[w] = reading
            for i in range(n):
                self._masked.setdefault(w[:i] + "\0" + w[i + 1 :], []).append(w)
            if all(reading):
                self._by_sound.setdefault(tuple(_fuzzy(r) for r in reading), []).append(w)

    # -- the language model -----------------------------------------------------------------------------------

    def _count(self, word: str) -> int:
        return self._general_freq.get(word, 0) + GUIDE_WEIGHT * self.vocabulary.get(word, 0)

    def _logp(self, word: str) -> float:
        return math.log(max(self._count(word), 1)) - self._log_total

    def _is_known(self, word: str) -> bool:
        """A real word as it stands: a guide word, or a word of the general dictionary."""
        return word in self.vocabulary or self._general_freq.get(word, 0) >= KNOWN_WORD_FREQ

    def _segment(self, run: str) -> list[tuple[int, int]]:
        """Maximum-probability segmentation (jieba's, without HMM) over the general dictionary and guide words."""
        n = len(run)
        freq, prefixes, log_total = self._general_freq, self._guide_prefixes, self._log_total
        best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
        for i in range(n - 1, -1, -1):
            top = (self._logp(run[i]) + best[i + 1][0], i + 1)
            j = i + 2
            while j <= n:
                frag = run[i:j]
                if frag not in freq and frag not in prefixes:
                    break
                count = self._count(frag)
                if count:
                    score = math.log(count) - log_total + best[j][0]
                    if score > top[0]:
                        top = (score, j)
                j += 1
            best[i] = top
        tokens = []
        i = 0
        while i < n:
            tokens.append((i, best[i][1]))
            i = best[i][1]
        return tokens

    # -- candidates -------------------------------------------------------------------------------------------

    def _fit(self, run: str, s: int, e: int, word: str) -> int:
        """How many of the two neighbouring character bigrams occur in guide words, with the word in place."""
        fit = 0
        if s > 0 and run[s - 1] + word[0] in self._bigrams:
            fit += 1
        if e < len(run) and word[-1] + run[e] in self._bigrams:
            fit += 1
        return fit

    def _changes(self, span: str, free: list[bool], explained: bool) -> dict[str, tuple[float, int]]:
        """Guide words the span may be a misspelling of → (cost, characters changed). free[i]: the segmentation
        left the span's character i unexplained; explained: the span is made of real words only."""
        length = len(span)
        options: dict[str, tuple[float, int]] = {}
        # one character changed
        for i in range(length):
            # a placed character may change only in a span with an unplaced one, to a same-sounding one, with
            # two characters staying: the wrong homophone made a word of its own and left its neighbour alone
            # (容|机率 for 容积率)
            stranded = not free[i] and not explained and length - 1 >= MIN_LEN
            if not (free[i] or explained or stranded):
                continue
            for word in self._masked.get(span[:i] + "\0" + span[i + 1 :], ()):
                cost = _sound_cost(span[i], word[i], self._reading[word][i])
                if stranded and (cost > SAME_SOUND or self.vocabulary[word] < STRANDED_MIN_COUNT):
                    continue
                if cost == UNRELATED:
                    if explained or not self._look_alike_ok(span, i):
                        continue
                    cost = LOOK_ALIKE
                elif explained and (cost > SAME_SOUND or length - 1 < MIN_ANCHOR):
                    continue
                if word not in options or cost < options[word][0]:
                    options[word] = (cost, 1)
        # two characters changed, both sounding alike, in a span of three characters or more
        if length < 3:
            return options
        keys: list[tuple[str, ...]] = [()]
        for ch in span:
            fuzzy = _char_keys(ch)
            if not fuzzy:
                return options
            keys = [k + (f,) for k in keys for f in fuzzy]
        for key in keys:
            for word in self._by_sound.get(key, ()):
                if word in options:
                    continue
                diffs = [i for i in range(length) if span[i] != word[i]]
                if len(diffs) != 2:
                    continue
                if explained:
                    if length - 2 < MIN_ANCHOR:
                        continue
                elif not all(free[i] for i in diffs):
                    continue
                costs = [_sound_cost(span[i], word[i], self._reading[word][i]) for i in diffs]
                limit = SAME_SOUND if length == 3 or explained else FUZZY_SOUND
                if max(costs) <= limit:
                    options[word] = (sum(costs) + SECOND_CHANGE, 2)
        return options

    def _look_alike_ok(self, span: str, i: int) -> bool:
        """The fallback for a character that sounds different: a long span, and only one guide word of its
        outline, one the guide uses often."""
        if len(span) < FALLBACK_MIN_LEN:
            return False
        words = self._masked.get(span[:i] + "\0" + span[i + 1 :], ())
        return len(words) == 1 and self.vocabulary[words[0]] >= FALLBACK_MIN_COUNT

    def _candidates(self, run: str) -> list[_Candidate]:
        """The best correction of every span of the run that has a clear one."""
        n = len(run)
        tokens = self._segment(run)
        token_at: dict[int, int] = {a: b for a, b in tokens}
        free = [False] * n
        for a, b in tokens:
            if (b - a == 1 and self._general_freq.get(run[a], 0) < FUNCTION_CHAR_FREQ) or (
                b - a > 1 and not self._is_known(run[a:b])
            ):
                for p in range(a, b):
                    free[p] = True
        out: list[_Candidate] = []
        for s, _ in tokens:
            logp_typed = 0.0
            e = s
            while e < n and e - s < MAX_LEN:
                b = token_at[e]
                if b - s > MAX_LEN:
                    break
                logp_typed += self._logp(run[e:b])
                e = b
                if e - s < MIN_LEN:
                    continue
                span = run[s:e]
                if span in self._attested:
                    continue
                span_free = free[s:e]
                explained = not any(span_free)
                if e - s == MIN_LEN and not all(span_free):
                    continue  # 截到, 打到: a word and a typo need more than one character of anchor
                if explained and e - s <= MIN_ANCHOR:
                    continue
                options = self._changes(span, span_free, explained)
                if not options:
                    continue
                scored = []
                for word, (cost, changed) in options.items():
                    gain = self._logp(word) - logp_typed - cost
                    scored.append((gain + 0.5 * self._fit(run, s, e, word), gain, word, changed))
                scored.sort(reverse=True)
                score, gain, word, changed = scored[0]
                if gain < MIN_GAIN:
                    continue
                if len(scored) > 1 and score - scored[1][0] < MIN_MARGIN:
                    continue
                out.append(_Candidate(s, e, word, changed, gain, score))
        return out

    def _correct_run(self, run: str) -> list[_Candidate]:
        if len(run) < MIN_LEN:
            return []
        chosen: list[_Candidate] = []
        taken = [False] * len(run)
        for c in sorted(self._candidates(run), key=lambda c: (-c.score, c.start)):
            if any(taken[c.start : c.end]):
                continue
            for p in range(c.start, c.end):
                taken[p] = True
            chosen.append(c)
        chosen.sort(key=lambda c: c.start)
        return chosen

    def correct(self, text: str) -> Correction:
        pieces: list[str] = []
        replacements: list[tuple[str, str]] = []
        last = 0
        for m in _CJK_RUN.finditer(text):
            for c in self._correct_run(m.group(0)):
                a, b = m.start() + c.start, m.start() + c.end
                pieces.append(text[last:a])
                pieces.append(c.word)
                replacements.append((text[a:b], c.word))
                last = b
        pieces.append(text[last:])
        return Correction("".join(pieces), tuple(replacements))


def guide_vocabulary(texts: Iterable[str], segmenter, extra_words: Iterable[str] = ()) -> dict[str, int]:
    """Guide word → how often the guide's texts use it (segmenter.words), plus the extra words (user-dictionary
    words: titles, aliases …) counted once at least; words of two Chinese characters or more."""
    counts: dict[str, int] = {}
    for text in texts:
        for w in segmenter.words(text):
            if len(_CJK_CHAR.findall(w)) >= 2:
                counts[w] = counts.get(w, 0) + 1
    for w in extra_words:
        w = str(w).strip()
        if len(_CJK_CHAR.findall(w)) >= 2 and w not in counts:
            counts[w] = 1
    return counts
