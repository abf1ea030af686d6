#!/usr/bin/env python3
"""Relevance harness: seedsearch on BEIR SciFact (train split), nDCG@10 and recall@100.

Standard library only. See README.md next to this file for usage and for what each
number means. In short:

    python3 bench/relevance/scifact.py                 # index if needed, score, report
    python3 bench/relevance/scifact.py --rebuild       # force a fresh index
    python3 bench/relevance/scifact.py --tag k1-09 --env SEEDSEARCH_X=1 -- --per-doc 2

Everything after `--` is passed to `seedsearch search` unchanged.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORK = REPO / "bench" / "work"
sys.path.insert(0, str(HERE))
from shared import shared_dir  # noqa: E402

DEFAULT_DATASET = shared_dir() / "eval" / "scifact"

# Depths of the metrics. Passages are fetched until DOC_DEPTH distinct documents are known.
NDCG_K = 10
RECALL_K = 100
DOC_DEPTH = RECALL_K
MAX_PASSAGES = 10_000  # seedsearch's -n limit


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------

def read_qrels(path: Path) -> dict[str, set[str]]:
    """query id -> set of relevant corpus ids. Handles CRLF and the header line; ids are
    kept as strings (never compared as numbers)."""
    qrels: dict[str, set[str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for n, line in enumerate(f):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if n == 0 and parts[0].strip().lower() in ("query-id", "query_id", "qid"):
                continue
            qid, docid, score = parts[0].strip(), parts[1].strip(), parts[2].strip()
            if float(score) > 0:
                qrels.setdefault(qid, set()).add(docid)
    return qrels


def read_queries(path: Path) -> dict[str, str]:
    """query id -> text. Reads only `_id` and `text`: `metadata` holds SciFact's evidence
    labels, which would leak the answers."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                out[str(rec["_id"])] = rec["text"]
    return out


# ---------------------------------------------------------------------------------------
# Query neutralisation: make a sentence plain words for seedsearch's query language
# ---------------------------------------------------------------------------------------

_SYNTAX_CHARS = re.compile(r'["“”„()\[\]{}:*^\\]')
_OPERATORS = {"AND", "OR", "NOT", "TO"}


def neutralise(text: str) -> str:
    """Quotes and parentheses, `field:` colons, `*` prefixes and `^` boosts become spaces;
    leading `+`/`-` are stripped from words; the operators AND/OR/NOT are lower-cased.
    What is left is read by seedsearch as optional plain words (a hyphenated word such as
    `IL-6` stays one word, which seedsearch searches as a phrase of its parts)."""
    text = _SYNTAX_CHARS.sub(" ", text)
    words = []
    for w in text.split():
        w = w.lstrip("+-")
        if not w:
            continue
        if w in _OPERATORS:
            w = w.lower()
        words.append(w)
    return " ".join(words)


