"""Hybrid search: BM25 and dense passage scores, aggregated to entries and fused, plus what the structure of the
guide gives for free — an entry named by its title or an alias, how much of an entry's title the question
covers, a phrase of the question quoted verbatim, and the field asked (a question about 材料 ranks materials
passages first).

Modes: "lexical" and "dense" rank by one retriever alone (with the field preference), for the ablation;
"hybrid" fuses both and adds the structural signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

import numpy as np

from knowledge.records import Record

from .lexical import LexicalIndex
from .passages import Passage, entry_document
from .query import entry_names, named_entries
from .phrases import PHRASE_MIN, PhraseIndex, phrase_text
from .segment import Segmenter, normalise_text, title_core

MODES = ("hybrid", "lexical", "dense")


@dataclass(frozen=True)
class Weights:
    """How the signals combine; measured on the development questions (README, "Retrieval")."""

    dense: float = 1.5  # weight of the entry's best cosine similarity against the normalised BM25 score
    entry_doc: float = 0.5  # weight of BM25 over the whole entry (all its sections) beside its best passage
    named: float = 0.3  # the question names the entry by title or alias
    title_cover: float = 0.3  # idf-weighted share of the entry's title terms found in the question
    field: float = 0.25  # a passage of the asked field counts this much more
    phrase: float = 0.1  # per character beyond PHRASE_MIN of the longest question phrase quoted verbatim
    dense_floor: float = 0.2  # cosine below this carries no evidence


class DenseScorer(Protocol):
    embedder: object

    def scores_for(self, vector: np.ndarray) -> np.ndarray: ...


@dataclass
class PassageHit:
    passage: Passage
    lexical: float
    dense: float
    score: float


@dataclass
class EntryHit:
    entry: int
    score: float
    lexical: float
    dense: float
    named: str | None
    title_cover: float
    quoted: int = 0  # length of the longest phrase of the question found verbatim in the entry
    passages: list[PassageHit] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    terms: list[str]
    fields: list[str]
    hits: list[EntryHit]
    coverage: float  # idf-weighted share of the question's terms the best entry contains
    unknown_terms: list[str]  # question terms no passage contains
    best_dense: float
    mode: str
    vector: np.ndarray | None = None  # the question's embedding, for choosing sentences inside an entry


class Searcher:
    def __init__(
        self,
        records: Sequence[Record],
        passages: Sequence[Passage],
        segmenter: Segmenter,
        lexical: LexicalIndex,
        entry_lexical: LexicalIndex,
        dense: DenseScorer | None = None,
        weights: Weights = Weights(),
    ):
        self.records = {r.id: r for r in records}
        self.record_list = list(records)
        self.passages = list(passages)
        self.segmenter = segmenter
        self.lexical = lexical
        self.entry_lexical = entry_lexical  # one document per entry, in self._entries order
        self.dense = dense
        self.weights = weights
        self._entry_of = np.array([p.entry for p in self.passages])
        self._entries = sorted(self.records)
        self._passages_of: dict[int, list[int]] = {e: [] for e in self._entries}
        for i, p in enumerate(self.passages):
            self._passages_of[p.entry].append(i)
        self._entry_terms: dict[int, set[str]] = {e: set() for e in self._entries}
        for p in self.passages:
            self._entry_terms[p.entry].update(segmenter.terms(p.indexed_text(self.records[p.entry].title)))
        # another spelling of a name (转成企业 for 个转企) names the entry too — unless another entry's text uses it
        # (异常名录 is said of both 经营异常名录 entries; 小微 all over the tax entries)
        texts = {e: normalise_text("".join(s.text for s in r.sections)) for e, r in self.records.items()}
        spoken: dict[str, list[str]] = {}
        for variant, canonical in segmenter.synonyms.items():
            spoken.setdefault(canonical, []).append(normalise_text(variant))
        self.names = {}
        for e, r in self.records.items():
            own = entry_names(r)
            said = [n for n in entry_names(r, spoken) if n not in own]
            self.names[e] = own + [n for n in said if not any(n in t for o, t in texts.items() if o != e)]
        self._title_terms = {
            e: set(segmenter.terms(title_core(r.title))) for e, r in self.records.items()
        }
        # Every term the guide or the curated vocabularies (aliases, synonyms, facts) use.
        self.known_terms: set[str] = set(lexical.doc_freq)
        for w in segmenter.words_to_add:
            self.known_terms.update(segmenter.terms(w))
        self._title_mass = {e: sum(lexical.idf(t) for t in tt) or 1.0 for e, tt in self._title_terms.items()}
        self.phrases = PhraseIndex({e: phrase_text(entry_document(r)) for e, r in self.records.items()})

    def entry_terms(self, entry: int) -> set[str]:
        """Every term of the entry's passages."""
        return self._entry_terms[entry]

    def share(self, terms: Sequence[str], entry: int) -> float:
        """The idf-weighted share of the terms that the entry's text holds (1.0 for no terms)."""
        idf, have = self.lexical.idf, self._entry_terms[entry]
        total = sum(idf(t) for t in terms)
        return sum(idf(t) for t in terms if t in have) / total if total else 1.0

    def search(self, query: str, *, fields: Sequence[str] = (), mode: str = "hybrid", k: int = 10) -> SearchResult:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        w = self.weights
        terms = self.segmenter.terms(query)
        n = len(self.passages)
        lex = self.lexical.scores(terms) if mode != "dense" else np.zeros(n, dtype=np.float32)
        vector = None
        if mode != "lexical" and self.dense is not None:
            vector = self.dense.embedder.encode([query])[0]
            den = np.asarray(self.dense.scores_for(vector), dtype=np.float32)
        else:
            den = np.zeros(n, dtype=np.float32)
        wanted = set(fields)
        boost = np.array([1.0 + w.field if wanted & set(p.kinds) else 1.0 for p in self.passages], dtype=np.float32)
        lex_b = lex * boost
        den_b = np.where(den > w.dense_floor, den - w.dense_floor, 0.0) * boost

        top_lex = float(lex_b.max()) if n else 0.0
        doc = self.entry_lexical.scores(terms) if mode != "dense" else np.zeros(len(self._entries))
        top_doc = float(doc.max()) if len(doc) else 0.0
        named = named_entries(query, self.record_list, self.names)
        quoted = self.phrases.quoted(query)
        idf_total = {t: self.lexical.idf(t) for t in set(terms)}
        hits: list[EntryHit] = []
        for position, e in enumerate(self._entries):
            idx = self._passages_of[e]
            l_e = float(lex_b[idx].max()) if idx else 0.0
            d_e = float(den_b[idx].max()) if idx else 0.0
            tt = self._title_terms[e]
            cover = sum(self.lexical.idf(t) for t in tt & set(terms)) / self._title_mass[e]
            score = 0.0
            if mode in ("hybrid", "lexical"):
                score += l_e / top_lex if top_lex > 0 else 0.0
                score += w.entry_doc * (doc[position] / top_doc if top_doc > 0 else 0.0)
            if mode in ("hybrid", "dense"):
                score += (w.dense if mode == "hybrid" else 1.0) * d_e
            if mode == "hybrid":
                # What the guide's structure adds: the entry named, its title covered, a phrase quoted.
                score += w.named * (e in named) + w.title_cover * cover
                score += w.phrase * max(quoted.get(e, 0) - PHRASE_MIN + 1, 0)
            passage_hits = sorted(
                (PassageHit(self.passages[i], float(lex[i]), float(den[i]),
                            float((lex_b[i] / top_lex if top_lex > 0 else 0.0) + w.dense * den_b[i]))
                 for i in idx),
                key=lambda h: -h.score,
            )
            hits.append(EntryHit(e, float(score), l_e, d_e, named.get(e), float(cover), quoted.get(e, 0), passage_hits))
        hits.sort(key=lambda h: (-h.score, h.entry))
        best = hits[0] if hits else None
        unknown = [t for t in dict.fromkeys(terms) if t not in self.lexical.doc_freq]
        if best is not None and idf_total:
            have = self._entry_terms[best.entry]
            coverage = sum(v for t, v in idf_total.items() if t in have) / sum(idf_total.values())
        else:
            coverage = 0.0
        return SearchResult(
            query=query,
            terms=terms,
            fields=list(fields),
            hits=hits[:k],
            coverage=coverage,
            unknown_terms=unknown,
            best_dense=float(den.max()) if n else 0.0,
            mode=mode,
            vector=vector,
        )
