#!/usr/bin/env python3
"""A BM25 simulator of seedsearch's ranking, to try ranking ideas without touching Rust.

Standard library only. It re-implements, in Python, what decides seedsearch's order of
passages (tantivy 0.27 as seedsearch drives it): the analyzer (words, apostrophes, digit
groups, letter/digit splits, ASCII folding, Snowball English stemming), BM25 per field
(title, section, text; k1 1.2, b 0.75, tantivy's quantised field norms, idf over all
passages), the split-word phrase (`Alfa-Eco`: parts + 0.5 x phrase), the proximity clauses
(neighbouring non-stop query words within 2 positions, weight 0.5), boilerplate
exclusion and the folding of identical passages. On top of that it can change the query
(stop words), the weights and BM25 parameters, and add article-level evidence, and it
scores the result on the bbc-dev queries (MRR@10) and SciFact train (nDCG@10).

    bench/relevance/bm25sim.py fidelity --bin BIN     # simulated vs. real ranks, per query
    bench/relevance/bm25sim.py bbc --stop fts5 --title-w 1.5
    bench/relevance/bm25sim.py scifact --stop fts5
    bench/relevance/bm25sim.py grid                   # the experiments of the findings
    bench/relevance/bm25sim.py explain d014           # why the top passages of a query rank

Passages come from the binary itself (`seedsearch list` + `show --format json`, cached in
bench/work/) so the simulation sees exactly seedsearch's split; with `--own-split` (or
when no binary is found) it splits files itself: headline line, blank-line-separated
paragraphs, long blocks cut at sentence ends near 2,000 bytes.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORK = REPO / "bench" / "work"
sys.path.insert(0, str(HERE))
import bbc_dev  # noqa: E402  (saved runs, hashing)
import scifact  # noqa: E402  (query neutralisation, qrels, metrics)
from shared import shared_dir  # noqa: E402

SHARED = shared_dir()

# ---------------------------------------------------------------------------------------
# Snowball English (Porter 2) stemmer, as in Snowball 3 (seedsearch's frostem follows
# Snowball's main branch). Checked word by word against the `snowballstemmer` package on
# the 48,894 distinct words of the BBC and SciFact corpora: no difference.
# ---------------------------------------------------------------------------------------

_V = set("aeiouy")
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
_LI_END = set("cdeghkmnrt")
_EXC1 = {"skis": "ski", "skies": "sky", "idly": "idl", "gently": "gentl", "ugly": "ugli",
         "early": "earli", "only": "onli", "singly": "singl", "sky": "sky", "news": "news",
         "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias",
         "andes": "andes", "dying": "die", "lying": "lie", "tying": "tie"}
_EXC2 = {"evening", "inning", "outing", "canning", "herring", "earring", "proceed", "exceed",
         "succeed"}
_PREFIXES = ("gener", "commun", "arsen", "past", "univers", "later", "emerg", "organ", "inter")
_STEP2 = sorted([("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
                 ("abli", "able"), ("entli", "ent"), ("izer", "ize"), ("ization", "ize"),
                 ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("aliti", "al"),
                 ("alli", "al"), ("fulness", "ful"), ("ousli", "ous"), ("ousness", "ous"),
                 ("iveness", "ive"), ("iviti", "ive"), ("biliti", "ble"), ("bli", "ble"),
                 ("fulli", "ful"), ("lessli", "less"), ("ogist", "og"), ("ogi", "og"),
                 ("li", "")], key=lambda x: -len(x[0]))
_STEP3 = sorted([("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"),
                 ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""), ("ative", "")],
                key=lambda x: -len(x[0]))
_STEP4 = sorted(["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
                 "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"], key=len, reverse=True)


def _short_syllable_end(w: str) -> bool:
    n = len(w)
    if n >= 3 and w[-3] not in _V and w[-2] in _V and w[-1] not in _V and w[-1] not in "wxY":
        return True
    return n == 2 and w[0] in _V and w[1] not in _V


def _regions(w: str) -> tuple[int, int]:
    r1 = len(w)
    for p in _PREFIXES:
        if w.startswith(p):
            r1 = len(p)
            break
    else:
        for i in range(1, len(w)):
            if w[i] not in _V and w[i - 1] in _V:
                r1 = i + 1
                break
    r2 = len(w)
    for i in range(r1 + 1, len(w)):
        if w[i] not in _V and w[i - 1] in _V:
            r2 = i + 1
            break
    return r1, r2


def porter2(word: str) -> str:
    if len(word) <= 2:
        return word
    if word in _EXC1:
        return _EXC1[word]
    if len(word) == 5 and word.endswith("ying") and word[0] not in _V:
        return word[0] + "ie"
    chars = list(word)
    if chars[0] == "y":
        chars[0] = "Y"
    for i in range(1, len(chars)):
        if chars[i] == "y" and chars[i - 1] in _V:
            chars[i] = "Y"
    w = "".join(chars)
    r1, r2 = _regions(w)
    # Step 1a
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ied", "ies")):
        w = w[:-2] if len(w) > 4 else w[:-1]
    elif w.endswith(("us", "ss")):
        pass
    elif w.endswith("s") and any(c in _V for c in w[:-2]):
        w = w[:-1]
    if w in _EXC2:
        return w
    # Step 1b
    if w.endswith(("eedly", "eed")):
        suf = "eedly" if w.endswith("eedly") else "eed"
        if len(w) - len(suf) >= r1:
            w = w[: -len(suf)] + "ee"
    else:
        for suf in ("ingly", "edly", "ing", "ed"):
            if w.endswith(suf):
                base = w[: -len(suf)]
                if any(c in _V for c in base):
                    w = base
                    if w.endswith(("at", "bl", "iz")):
                        w += "e"
                    elif w.endswith(_DOUBLES) and not (len(w) == 3 and w[0] in "aeo"):
                        w = w[:-1]
                    elif r1 >= len(w) and _short_syllable_end(w):
                        w += "e"
                break
    # Step 1c
    if len(w) > 2 and w[-1] in "yY" and w[-2] not in _V:
        w = w[:-1] + "i"
    # Step 2
    for suf, rep in _STEP2:
        if w.endswith(suf):
            if len(w) - len(suf) >= r1:
                if suf == "ogi":
                    if w[-4] == "l":
                        w = w[:-3] + rep
                elif suf == "li":
                    if w[-3] in _LI_END:
                        w = w[:-2]
                else:
                    w = w[: -len(suf)] + rep
            break
    # Step 3
    for suf, rep in _STEP3:
        if w.endswith(suf):
            if len(w) - len(suf) >= r1:
                if suf == "ative":
                    if len(w) - len(suf) >= r2:
                        w = w[: -len(suf)]
                else:
                    w = w[: -len(suf)] + rep
            break
    # Step 4
    for suf in _STEP4:
        if w.endswith(suf):
            if len(w) - len(suf) >= r2:
                if suf == "ion":
                    if len(w) >= 4 and w[-4] in "st":
                        w = w[:-3]
                else:
                    w = w[: -len(suf)]
            break
    # Step 5
    if w.endswith("e"):
        if len(w) - 1 >= r2 or (len(w) - 1 >= r1 and not _short_syllable_end(w[:-1])):
            w = w[:-1]
    elif w.endswith("l") and len(w) - 1 >= r2 and w[-2] == "l":
        w = w[:-1]
    return w.replace("Y", "y")


# ---------------------------------------------------------------------------------------
# The analyzer (seedsearch's src/analyzer.rs): words -> folded, stemmed terms
# ---------------------------------------------------------------------------------------

_APOSTROPHES = set("'\u2019\u02bc\uff07")
_SPECIAL_FOLD = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                 "þ": "th", "ı": "i", "ħ": "h"}
_STEM_MEMO: dict[str, str] = {}
_FOLD_MEMO: dict[str, str] = {}
MAX_TOKEN_BYTES = 64


def _combining(c: str) -> bool:
    o = ord(c)
    return (0x300 <= o <= 0x36F or 0x1AB0 <= o <= 0x1AFF or 0x1DC0 <= o <= 0x1DFF
            or 0x20D0 <= o <= 0x20FF or 0xFE20 <= o <= 0xFE2F)


def words(text: str) -> list[str]:
    """seedsearch's WordTokenizer: lower-cased words, before folding and stemming."""
    out = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if not c.isalnum():
            i += 1
            continue
        buf = []
        last_digit = False
        j = i
        while j < n:
            c = text[j]
            if c.isalnum():
                d = "0" <= c <= "9"
                if j > i and d != last_digit:
                    break
                buf.append(c.lower())
                last_digit = d
                j += 1
            elif _combining(c):
                j += 1
            elif c in _APOSTROPHES:
                nxt = text[j + 1] if j + 1 < n else ""
                if nxt and nxt.isalnum():
                    after = text[j + 2] if j + 2 < n else ""
                    if nxt in "sS" and not (after and after.isalnum()):
                        j += 2
                        break
                    j += 1
                else:
                    break
            elif c in ",." and last_digit:
                nxt = text[j + 1] if j + 1 < n else ""
                if "0" <= nxt <= "9":
                    if c == ".":
                        buf.append(".")
                    j += 1
                else:
                    break
            else:
                break
        i = j
        out.append("".join(buf))
    return out