# ---------------------------------------------------------------------------------------
# Running seedsearch
# ---------------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Seedsearch:
    def __init__(self, binary: Path, docs: Path, index: Path, env: dict[str, str],
                 search_args: list[str], quiet: bool):
        self.binary = binary
        self.docs = docs
        self.index = index
        self.env = env
        self.search_args = search_args
        self.quiet = quiet

    def base(self) -> list[str]:
        return [str(self.binary), "--seeds", str(self.docs), "--index", str(self.index),
                "--color", "never", "-q"]

    def help_text(self) -> str:
        r = subprocess.run(self.base() + ["search", "--help"], env=self.env,
                           capture_output=True, text=True)
        return r.stdout + r.stderr

    # -- indexing -------------------------------------------------------------------------

    def ensure_index(self, rebuild: bool, reuse: bool, index_args: list[str],
                     stamp_env: dict[str, str]) -> tuple[bool, float, dict]:
        """Builds the index when it is missing, when asked, or when the binary, the index
        arguments or the pass-through environment changed since it was built. Returns
        (rebuilt, seconds, index report)."""
        stamp_path = self.index.with_name(self.index.name + ".stamp.json")
        stamp = {
            "binary_sha256": sha256_file(self.binary),
            "docs": str(self.docs),
            "index_args": index_args,
            "env": stamp_env,
        }
        old = None
        if stamp_path.exists():
            try:
                old = json.loads(stamp_path.read_text())
            except ValueError:
                old = None
        exists = self.index.exists() and any(self.index.iterdir())
        same = old is not None and all(old.get(k) == v for k, v in stamp.items())
        if exists and not rebuild and (reuse or same):
            return False, 0.0, (old or {}).get("report", {})
        why = ("--rebuild" if rebuild else "no index yet" if not exists
               else "binary, index args or environment changed")
        log(f"indexing {self.docs} into {rel(self.index)} ({why})", self.quiet)
        if self.index.exists():
            names = {p.name for p in self.index.iterdir()}
            if names and not names & {"meta.json", "seedsearch.json"}:
                die(f"{self.index} holds files but no seedsearch index; not deleting it")
            shutil.rmtree(self.index)
        self.index.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        cmd = self.base() + ["index", "--rebuild", "--format", "json"] + index_args
        r = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        secs = time.monotonic() - t0
        if r.returncode != 0:
            die(f"indexing failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stderr}")
        try:
            report = json.loads(r.stdout) if r.stdout.strip() else {}
        except ValueError:
            report = {"raw": r.stdout[:2000]}
        if r.stderr.strip():
            report["stderr_lines"] = len(r.stderr.splitlines())
            (WORK / "scifact-index-stderr.txt").write_text(r.stderr)
        stamp["report"] = report
        stamp["seconds"] = round(secs, 2)
        stamp_path.write_text(json.dumps(stamp, indent=2) + "\n")
        return True, secs, report

    # -- searching ------------------------------------------------------------------------

    def search_one(self, query: str, n: int) -> dict:
        cmd = self.base() + ["search", "--no-sync", "--json", "-n", str(n)] + \
            self.search_args + ["--", query]
        r = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        if r.returncode in (0, 1):
            try:
                return json.loads(r.stdout)
            except ValueError:
                return {"query": query, "error": f"exit {r.returncode}, unparsable JSON"}
        return {"query": query, "error": (r.stderr.strip() or f"exit {r.returncode}")
                .splitlines()[-1], "exit": r.returncode}

    def search_batch(self, queries: list[str], n: int) -> list[dict]:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt",
                                         dir=WORK, delete=False) as f:
            for q in queries:
                f.write(q.replace("\n", " ") + "\n")
            path = f.name
        try:
            cmd = self.base() + ["search", "--no-sync", "--batch", path, "--json",
                                 "-n", str(n)] + self.search_args
            r = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        finally:
            os.unlink(path)
        lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
        if len(lines) != len(queries):
            die(f"batch mode returned {len(lines)} lines for {len(queries)} queries "
                     f"(exit {r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
        out = []
        for q, ln in zip(queries, lines):
            res = json.loads(ln)
            if res.get("query") not in (None, q):
                die(f"batch output out of order: sent {q!r}, got {res.get('query')!r}")
            out.append(res)
        return out

    def run_all(self, queries: list[str], n: int, mode: str, jobs: int) -> list[dict]:
        # An empty query is not sent (a blank line would upset the batch line count).
        todo = [q for q in queries if q.strip()]
        if mode == "batch":
            answers = self.search_batch(todo, n) if todo else []
        else:
            with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
                answers = list(pool.map(lambda q: self.search_one(q, n), todo))
        it = iter(answers)
        return [next(it) if q.strip() else {"query": q, "error": "empty query"}
                for q in queries]


# ---------------------------------------------------------------------------------------
# Passages -> documents, metrics
# ---------------------------------------------------------------------------------------

def hit_doc_ids(hit: dict) -> list[str]:
    """The corpus ids a passage belongs to: its doc_id plus the identical files listed in
    `also_in` (seedsearch indexes byte-identical articles once)."""
    ids = [str(hit["doc_id"])]
    for other in hit.get("also_in") or []:
        ids.append(str(other["doc_id"]))
    return ids


def aggregate(hits: list[dict]) -> dict[str, list[float]]:
    """doc id -> its passages' scores, best first."""
    docs: dict[str, list[float]] = {}
    for hit in hits:
        for d in hit_doc_ids(hit):
            docs.setdefault(d, []).append(float(hit["score"]))
    for scores in docs.values():
        scores.sort(reverse=True)
    return docs


AGGREGATIONS = {
    "max": lambda s: s[0],
    "sum2": lambda s: sum(s[:2]),
}


def rank_docs(docs: dict[str, list[float]], how: str) -> list[str]:
    """Documents by aggregated score, best first; ties broken by doc id descending, as
    trec_eval (and so pytrec_eval / BEIR) does."""
    f = AGGREGATIONS[how]
    scored = [(f(s), d) for d, s in docs.items()]
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [d for _, d in scored]


def ndcg_at(ranking: list[str], relevant: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranking[:k]) if d in relevant)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranking: list[str], relevant: set[str], k: int) -> float:
    return len(relevant.intersection(ranking[:k])) / len(relevant) if relevant else 0.0