def fold(w: str) -> str:
    f = _FOLD_MEMO.get(w)
    if f is None:
        if w.isascii():
            f = w
        else:
            f = "".join(_SPECIAL_FOLD.get(c, c) for c in w)
            f = "".join(c for c in unicodedata.normalize("NFKD", f)
                        if not unicodedata.combining(c))
        _FOLD_MEMO[w] = f
    return f


def stem(w: str) -> str:
    s = _STEM_MEMO.get(w)
    if s is None:
        s = porter2(w)
        _STEM_MEMO[w] = s
    return s


def analyze(text: str) -> list[str]:
    return [stem(fold(w)) for w in words(text) if len(w.encode()) <= MAX_TOKEN_BYTES]


LUCENE_STOP = frozenset("""a an and are as at be but by for if in into is it no not of on or
such that the their then there these they this to was will with""".split())
STOP_TERMS = frozenset(analyze(" ".join(LUCENE_STOP)))

# Query stop lists (compared with the lower-cased, folded, unstemmed query word).
FTS5_STOP = frozenset("""
a an and are as at be but by for if in into is it no not of on or such that the their then
there these they this to was will with
s t d ll re ve m
what which who whom whose how why when where did does do done has have had having were been
being would could should can may might must shall i me my we our you your he him his she her
its them from about so than too very
""".split())
STOPLISTS = {
    "none": frozenset(),
    "lucene": LUCENE_STOP,
    "fts5": FTS5_STOP,
    # FTS5's list plus the verbs of "what did X say": the target says "said", which the
    # stemmer does not join to "say", so `say` only ever matches other paragraphs.
    "fts5+say": FTS5_STOP | {"say", "says"},
    "fts5+said": FTS5_STOP | {"say", "says", "said"},
    # FTS5's list plus the quantity words of "how much / how many / how big" questions.
    "fts5+q": FTS5_STOP | {"say", "says", "much", "many"},
}

# ---------------------------------------------------------------------------------------
# Passages
# ---------------------------------------------------------------------------------------


@dataclass
class Passage:
    doc_id: str
    number: int
    title: str
    section: str
    text: str
    boilerplate: bool
    also: list[str]


def _show(binary: Path, seeds: Path, index: Path, doc_id: str) -> dict:
    r = subprocess.run([str(binary), "--seeds", str(seeds), "--index", str(index), "-q",
                        "--color", "never", "show", "--format", "json", doc_id],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"show {doc_id}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def dump_passages(binary: Path, seeds: Path, index: Path, out: Path, log=print) -> None:
    """Every passage of every distinct article, as seedsearch indexed it (list + show)."""
    base = [str(binary), "--seeds", str(seeds), "--index", str(index), "-q", "--color", "never"]
    r = subprocess.run(base + ["index", "--format", "json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"index: {r.stderr.strip()}")
    r = subprocess.run(base + ["list", "--format", "json"], capture_output=True, text=True,
                       check=True)
    arts = json.loads(r.stdout)["articles"]
    seen, todo = set(), []
    for a in arts:
        if a["doc_id"] in seen:
            continue
        seen.add(a["doc_id"])
        seen.update(a.get("same_as") or [])
        todo.append(a["doc_id"])
    log(f"dumping {len(todo)} articles' passages with {binary.name} show ...")
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        shown = list(pool.map(lambda d: _show(binary, seeds, index, d), todo))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for art in shown:
            also = [s["doc_id"] for s in art.get("also_in") or []]
            for p in art["passages"]:
                f.write(json.dumps({"doc_id": art["doc_id"], "number": p["passage"],
                                    "title": art["title"] or "", "section": p["section"] or "",
                                    "text": p["text"], "boilerplate": bool(p["boilerplate"]),
                                    "also": also}, ensure_ascii=False) + "\n")
    tmp.replace(out)


_BLANK = re.compile(r"\n[ \t\r\f\v]*\n")
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+")


def own_split(root: Path, one_passage_max: int = 2000) -> list[Passage]:
    """Approximate split: first line = headline; blank-line-separated blocks; blocks longer
    than ~2,000 bytes cut at sentence ends. No sections, no boilerplate detection."""
    out: list[Passage] = []
    by_body: dict[str, int] = {}
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in (".txt", ".md") or not path.is_file():
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
        text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff\n")
        head, _, body = text.partition("\n")
        doc_id = str(path.relative_to(root).with_suffix("")).replace(os.sep, "/")
        key = hashlib.sha1(raw).hexdigest()
        if key in by_body:
            out[by_body[key]].also.append(doc_id)
            continue
        blocks = [b.strip() for b in _BLANK.split(body) if b.strip()]
        pieces = []
        for b in blocks:
            if len(b.encode()) <= one_passage_max:
                pieces.append(b)
                continue
            cur = ""
            for s in _SENT_END.split(b):
                if cur and len((cur + " " + s).encode()) > one_passage_max:
                    pieces.append(cur)
                    cur = s
                else:
                    cur = (cur + " " + s).strip()
            if cur:
                pieces.append(cur)
        for k, piece in enumerate(pieces, 1):
            if k == 1:
                by_body[key] = len(out)
            out.append(Passage(doc_id, k, head.strip(), "", piece, False, []))
    return out


def load_passages(name: str, seeds: Path, binary: Path | None, own: bool, log) -> list[Passage]:
    if own or binary is None:
        log(f"{name}: splitting {seeds} with the simulator's own splitter")
        return own_split(seeds)
    cache = WORK / f"bm25sim-{name}-passages.jsonl"
    stamp = WORK / f"bm25sim-{name}-passages.stamp"
    want = f"{bbc_dev.sha256_file(binary)} {seeds}"
    if not cache.exists() or not stamp.exists() or stamp.read_text() != want:
        index = WORK / f"bm25sim-{name}-index"
        dump_passages(binary, seeds, index, cache, log)
        stamp.write_text(want)
    out = []
    with open(cache, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out.append(Passage(d["doc_id"], d["number"], d["title"], d["section"], d["text"],
                               d["boilerplate"], d["also"]))
    return out


# ---------------------------------------------------------------------------------------
# Index and scoring
# ---------------------------------------------------------------------------------------

def _fieldnorm_table() -> list[int]:
    """tantivy's FIELD_NORMS_TABLE (Lucene's SmallFloat byte4 encoding, 24 exact values)."""
    def int4_to_long(i):
        bits, shift = i & 0x07, (i >> 3) - 1
        return bits if shift == -1 else (bits | 0x08) << shift
    return [b if b < 24 else 24 + int4_to_long(b - 24) for b in range(256)]


NORMS = _fieldnorm_table()


def quantise(n: int) -> int:
    """A field length as tantivy stores it (rounded down to a table value)."""
    lo, hi = 0, 255
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if NORMS[mid] <= n:
            lo = mid
        else:
            hi = mid - 1
    return NORMS[lo]


FIELDS = ("title", "section", "text")


class Index:
    def __init__(self, passages: list[Passage]):
        self.passages = passages
        self.n = len(passages)
        self.terms = {f: [] for f in FIELDS}      # per field: list of term lists (positions)
        self.tf = {f: [] for f in FIELDS}         # per field: list of {term: tf}
        self.post = {f: {} for f in FIELDS}       # per field: term -> [pid]
        self.norm = {f: [] for f in FIELDS}
        self.avg = {}
        self.article_of: list[int] = []
        self.articles: dict[str, list[int]] = {}
        self.norm_text = []
        for pid, p in enumerate(passages):
            for f, text in (("title", p.title), ("section", p.section), ("text", p.text)):
                toks = analyze(text)
                self.terms[f].append(toks)
                counts: dict[str, int] = {}
                for t in toks:
                    counts[t] = counts.get(t, 0) + 1
                self.tf[f].append(counts)
                for t in counts:
                    self.post[f].setdefault(t, []).append(pid)
                self.norm[f].append(quantise(len(toks)))
            self.articles.setdefault(p.doc_id, []).append(pid)
            self.norm_text.append(" ".join(p.text.split()))
        for f in FIELDS:
            self.avg[f] = sum(len(t) for t in self.terms[f]) / self.n
        self.positions: list[dict[str, list[int]] | None] = [None] * self.n
        # Article-level statistics: the article as one document (title + all passages).
        self.art_ids = list(self.articles)
        self.art_index = {d: i for i, d in enumerate(self.art_ids)}
        self.art_of = [self.art_index[p.doc_id] for p in passages]
        self.art_tf: list[dict[str, int]] = []
        self.art_len: list[int] = []
        self.art_post: dict[str, list[int]] = {}
        for d in self.art_ids:
            counts: dict[str, int] = {}
            pids = self.articles[d]
            for t in self.terms["title"][pids[0]]:
                counts[t] = counts.get(t, 0) + 1
            for pid in pids:
                for t, c in self.tf["text"][pid].items():
                    counts[t] = counts.get(t, 0) + c
            self.art_tf.append(counts)
            self.art_len.append(sum(counts.values()))
            for t in counts:
                self.art_post.setdefault(t, []).append(len(self.art_tf) - 1)
        self.art_avg = sum(self.art_len) / len(self.art_len)

    def pos(self, pid: int) -> dict[str, list[int]]:
        p = self.positions[pid]
        if p is None:
            p = {}
            for i, t in enumerate(self.terms["text"][pid]):
                p.setdefault(t, []).append(i)
            self.positions[pid] = p
        return p

    def neighbours(self, pid: int) -> list[int]:
        """The passages just before and after `pid` in its article."""
        doc = self.passages[pid].doc_id
        return [q for q in (pid - 1, pid + 1)
                if 0 <= q < self.n and self.passages[q].doc_id == doc]

    def df(self, f: str, t: str) -> int:
        return len(self.post[f].get(t, ()))

    def idf(self, f: str, t: str) -> float:
        df = self.df(f, t)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Config:
    """One ranking. The defaults are seedsearch's (the base binary)."""
    k1: float = 1.2
    b: float = 0.75                # text
    b_title: float | None = None   # None: same as b
    title_w: float = 1.0
    section_w: float = 1.0
    prox_w: float = 0.5
    prox_slop: int = 2
    prox_pairs: int = 12
    prox_stop: str = "lucene"      # words left out of the proximity pairs (STOPLISTS)
    split_w: float = 0.5           # phrase of a split word's parts
    split_parts_w: float = 1.0     # each part of a split word (`line-up`: `line`, `up`)
    stop: str = "none"             # query words dropped (STOPLISTS), unless all are
    # Article-level evidence, added to every matching passage of the article:
    #   doc:   w * BM25 of the query against the whole article (title + all text, as one
    #          document; k1 and b as above)
    #   ctx:   w * the summed text idf of the query terms the passage lacks but the rest
    #          of its article has
    #   max:   w * the best passage score of the article
    art: str = "none"
    art_w: float = 0.0
    title_only_penalty: float = 0.0  # subtract from passages whose text matches no term
    # Coordination: multiply by (idf share of the query's distinct terms found in the
    # passage, any field) ** coord. 0 = off.
    coord: float = 0.0
    # BM25F, as SQLite FTS5's bm25() combines columns: one saturation per term over
    # title_w * tf(title) + section_w * tf(section) + tf(text), normalised by the
    # passage's whole length (title + section + text). Off: tantivy's sum of one BM25
    # per field.
    bm25f: bool = False
    # idf "tantivy": ln(1 + (N - n + 0.5) / (n + 0.5)); "classic": ln((N - n + 0.5) /
    # (n + 0.5)), floored at 1e-6 as FTS5 does (frequent words weigh next to nothing).
    idf: str = "tantivy"
    coord_nb: float = 0.0          # credit in the coverage for a term that is only in the
                                   # previous or next passage of the same article
    coord_depth: int = 0           # apply it to the best N passages only (0 = all), as a
                                   # re-ranking of seedsearch's candidates would
    label: str = ""

    def short(self) -> str:
        if self.label:
            return self.label
        base = Config()
        parts = [f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                 if f.name != "label" and getattr(self, f.name) != getattr(base, f.name)]
        return ", ".join(parts) or "base"


_SPLIT_QUERY = re.compile(r'[\s()"“”„]+')


def query_words(query: str, cfg: Config) -> list[tuple[list[str], bool]]:
    """The query's bare words, each as (its analysed terms, whether it takes part in
    proximity). As seedsearch's parser: whitespace, parentheses and quotes end a word;
    `name:rest` with a name that is not a field is a group of two words (outside the
    proximity clauses). With a stop list, words whose every part is a stop word are
    dropped, unless that drops them all."""
    raw: list[tuple[str, bool]] = []
    for w in _SPLIT_QUERY.split(query):
        if not w:
            continue
        if ":" in w:
            name, rest = w.split(":", 1)
            if name[:1].isalpha() and name.isalnum() and not rest.startswith("/"):
                raw.extend([(name, False), (rest, False)])
                continue
        raw.append((w, True))
    out = []
    stop = STOPLISTS[cfg.stop]
    for w, near in raw:
        ws = words(w)
        terms = [stem(fold(x)) for x in ws if len(x.encode()) <= MAX_TOKEN_BYTES]
        if not terms:
            continue
        keep = not stop or not all(fold(x) in stop for x in ws)
        out.append(((terms, near), keep))
    kept = [t for t, k in out if k]
    return kept if kept else [t for t, _ in out]


class Scorer:
    def __init__(self, index: Index, cfg: Config):
        self.ix = index
        self.cfg = cfg
        k1 = cfg.k1
        self.cache = {}
        for f in FIELDS:
            b = cfg.b if (f == "text" or cfg.b_title is None) else cfg.b_title
            avg = index.avg[f] or 1.0
            self.cache[f] = [k1 * (1 - b + b * index.norm[f][pid] / avg) for pid in range(index.n)]
        self.fw = {"title": cfg.title_w, "section": cfg.section_w, "text": 1.0}
        self.contrib: dict[tuple[str, str], list[tuple[int, float]]] = {}
        self.flen: list[int] | None = None
        self.favg = 1.0

    def term(self, f: str, t: str, boost: float, acc: dict[int, float]) -> None:
        if boost == 0:
            return
        key = (f, t)
        contrib = self.contrib.get(key)
        if contrib is None:
            ix = self.ix
            pids = ix.post[f].get(t, ())
            w = self.idf(f, t) * (1 + self.cfg.k1) if pids else 0.0
            cache = self.cache[f]
            tfs = ix.tf[f]
            contrib = [(pid, w * tfs[pid][t] / (tfs[pid][t] + cache[pid])) for pid in pids]
            self.contrib[key] = contrib
        get = acc.get
        if boost == 1.0:
            for pid, v in contrib:
                acc[pid] = get(pid, 0.0) + v
        else:
            for pid, v in contrib:
                acc[pid] = get(pid, 0.0) + boost * v

    def phrase(self, f: str, terms: list[str], slop: int, boost: float,
               acc: dict[int, float]) -> None:
        """tantivy's PhraseQuery (with slop): BM25 with the phrase count as tf and the sum
        of the terms' idf. Phrases over title/section are computed like text."""
        ix = self.ix
        lists = [set(ix.post[f].get(t, ())) for t in terms]
        if not lists or not all(lists) or boost == 0:
            return
        cand = set.intersection(*lists)
        if not cand:
            return
        w = sum(self.idf(f, t) for t in terms) * (1 + self.cfg.k1) * boost
        cache = self.cache[f]
        for pid in cand:
            if f == "text":
                pos = ix.pos(pid)
            else:
                pos = {}
                for i, t in enumerate(ix.terms[f][pid]):
                    pos.setdefault(t, []).append(i)
            n = phrase_count([pos[t] for t in terms], slop)
            if n:
                acc[pid] = acc.get(pid, 0.0) + w * n / (n + cache[pid])

    def idf(self, f: str, t: str) -> float:
        df = self.ix.df(f, t)
        if self.cfg.idf == "classic":
            return max(1e-6, math.log((self.ix.n - df + 0.5) / (df + 0.5)))
        return math.log(1 + (self.ix.n - df + 0.5) / (df + 0.5))

    def term_f(self, t: str, boost: float, acc: dict[int, float]) -> None:
        """BM25F: weighted term frequencies of all fields, one saturation, whole length."""
        key = ("*", t)
        contrib = self.contrib.get(key)
        if contrib is None:
            ix, cfg = self.ix, self.cfg
            if self.flen is None:
                self.flen = [len(ix.terms["title"][p]) + len(ix.terms["section"][p])
                             + len(ix.terms["text"][p]) for p in range(ix.n)]
                self.favg = sum(self.flen) / ix.n
            pids = set()
            for f in FIELDS:
                pids.update(ix.post[f].get(t, ()))
            # idf over passages holding the term anywhere (a passage is one FTS5 row).
            df = len(pids)
            idf = (max(1e-6, math.log((ix.n - df + 0.5) / (df + 0.5))) if cfg.idf == "classic"
                   else math.log(1 + (ix.n - df + 0.5) / (df + 0.5)))
            contrib = []
            for pid in pids:
                tf = sum(self.fw[f] * ix.tf[f][pid].get(t, 0) for f in FIELDS)
                norm = cfg.k1 * (1 - cfg.b + cfg.b * self.flen[pid] / self.favg)
                contrib.append((pid, idf * (1 + cfg.k1) * tf / (tf + norm)))
            self.contrib[key] = contrib
        get = acc.get
        for pid, v in contrib:
            acc[pid] = get(pid, 0.0) + boost * v

    def score(self, query: str) -> dict[int, float]:
        cfg = self.cfg
        qwords = query_words(query, cfg)
        acc: dict[int, float] = {}
        if cfg.bm25f:
            for terms, _ in qwords:
                for t in terms:
                    self.term_f(t, 1.0, acc)
                if len(terms) > 1:
                    self.phrase("text", terms, 0, cfg.split_w, acc)
            qwords_done = True
        else:
            qwords_done = False
        for terms, _ in ([] if qwords_done else qwords):
            for f in FIELDS:
                if len(terms) == 1:
                    self.term(f, terms[0], self.fw[f], acc)
                else:
                    self.phrase(f, terms, 0, self.fw[f] * cfg.split_w, acc)
                    for t in terms:
                        self.term(f, t, self.fw[f] * cfg.split_parts_w, acc)
        # Proximity: neighbouring non-stop terms of the (kept) words, within slop.
        if cfg.prox_stop == "lucene":
            flat = [t for terms, near in qwords if near for t in terms if t not in STOP_TERMS]
        else:
            pstop = STOPLISTS[cfg.prox_stop]
            flat = [t for terms, near in qwords if near for t in terms
                    if t not in STOP_TERMS and t not in pstop]
        pairs = [(a, b) for a, b in zip(flat, flat[1:]) if a != b][: cfg.prox_pairs]
        if cfg.prox_w:
            prox: dict[int, float] = {}
            for a, b in pairs:
                self.phrase("text", [a, b], cfg.prox_slop, cfg.prox_w, prox)
            for pid, s in prox.items():
                if pid in acc:
                    acc[pid] += s
        if cfg.title_only_penalty:
            qterms = {t for terms, _ in qwords for t in terms}
            for pid in acc:
                if not qterms & self.ix.tf["text"][pid].keys():
                    acc[pid] -= cfg.title_only_penalty
        if cfg.coord:
            self.coordinate(qwords, acc)
        if cfg.art != "none" and cfg.art_w:
            self.article_evidence(qwords, acc)
        return acc

    def coordinate(self, qwords: list[tuple[list[str], bool]], acc: dict[int, float]) -> None:
        ix = self.ix
        qterms = list(dict.fromkeys(t for terms, _ in qwords for t in terms))
        idf = {t: ix.idf("text", t) for t in qterms}
        total = sum(idf.values()) or 1.0
        depth = self.cfg.coord_depth
        if depth and len(acc) > depth:
            keep = sorted(acc, key=lambda pid: -acc[pid])[:depth]
            kept = {pid: acc[pid] for pid in keep}
            acc.clear()
            acc.update(kept)
        nb = self.cfg.coord_nb
        for pid in acc:
            have = 0.0
            for t, w in idf.items():
                if t in ix.tf["text"][pid] or t in ix.tf["title"][pid] or t in ix.tf["section"][pid]:
                    have += w
                elif nb and any(t in ix.tf["text"][q] for q in ix.neighbours(pid)):
                    have += nb * w
            acc[pid] *= (have / total) ** self.cfg.coord

    def article_evidence(self, qwords: list[tuple[list[str], bool]], acc: dict[int, float]) -> None:
        ix, cfg = self.ix, self.cfg
        qterms = list(dict.fromkeys(t for terms, _ in qwords for t in terms))
        if cfg.art == "max":
            best: dict[int, float] = {}
            for pid, s in acc.items():
                a = ix.art_of[pid]
                best[a] = max(best.get(a, 0.0), s)
            for pid in acc:
                acc[pid] += cfg.art_w * best[ix.art_of[pid]]
        elif cfg.art == "doc":
            n = len(ix.art_ids)
            art_score: dict[int, float] = {}
            for t in qterms:
                arts = ix.art_post.get(t, ())
                if not arts:
                    continue
                idf = math.log(1 + (n - len(arts) + 0.5) / (len(arts) + 0.5))
                for a in arts:
                    tf = ix.art_tf[a][t]
                    norm = cfg.k1 * (1 - cfg.b + cfg.b * ix.art_len[a] / ix.art_avg)
                    art_score[a] = art_score.get(a, 0.0) + idf * (1 + cfg.k1) * tf / (tf + norm)
            for pid in acc:
                acc[pid] += cfg.art_w * art_score.get(ix.art_of[pid], 0.0)
        elif cfg.art == "ctx":
            for pid in acc:
                a = ix.art_of[pid]
                here = ix.tf["text"][pid]
                extra = sum(ix.idf("text", t) for t in qterms
                            if t not in here and t in ix.art_tf[a])
                acc[pid] += cfg.art_w * extra
        else:
            raise ValueError(cfg.art)


def phrase_count(positions: list[list[int]], slop: int) -> int:
    """Matches of a phrase (terms at offsets 0, 1, ...): exact for slop 0; for two terms
    with slop, tantivy's intersection_count_with_slop (|p0 + 1 - p1| <= slop, greedy)."""
    if slop == 0:
        first = set(positions[0])
        for k, ps in enumerate(positions[1:], 1):
            first &= {p - k for p in ps}
        return len(first)
    left = [p + 1 for p in positions[0]]
    right = positions[1]
    i = j = count = 0
    while i < len(left) and j < len(right):
        lv, rv = left[i], right[j]
        if abs(lv - rv) <= slop:
            while i + 1 < len(left) and left[i + 1] <= rv:
                i += 1
            count += 1
            i += 1
            j += 1
        elif lv < rv:
            i += 1
        else:
            j += 1
    return count


def ranked(ix: Index, scores: dict[int, float], k: int) -> list[int]:
    """Top passages as seedsearch lists them: score (f32), then doc_id and passage; no
    boilerplate; a text already listed (another article's identical paragraph) folded."""
    order = sorted(scores, key=lambda pid: (-_f32(scores[pid]), ix.passages[pid].doc_id,
                                             ix.passages[pid].number))
    out, seen = [], set()
    for pid in order:
        p = ix.passages[pid]
        if p.boilerplate:
            continue
        key = ix.norm_text[pid]
        if key in seen:
            continue
        seen.add(key)
        out.append(pid)
        if len(out) == k:
            break
    return out


def _f32(x: float) -> float:
    import struct
    return struct.unpack("f", struct.pack("f", x))[0]


# ---------------------------------------------------------------------------------------
# Evaluations
# ---------------------------------------------------------------------------------------

class BBC:
    def __init__(self, binary: Path | None, own: bool, log):
        self.eval_dir = SHARED / "eval" / "bbc-dev"
        self.corpus = SHARED / "corpus" / "bbc"
        self.queries = [json.loads(x) for x in open(self.eval_dir / "queries.jsonl",
                                                    encoding="utf-8") if x.strip()]
        self.ix = Index(load_passages("bbc", self.corpus, binary, own, log))
        self.answers = {q["qid"]: " ".join(q["answer"].split()) for q in self.queries}

    def run(self, cfg: Config, k: int = 10) -> dict[str, int | None]:
        sc = Scorer(self.ix, cfg)
        ranks = {}
        for q in self.queries:
            top = ranked(self.ix, sc.score(q["query"]), k)
            ans = self.answers[q["qid"]]
            ranks[q["qid"]] = next((i for i, pid in enumerate(top, 1)
                                    if ans in self.ix.norm_text[pid]), None)
        return ranks

    def metrics(self, ranks: dict[str, int | None]) -> dict[str, tuple[float, float]]:
        out = {}
        for name in ("all", "keywords", "question"):
            rs = [ranks[q["qid"]] for q in self.queries if name == "all" or q["style"] == name]
            out[name] = (sum(1 / r for r in rs if r) / len(rs),
                         sum(1 for r in rs if r == 1) / len(rs))
        return out


class SciFact:
    def __init__(self, binary: Path | None, own: bool, log):
        self.dataset = SHARED / "eval" / "scifact"
        self.qrels = scifact.read_qrels(self.dataset / "qrels" / "train.tsv")
        queries = scifact.read_queries(self.dataset / "queries.jsonl")
        self.qids = sorted(self.qrels, key=lambda q: (len(q), q))
        self.sent = {q: scifact.neutralise(queries[q]) for q in self.qids}
        self.ix = Index(load_passages("scifact", self.dataset / "docs", binary, own, log))

    def run(self, cfg: Config) -> float:
        sc = Scorer(self.ix, cfg)
        total = 0.0
        for q in self.qids:
            scores = sc.score(self.sent[q])
            docs: dict[str, float] = {}
            for pid, s in scores.items():
                p = self.ix.passages[pid]
                if s > docs.get(p.doc_id, -1e30):
                    docs[p.doc_id] = s
                for d in p.also:
                    if s > docs.get(d, -1e30):
                        docs[d] = s
            # f32 like tantivy, so ties break as they do there (by doc id, descending).
            best = sorted(docs.items(), key=lambda x: x[1], reverse=True)[:40]
            top = sorted(((_f32(v), d) for d, v in best), reverse=True)[:10]
            top = [(d, v) for v, d in top]
            total += scifact.ndcg_at([d for d, _ in top], self.qrels[q], 10)
        return total / len(self.qids)


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------

def breakdown(sc: Scorer, query: str, pid: int) -> str:
    """Each query word's share of a passage's score (t = title, s = section, x = text,
    w = split-word phrase), then proximity and article evidence."""
    cfg = sc.cfg
    parts = []
    qwords = query_words(query, cfg)
    for terms, _ in qwords:
        bits = []
        for f, tag in (("title", "t"), ("section", "s"), ("text", "x")):
            acc: dict[int, float] = {}
            if len(terms) == 1:
                sc.term(f, terms[0], sc.fw[f], acc)
            else:
                for t in terms:
                    sc.term(f, t, sc.fw[f], acc)
            if acc.get(pid):
                bits.append(f"{tag}{acc[pid]:.1f}")
            if len(terms) > 1:
                acc = {}
                sc.phrase(f, terms, 0, sc.fw[f] * cfg.split_w, acc)
                if acc.get(pid):
                    bits.append(f"w{tag}{acc[pid]:.1f}")
        if bits:
            parts.append(f"{'-'.join(terms)}[{' '.join(bits)}]")
    steps = [replace(cfg, prox_w=0.0, coord=0.0, art="none"),
             replace(cfg, coord=0.0, art="none"), replace(cfg, art="none"), cfg]
    vals = [Scorer(sc.ix, c).score(query).get(pid, 0.0) for c in steps]
    if vals[1] != vals[0]:
        parts.append(f"prox[{vals[1] - vals[0]:+.1f}]")
    if cfg.coord and vals[1]:
        parts.append(f"coord[x{vals[2] / vals[1]:.2f}]")
    if vals[3] != vals[2]:
        parts.append(f"art[{vals[3] - vals[2]:+.1f}]")
    return " ".join(parts)


def explain(bbc: "BBC", cfg: Config, qid: str, n: int) -> None:
    q = next(x for x in bbc.queries if x["qid"] == qid)
    sc = Scorer(bbc.ix, cfg)
    scores = sc.score(q["query"])
    print(f"{q['qid']} ({q['style']}) {q['query']!r}")
    print(f"   target {q['doc_id']} paragraph {q['passage_index']}: ...{q['answer']}...")
    ans = bbc.answers[qid]
    top = ranked(bbc.ix, scores, 1000)
    shown = 0
    for i, pid in enumerate(top, 1):
        is_target = ans in bbc.ix.norm_text[pid]
        if i > n and not is_target:
            continue
        pp = bbc.ix.passages[pid]
        print(f"{i:>4} {scores[pid]:7.2f} {pp.doc_id}:{pp.number} ({len(bbc.ix.terms['text'][pid])} "
              f"words) {pp.title!r}{'  <== TARGET' if is_target else ''}")
        print(f"        {breakdown(sc, q['query'], pid)}")
        print(f"        {pp.text[:150]!r}")
        shown += 1
        if is_target and i > n:
            break
    print()


def find_binary(arg: Path | None) -> Path | None:
    cands = [arg, Path(os.environ["SEEDSEARCH_BIN"]) if os.environ.get("SEEDSEARCH_BIN") else None,
             Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target") / "release" / "seedsearch"]
    for c in cands:
        if c and c.is_file():
            return c.resolve()
    return None


def config_from(args) -> Config:
    kw = {}
    for f in fields(Config):
        v = getattr(args, f.name, None)
        if v is not None:
            kw[f.name] = v
    return Config(**kw)


def add_config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--k1", type=float)
    p.add_argument("--b", type=float, help="BM25 b of the text field")
    p.add_argument("--b-title", dest="b_title", type=float, help="b of title and section")
    p.add_argument("--title-w", dest="title_w", type=float)
    p.add_argument("--section-w", dest="section_w", type=float)
    p.add_argument("--prox-w", dest="prox_w", type=float)
    p.add_argument("--prox-slop", dest="prox_slop", type=int)
    p.add_argument("--prox-stop", dest="prox_stop", choices=sorted(STOPLISTS))
    p.add_argument("--split-w", dest="split_w", type=float)
    p.add_argument("--split-parts-w", dest="split_parts_w", type=float)
    p.add_argument("--coord", type=float)
    p.add_argument("--bm25f", action="store_true", default=None)
    p.add_argument("--idf", choices=["tantivy", "classic"])
    p.add_argument("--coord-depth", dest="coord_depth", type=int)
    p.add_argument("--coord-nb", dest="coord_nb", type=float)
    p.add_argument("--stop", choices=sorted(STOPLISTS))
    p.add_argument("--art", choices=["none", "max", "doc", "ctx"])
    p.add_argument("--art-w", dest="art_w", type=float)
    p.add_argument("--title-only-penalty", dest="title_only_penalty", type=float)


def fmt_ranks(ranks) -> str:
    return " ".join(f"{q}:{r or '-'}" for q, r in ranks.items() if r != 1)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bm25sim.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", type=Path, default=None,
                   help="seedsearch binary whose split to use (default: $SEEDSEARCH_BIN, "
                        "else target/release/seedsearch)")
    p.add_argument("--own-split", action="store_true", help="split the files here instead")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("bbc", help="MRR@10 on bbc-dev for one configuration")
    add_config_args(s)
    s.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    s = sub.add_parser("scifact", help="nDCG@10 on SciFact train for one configuration")
    add_config_args(s)
    s = sub.add_parser("fidelity", help="simulated vs. real per-query ranks on bbc-dev")
    s.add_argument("--real", type=Path, default=None,
                   help="a `bbc-dev --save` TSV of the same binary (default: run bbc-dev)")
    s = sub.add_parser("explain", help="the top passages of one bbc-dev query, with scores")
    add_config_args(s)
    s.add_argument("qid", nargs="+")
    s.add_argument("-n", type=int, default=5, help="passages to show (and the target)")
    s = sub.add_parser("grid", help="the experiments of the findings (bbc-dev and SciFact)")
    s.add_argument("--no-scifact", action="store_true")
    s.add_argument("--groups", default="", help="only the groups whose name contains this")
    args = p.parse_args(argv)
    log = lambda m: print(f"[bm25sim] {m}", file=sys.stderr, flush=True)  # noqa: E731
    binary = find_binary(args.bin)
    t0 = time.monotonic()

    if args.cmd == "bbc":
        bbc = BBC(binary, args.own_split, log)
        cfg = config_from(args)
        ranks = bbc.run(cfg)
        m = bbc.metrics(ranks)
        print(f"{cfg.short()}: MRR@10 all {m['all'][0]:.4f}  keywords {m['keywords'][0]:.4f}  "
              f"questions {m['question'][0]:.4f}  (S@1 {m['all'][1]:.2f})")
        if args.verbose:
            print("  not first:", fmt_ranks(ranks))
    elif args.cmd == "scifact":
        sf = SciFact(binary, args.own_split, log)
        cfg = config_from(args)
        print(f"{cfg.short()}: SciFact train nDCG@10 {sf.run(cfg):.4f}")
    elif args.cmd == "fidelity":
        bbc = BBC(binary, args.own_split, log)
        real_path = args.real
        if real_path is None:
            if binary is None:
                print("no binary", file=sys.stderr)
                return 2
            real_path = WORK / "bm25sim-fidelity-real.tsv"
            subprocess.run([sys.executable, str(HERE / "bbc_dev.py"), "--bin", str(binary),
                            "-q", "--no-fts5", "--save", str(real_path)],
                           check=True, stdout=subprocess.DEVNULL)
        real = {k: v["rank"] for k, v in bbc_dev.load_rows(real_path).items()}
        sim = bbc.run(Config())
        same = sum(real[q] == sim[q] for q in sim)
        mr = sum(1 / r for r in real.values() if r) / len(real)
        ms = sum(1 / r for r in sim.values() if r) / len(sim)
        print(f"simulated base vs. {real_path.name}: same rank for {same}/{len(sim)} queries; "
              f"MRR@10 real {mr:.4f}, simulated {ms:.4f}")
        for q in sim:
            if real[q] != sim[q]:
                print(f"  {q}: real {real[q] or '-'}, simulated {sim[q] or '-'}")
    elif args.cmd == "explain":
        bbc = BBC(binary, args.own_split, log)
        cfg = config_from(args)
        for qid in args.qid:
            explain(bbc, cfg, qid, args.n)
    elif args.cmd == "grid":
        import bm25grid  # noqa: F401  (kept separate: the list of experiments)
        bm25grid.run(binary, args.own_split, not args.no_scifact, log, args.groups)
    log(f"done in {time.monotonic() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