def rr_at(ranking: list[str], relevant: set[str], k: int) -> float:
    for i, d in enumerate(ranking[:k]):
        if d in relevant:
            return 1.0 / (i + 1)
    return 0.0


# ---------------------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------------------

def die(msg: str) -> None:
    print(f"scifact.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def log(msg: str, quiet: bool = False) -> None:
    if not quiet:
        print(f"[scifact] {msg}", file=sys.stderr, flush=True)


def rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def tsv_clean(s: str) -> str:
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def load_perquery(path: Path) -> dict[str, float]:
    out = {}
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        i_q, i_n = header.index("qid"), header.index("ndcg10")
        for line in f:
            parts = line.rstrip("\n").split("\t")
            out[parts[i_q]] = float(parts[i_n])
    return out


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    if "--" in argv:
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1:]
    else:
        passthrough = []
    p = argparse.ArgumentParser(
        prog="scifact.py",
        description="Score seedsearch on BEIR SciFact (train): nDCG@10 and recall@100.",
        epilog="Arguments after `--` go to `seedsearch search` unchanged "
               "(e.g. `-- --per-doc 2`).")
    p.add_argument("--bin", type=Path, default=None,
                   help="seedsearch binary (default: $SEEDSEARCH_BIN, else "
                        "${CARGO_TARGET_DIR:-REPO/target}/release/seedsearch)")
    p.add_argument("--build", action="store_true",
                   help="run `cargo build --release` first (honours CARGO_TARGET_DIR)")
    p.add_argument("--dataset", type=Path, default=DEFAULT_DATASET,
                   help="SciFact folder with docs/, queries.jsonl, qrels/ (default: %(default)s)")
    p.add_argument("--qrels", type=Path, default=None,
                   help="judgments to score against (default: DATASET/qrels/train.tsv)")
    p.add_argument("--index", type=Path, default=WORK / "scifact-index",
                   help="index folder (default: bench/work/scifact-index)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the index unconditionally")
    p.add_argument("--reuse-index", action="store_true",
                   help="use the existing index even if the binary or environment changed")
    p.add_argument("--index-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `seedsearch index` (repeatable)")
    p.add_argument("--search-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `seedsearch search` (repeatable; or put them after --)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="environment variable for every seedsearch run (repeatable). "
                        "SEEDSEARCH_* variables already set are passed too; all of them are "
                        "recorded, and a change triggers a re-index")
    p.add_argument("-n", "--passages", type=int, default=150,
                   help="passages requested per query on the first pass; queries that yield "
                        f"fewer than {DOC_DEPTH} distinct documents while more passages "
                        "matched are re-run deeper (default: %(default)s)")
    p.add_argument("--mode", choices=["auto", "batch", "single"], default="auto",
                   help="`batch` uses `search --batch`; `single` runs one process per query; "
                        "`auto` uses batch when `search --help` lists it (default)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2,
                   help="parallel processes in single mode (default: %(default)s)")
    p.add_argument("--raw-queries", action="store_true",
                   help="send the query text as is (no neutralisation of query syntax)")
    p.add_argument("--agg", choices=sorted(AGGREGATIONS), default="max",
                   help="aggregation for the headline number and the per-query dump "
                        "(both are always reported; default: %(default)s)")
    p.add_argument("--tag", default="baseline",
                   help="name of this run; outputs go to bench/work/scifact-TAG-*.{tsv,json}")
    p.add_argument("--compare", type=Path, default=None, metavar="PERQUERY_TSV",
                   help="a previous run's per-query TSV: print the delta and wins/losses")
    p.add_argument("--limit-queries", type=int, default=0, metavar="N",
                   help="score only the first N judged queries (quick smoke runs)")
    p.add_argument("-q", "--quiet", action="store_true", help="only the result table")
    args = p.parse_args(argv)
    args.search_arg = args.search_arg + passthrough
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    t_start = time.monotonic()

    if args.build:
        log("cargo build --release", args.quiet)
        r = subprocess.run(["cargo", "build", "--release"], cwd=REPO)
        if r.returncode != 0:
            return 2
    binary = args.bin or (Path(os.environ["SEEDSEARCH_BIN"]) if os.environ.get("SEEDSEARCH_BIN")
                          else Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
                          / "release" / "seedsearch")
    binary = binary.resolve()
    if not binary.is_file():
        die(f"no seedsearch binary at {binary} (build it, or pass --bin / --build)")
    dataset = args.dataset.resolve()
    docs = dataset / "docs"
    qrels_path = args.qrels or dataset / "qrels" / "train.tsv"
    index = args.index.resolve()

    # Environment: inherited, plus --env; SEEDSEARCH_* values are recorded (they may be
    # tuning knobs) and part of the index stamp.
    env = dict(os.environ)
    env.pop("SEEDSEARCH_SEEDS", None)
    env.pop("SEEDSEARCH_INDEX", None)
    for kv in args.env:
        if "=" not in kv:
            die(f"--env takes KEY=VALUE, not {kv!r}")
        k, v = kv.split("=", 1)
        env[k] = v
    passed = {k: v for k, v in env.items() if k.startswith("SEEDSEARCH_") and k != "SEEDSEARCH_BIN"}
    passed.update({kv.split("=", 1)[0]: kv.split("=", 1)[1] for kv in args.env})
    passed = dict(sorted(passed.items()))

    ss = Seedsearch(binary, docs, index, env, args.search_arg, args.quiet)
    rebuilt, index_secs, report = ss.ensure_index(args.rebuild, args.reuse_index,
                                                  args.index_arg, passed)

    qrels = read_qrels(qrels_path)
    queries = read_queries(dataset / "queries.jsonl")
    qids = sorted(qrels, key=lambda q: (len(q), q))  # numeric order without int()
    missing = [q for q in qids if q not in queries]
    if missing:
        die(f"{len(missing)} judged queries are not in queries.jsonl: {missing[:5]}")
    if args.limit_queries:
        qids = qids[: args.limit_queries]
    sent = {q: (queries[q] if args.raw_queries else neutralise(queries[q])) for q in qids}

    mode = args.mode
    if mode == "auto":
        mode = "batch" if "--batch" in ss.help_text() else "single"
    log(f"{len(qids)} queries, {mode} mode, binary {rel(binary)}"
        + (f", search args {args.search_arg}" if args.search_arg else "")
        + (f", env {passed}" if passed else ""), args.quiet)

    t0 = time.monotonic()
    n = max(1, min(args.passages, MAX_PASSAGES))
    results = dict(zip(qids, ss.run_all([sent[q] for q in qids], n, mode, args.jobs)))
    # Deeper passes for queries whose passages cover too few distinct documents.
    depth_n = n
    while depth_n < MAX_PASSAGES:
        short = [q for q in qids if "error" not in results[q]
                 and len(aggregate(results[q]["hits"])) < DOC_DEPTH
                 and results[q].get("total_hits", 0) > len(results[q]["hits"])]
        if not short:
            break
        depth_n = min(depth_n * 4, MAX_PASSAGES)
        log(f"{len(short)} queries re-run with -n {depth_n} to reach {DOC_DEPTH} documents",
            args.quiet)
        for q, res in zip(short, ss.run_all([sent[q] for q in short], depth_n, mode, args.jobs)):
            results[q] = res
    search_secs = time.monotonic() - t0

    # Score.
    per_query = []
    sums = {how: {"ndcg10": 0.0, "recall100": 0.0, "mrr10": 0.0, "recall10": 0.0}
            for how in AGGREGATIONS}
    errors = []
    for q in qids:
        res = results[q]
        relevant = qrels[q]
        row = {"qid": q, "n_rel": len(relevant), "query": queries[q], "sent": sent[q]}
        if "error" in res:
            errors.append((q, sent[q], res["error"]))
            row.update(error=res["error"], hits=[], total_hits=0)
            docs_scores = {}
        else:
            docs_scores = aggregate(res["hits"])
            row.update(error="", total_hits=res.get("total_hits", 0), hits=res["hits"])
        for how in AGGREGATIONS:
            ranking = rank_docs(docs_scores, how)
            m = {"ndcg10": ndcg_at(ranking, relevant, NDCG_K),
                 "recall100": recall_at(ranking, relevant, RECALL_K),
                 "mrr10": rr_at(ranking, relevant, NDCG_K),
                 "recall10": recall_at(ranking, relevant, NDCG_K)}
            for k, v in m.items():
                sums[how][k] += v
            row[how] = m
            row[how + "_ranking"] = ranking
        per_query.append(row)

    nq = len(qids)
    means = {how: {k: v / nq for k, v in s.items()} for how, s in sums.items()}

    # Per-query dump, for error analysis.
    tsv_path = WORK / f"scifact-{args.tag}-perquery.tsv"
    with open(tsv_path, "w", encoding="utf-8") as f:
        f.write("\t".join(["qid", "ndcg10", "recall100", "ndcg10_max", "ndcg10_sum2",
                           "recall100_sum2", "n_rel", "rel_ranks", "first_rel_rank",
                           "n_docs", "n_passages", "total_hits", "top3", "error",
                           "query", "sent"]) + "\n")
        for row in per_query:
            ranking = row[args.agg + "_ranking"]
            pos = {d: i + 1 for i, d in enumerate(ranking)}
            row_rel = qrels[row["qid"]]
            ranks = [pos.get(d) for d in sorted(row_rel)]
            rank_s = ",".join(f"{d}@{pos[d]}" if d in pos else f"{d}@-" for d in sorted(row_rel))
            found = [r for r in ranks if r]
            f.write("\t".join([
                row["qid"],
                f"{row[args.agg]['ndcg10']:.4f}", f"{row[args.agg]['recall100']:.4f}",
                f"{row['max']['ndcg10']:.4f}", f"{row['sum2']['ndcg10']:.4f}",
                f"{row['sum2']['recall100']:.4f}",
                str(row["n_rel"]), rank_s, str(min(found)) if found else "-",
                str(len(ranking)), str(len(row["hits"])), str(row["total_hits"]),
                ",".join(ranking[:3]), tsv_clean(row["error"]),
                tsv_clean(row["query"]), tsv_clean(row["sent"]),
            ]) + "\n")

    summary = {
        "tag": args.tag,
        "dataset": str(dataset),
        "qrels": str(qrels_path),
        "queries": nq,
        "errors": len(errors),
        "binary": str(binary),
        "binary_sha256": sha256_file(binary),
        "mode": mode,
        "search_args": args.search_arg,
        "index_args": args.index_arg,
        "env": passed,
        "raw_queries": args.raw_queries,
        "index_rebuilt": rebuilt,
        "index_seconds": round(index_secs, 2),
        "index_report": report,
        "search_seconds": round(search_secs, 2),
        "metrics": {how: {k: round(v, 5) for k, v in m.items()} for how, m in means.items()},
        "headline_aggregation": args.agg,
        "perquery_tsv": str(tsv_path),
    }
    json_path = WORK / f"scifact-{args.tag}-summary.json"
    json_path.write_text(json.dumps(summary, indent=2) + "\n")

    # Report.
    split = qrels_path.stem
    print(f"SciFact {split}: {nq} queries, {len(errors)} query errors, "
          f"search {search_secs:.1f}s ({mode} mode)"
          + (f", index rebuilt in {index_secs:.1f}s" if rebuilt else ""))
    print(f"{'aggregation':<22}{'nDCG@10':>9}{'R@100':>9}{'MRR@10':>9}{'R@10':>9}")
    labels = {"max": "max (best passage)", "sum2": "sum of top-2 passages"}
    for how in sorted(AGGREGATIONS, key=lambda h: h != args.agg):
        m = means[how]
        mark = " *" if how == args.agg else ""
        print(f"{labels[how]:<22}{m['ndcg10']:>9.4f}{m['recall100']:>9.4f}"
              f"{m['mrr10']:>9.4f}{m['recall10']:>9.4f}{mark}")
    print(f"nDCG@10 = {means[args.agg]['ndcg10']:.4f}  recall@100 = "
          f"{means[args.agg]['recall100']:.4f}  ({args.agg}, {nq} queries)")
    if errors:
        print(f"{len(errors)} queries failed (exit 2 / error):")
        for q, s, e in errors[:20]:
            print(f"  {q}\t{s!r}\t{e}")
    if args.compare:
        old = load_perquery(args.compare)
        common = [r for r in per_query if r["qid"] in old]
        if common:
            new_mean = sum(r[args.agg]["ndcg10"] for r in common) / len(common)
            old_mean = sum(old[r["qid"]] for r in common) / len(common)
            # The TSV holds 4 decimals: compare at that precision.
            wins = sum(round(r[args.agg]["ndcg10"], 4) > old[r["qid"]] for r in common)
            losses = sum(round(r[args.agg]["ndcg10"], 4) < old[r["qid"]] for r in common)
            diffs = [round(r[args.agg]["ndcg10"], 4) - old[r["qid"]] for r in common]
            md = sum(diffs) / len(diffs)
            sd = math.sqrt(sum((d - md) ** 2 for d in diffs) / max(1, len(diffs) - 1))
            se = sd / math.sqrt(len(diffs))
            z = md / se if se > 0 else 0.0
            p_two = math.erfc(abs(z) / math.sqrt(2))
            print(f"vs {args.compare.name}: nDCG@10 {old_mean:.4f} -> {new_mean:.4f} "
                  f"({new_mean - old_mean:+.4f}, paired 95% CI ±{1.96 * se:.4f}, "
                  f"p={p_two:.3g}); {wins} queries better, {losses} worse, "
                  f"{len(common) - wins - losses} same")
    print(f"per-query: {rel(tsv_path)}   summary: {rel(json_path)}")
    log(f"done in {time.monotonic() - t_start:.1f}s", args.quiet)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
