#!/usr/bin/env python3
"""Relevance harness: seedsearch on the bbc-dev known-item queries, next to SQLite FTS5.

Standard library only. See README.md next to this file. In short:

    bench/relevance/bbc-dev                          # index if needed, score, compare to FTS5
    bench/relevance/bbc-dev --save bench/work/a.tsv  # also keep the per-query ranks
    bench/relevance/bbc-dev --compare bench/work/a.tsv -- --per-doc 1
    bench/relevance/bbc-dev --compare OLD.tsv NEW.tsv  # two saved runs, nothing is run

The shared evaluation files (queries, score.py, fts5_baseline.py) and the corpus are read
where they are (`../shared/` next to the repository): never copy them into the repository.
Everything after `--` is passed to `seedsearch search` unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
sys.path.insert(0, str(HERE))
from shared import shared_dir  # noqa: E402
WORK = REPO / "bench" / "work"
LAST_RUN = WORK / "bbc-dev-last-perquery.tsv"

# The target: MRR@10 at least this much above FTS5 OR, overall and on questions.
TARGET_MARGIN = 0.05
TARGET_SUBSETS = ("all", "question")
SUBSETS = ("all", "keywords", "question")


# ---------------------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------------------

def die(msg: str) -> None:
    print(f"bbc-dev: error: {msg}", file=sys.stderr)
    sys.exit(2)


def log(msg: str, quiet: bool = False) -> None:
    if not quiet:
        print(f"[bbc-dev] {msg}", file=sys.stderr, flush=True)


def rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------
# Indexing (rebuilt when the binary, the corpus path, index args or environment changed)
# ---------------------------------------------------------------------------------------

def ensure_index(binary: Path, corpus: Path, index: Path, env: dict[str, str],
                 index_args: list[str], stamp_env: dict[str, str], rebuild: bool,
                 reuse: bool, quiet: bool) -> tuple[bool, float, dict]:
    stamp_path = index.with_name(index.name + ".stamp.json")
    stamp = {"binary_sha256": sha256_file(binary), "corpus": str(corpus),
             "index_args": index_args, "env": stamp_env}
    old = None
    if stamp_path.exists():
        try:
            old = json.loads(stamp_path.read_text())
        except ValueError:
            old = None
    exists = index.exists() and any(index.iterdir())
    same = old is not None and all(old.get(k) == v for k, v in stamp.items())
    if exists and not rebuild and (reuse or same):
        return False, 0.0, (old or {}).get("report", {})
    why = ("--rebuild" if rebuild else "no index yet" if not exists
           else "binary, corpus, index args or environment changed")
    log(f"indexing {corpus} into {rel(index)} ({why})", quiet)
    if index.exists():
        names = {p.name for p in index.iterdir()}
        if names and not names & {"meta.json", "seedsearch.json"}:
            die(f"{index} holds files but no seedsearch index; not deleting it")
        shutil.rmtree(index)
    index.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(binary), "--seeds", str(corpus), "--index", str(index), "--color", "never",
           "-q", "index", "--rebuild", "--format", "json"] + index_args
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    secs = time.monotonic() - t0
    if r.returncode != 0:
        die(f"indexing failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    try:
        report = json.loads(r.stdout) if r.stdout.strip() else {}
    except ValueError:
        report = {"raw": r.stdout[:2000]}
    stamp["report"] = report
    stamp["seconds"] = round(secs, 2)
    stamp_path.write_text(json.dumps(stamp, indent=2) + "\n")
    return True, secs, report


# ---------------------------------------------------------------------------------------
# Running the shared scripts
# ---------------------------------------------------------------------------------------

TABLE_ROW = re.compile(r"^\s+(all|keywords|question)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")


def parse_table(lines: list[str]) -> dict[str, tuple[int, float, float, float]]:
    """The `subset n MRR@10 S@1 S@10` rows of a score.py / fts5_baseline.py table."""
    out = {}
    for line in lines:
        m = TABLE_ROW.match(line)
        if m and m.group(1) not in out:
            out[m.group(1)] = (int(m.group(2)), float(m.group(3)), float(m.group(4)),
                               float(m.group(5)))
    return out


def load_score_module(eval_dir: Path):
    """score.py of the eval folder, imported for its scoring rule (first_correct_rank), so
    per-query ranks are computed exactly as it computes them."""
    sys.path.insert(0, str(eval_dir))
    try:
        import score  # type: ignore  # noqa: E402
    finally:
        sys.path.pop(0)
    return score


def run_fts5(eval_dir: Path, corpus: Path, queries_file: Path, score) -> dict:
    """Runs fts5_baseline.py; returns its OR table and per-query ranks (from its hits)."""
    with tempfile.TemporaryDirectory(prefix="bbc-dev-fts5-", dir=WORK) as tmp:
        cmd = [sys.executable, str(eval_dir / "fts5_baseline.py"), str(corpus),
               "--queries", str(queries_file), "--save-hits", tmp]
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True)
        secs = time.monotonic() - t0
        if r.returncode != 0:
            die(f"fts5_baseline.py failed (exit {r.returncode}):\n{r.stderr[-2000:]}")
        lines = r.stdout.splitlines()
        try:
            start = next(i for i, ln in enumerate(lines) if ln.startswith("FTS5 OR"))
            end = next((i for i, ln in enumerate(lines) if ln.startswith("FTS5 AND")), len(lines))
        except StopIteration:
            die(f"unexpected fts5_baseline.py output:\n{r.stdout[-2000:]}")
        table = parse_table(lines[start:end])
        records = read_jsonl(Path(tmp) / "fts5-or.jsonl")
    return {"table": table, "records": records, "seconds": secs,
            "version": lines[0] if lines else ""}


def read_jsonl(path: Path) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                out[rec["qid"]] = rec
    return out


# ---------------------------------------------------------------------------------------
# Per-query ranks: saving and comparing
# ---------------------------------------------------------------------------------------

COLUMNS = ["qid", "style", "rank", "fts5_rank", "top", "target", "query"]


def hit_label(hit: dict) -> str:
    """doc_id:N of a hit, as `seedsearch show` takes it (passages numbered from 1)."""
    return f"{hit.get('doc_id', '?')}:{hit.get('passage', '?')}"


def per_query_rows(queries: list[dict], records: dict, fts5: dict | None, score) -> list[dict]:
    rows = []
    for q in queries:
        rec = records.get(q["qid"]) or {}
        failed = rec.get("failed", rec.get("returncode") not in (0, 1)) if rec else True
        resp = None if failed else rec.get("response")
        rank = None if failed else score.first_correct_rank(resp, q["answer"])
        hits = score.hits_of(resp) or []
        frank = None
        if fts5 is not None:
            frec = fts5["records"].get(q["qid"])
            frank = score.first_correct_rank(frec.get("response"), q["answer"]) if frec else None
        rows.append({
            "qid": q["qid"], "style": q["style"], "rank": rank, "failed": failed,
            "fts5_rank": frank,
            "top": hit_label(hits[0]) if hits and isinstance(hits[0], dict) else "-",
            "target": f"{q['doc_id']}:{q['passage_index'] + 1}",
            "query": q["query"],
        })
    return rows


def fmt_rank(r) -> str:
    return "-" if r is None else str(r)


def save_rows(path: Path, rows: list[dict]) -> None:
    """TSV, one row per query. `rank`/`fts5_rank`: 1-10, `-` when not in the top 10 (or
    the query failed). `top` is seedsearch's first hit as `doc_id:N` (`seedsearch show`
    numbering, from 1); `target` is `doc_id:N` with N = passage_index + 1, the same
    numbering when the article splits into plain paragraphs (the score uses `answer`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join([r["qid"], r["style"], fmt_rank(r["rank"]),
                               fmt_rank(r["fts5_rank"]), r["top"], r["target"],
                               r["query"].replace("\t", " ")]) + "\n")


def load_rows(path: Path) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if "qid" not in header or "rank" not in header:
            die(f"{path} is not a saved bbc-dev run (no qid/rank columns)")
        for line in f:
            if not line.strip():
                continue
            vals = dict(zip(header, line.rstrip("\n").split("\t")))
            vals["rank"] = None if vals["rank"] in ("-", "") else int(vals["rank"])
            out[vals["qid"]] = vals
    return out


def rr(rank) -> float:
    return 1.0 / rank if rank else 0.0


def compare(old: dict[str, dict], new: dict[str, dict], old_name: str, new_name: str) -> None:
    common = [q for q in new if q in old]
    changed = [q for q in common if old[q]["rank"] != new[q]["rank"]]
    better = [q for q in changed if rr(new[q]["rank"]) > rr(old[q]["rank"])]
    worse = [q for q in changed if rr(new[q]["rank"]) < rr(old[q]["rank"])]
    print(f"\nrank changes, {old_name} -> {new_name}: {len(better)} better, {len(worse)} worse, "
          f"{len(common) - len(changed)} same ({len(common)} queries in both)")
    for name in ("all",) + tuple(sorted({new[q].get("style", "") for q in common} - {""})):
        qs = [q for q in common if name == "all" or new[q].get("style") == name]
        if qs:
            mo = sum(rr(old[q]["rank"]) for q in qs) / len(qs)
            mn = sum(rr(new[q]["rank"]) for q in qs) / len(qs)
            print(f"  MRR@10 {name:9} {mo:.4f} -> {mn:.4f} ({mn - mo:+.4f})")
    for q in sorted(changed, key=lambda q: (rr(new[q]["rank"]) - rr(old[q]["rank"]), q)):
        print(f"  {q} {new[q].get('style', ''):8} {fmt_rank(old[q]['rank']):>2} -> "
              f"{fmt_rank(new[q]['rank']):<2}  {new[q].get('query', '')}")


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    if "--" in argv:
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1:]
    else:
        passthrough = []
    shared = shared_dir()
    p = argparse.ArgumentParser(
        prog="bbc-dev",
        description="Score seedsearch on the bbc-dev known-item queries (MRR@10, S@1, S@10) "
                    "next to the SQLite FTS5 baseline.",
        epilog="Arguments after `--` go to `seedsearch search` unchanged (e.g. `-- --per-doc 1`).")
    p.add_argument("--bin", type=Path, default=None,
                   help="seedsearch binary (default: $SEEDSEARCH_BIN, else "
                        "${CARGO_TARGET_DIR:-REPO/target}/release/seedsearch)")
    p.add_argument("--eval", type=Path, default=shared / "eval" / "bbc-dev", metavar="DIR",
                   help="the bbc-dev folder: queries.jsonl, score.py, fts5_baseline.py "
                        "(default: %(default)s)")
    p.add_argument("--corpus", type=Path, default=shared / "corpus" / "bbc", metavar="DIR",
                   help="the BBC corpus (default: %(default)s)")
    p.add_argument("--queries", type=Path, default=None,
                   help="query file (default: EVAL/queries.jsonl)")
    p.add_argument("--index", type=Path, default=WORK / "bbc-dev-index",
                   help="index folder (default: bench/work/bbc-dev-index)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the index unconditionally")
    p.add_argument("--reuse-index", action="store_true",
                   help="use the existing index even if the binary or environment changed")
    p.add_argument("--index-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `seedsearch index` (repeatable)")
    p.add_argument("--search-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for `seedsearch search` (repeatable; or put them after --)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="environment variable for every seedsearch run (repeatable); "
                        "SEEDSEARCH_* values are recorded in the index stamp")
    p.add_argument("--mode", choices=["auto", "bin", "cmd"], default="auto",
                   help="how score.py runs seedsearch: `bin` (its --bin mode: no extra search "
                        "arguments possible), `cmd` (its --cmd mode with --no-sync and the "
                        "extra arguments); `auto`: bin unless there are search arguments")
    p.add_argument("--save", type=Path, default=None, metavar="FILE",
                   help="write the per-query ranks here (TSV; the last run is always in "
                        f"{rel(LAST_RUN)})")
    p.add_argument("--compare", type=Path, nargs="+", default=None, metavar="FILE",
                   help="a saved run: list the queries whose rank changed against this run. "
                        "With two saved runs OLD NEW, only compare them (nothing is run)")
    p.add_argument("--save-responses", type=Path, default=None, metavar="FILE",
                   help="keep score.py's raw responses (JSON Lines, its --save format)")
    p.add_argument("--no-fts5", action="store_true", help="skip the FTS5 baseline")
    p.add_argument("--timeout", type=float, default=120, help="seconds per query for score.py")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list every query's rank (seedsearch and FTS5)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    args = p.parse_args(argv)
    args.search_arg = args.search_arg + passthrough
    if args.compare and len(args.compare) > 2:
        p.error("--compare takes one saved run (against this run) or two (OLD NEW)")
    if args.mode == "bin" and args.search_arg:
        p.error("--mode bin cannot pass search arguments; use --mode cmd (or auto)")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)

    if args.compare and len(args.compare) == 2:
        old, new = args.compare
        compare(load_rows(old), load_rows(new), old.name, new.name)
        return 0

    WORK.mkdir(parents=True, exist_ok=True)
    t_start = time.monotonic()
    binary = args.bin or (Path(os.environ["SEEDSEARCH_BIN"]) if os.environ.get("SEEDSEARCH_BIN")
                          else Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
                          / "release" / "seedsearch")
    binary = binary.resolve()
    if not binary.is_file():
        die(f"no seedsearch binary at {binary} (build it, or pass --bin / SEEDSEARCH_BIN)")
    eval_dir = args.eval.resolve()
    corpus = args.corpus.resolve()
    queries_file = (args.queries or eval_dir / "queries.jsonl").resolve()
    for path, what in [(eval_dir / "score.py", "score.py"),
                       (eval_dir / "fts5_baseline.py", "fts5_baseline.py"),
                       (queries_file, "the queries")]:
        if not path.is_file():
            die(f"{what} not found at {path} (use --eval DIR)")
    if not corpus.is_dir():
        die(f"corpus not found at {corpus} (use --corpus DIR)")
    index = args.index.resolve()
    score = load_score_module(eval_dir)
    queries = [json.loads(ln) for ln in open(queries_file, encoding="utf-8") if ln.strip()]

    env = dict(os.environ)
    env.pop("SEEDSEARCH_SEEDS", None)
    env.pop("SEEDSEARCH_INDEX", None)
    for kv in args.env:
        if "=" not in kv:
            die(f"--env takes KEY=VALUE, not {kv!r}")
        k, v = kv.split("=", 1)
        env[k] = v
    passed = dict(sorted((k, v) for k, v in env.items()
                         if k.startswith("SEEDSEARCH_") and k != "SEEDSEARCH_BIN"))

    rebuilt, index_secs, report = ensure_index(binary, corpus, index, env, args.index_arg,
                                               passed, args.rebuild, args.reuse_index,
                                               args.quiet)

    mode = args.mode
    if mode == "auto":
        mode = "cmd" if args.search_arg else "bin"
    with tempfile.TemporaryDirectory(prefix="bbc-dev-", dir=WORK) as tmp:
        responses = Path(tmp) / "responses.jsonl"
        cmd = [sys.executable, str(eval_dir / "score.py"), "--queries", str(queries_file),
               "--save", str(responses), "--timeout", str(args.timeout)]
        if mode == "bin":
            cmd += ["--bin", str(binary), "--index", str(index), "--seeds", str(corpus)]
        else:
            cmd += ["--cmd", "--", str(binary), "search", "--format", "json", "-n", "10",
                    "--no-sync", "--seeds", str(corpus), "--index", str(index)] \
                + args.search_arg + ["--"]
        log(f"{len(queries)} queries, score.py --{mode} mode, binary {rel(binary)}"
            + (f", search args {args.search_arg}" if args.search_arg else "")
            + (f", env {passed}" if passed else ""), args.quiet)
        t0 = time.monotonic()
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        search_secs = time.monotonic() - t0
        if r.returncode != 0:
            die(f"score.py failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
        if r.stderr.strip() and not args.quiet:
            sys.stderr.write(r.stderr)
        ours = parse_table(r.stdout.splitlines())
        timing = next((ln for ln in r.stdout.splitlines() if ln.startswith("searches:")), "")
        records = read_jsonl(responses)
        if args.save_responses:
            args.save_responses.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(responses, args.save_responses)
    if set(ours) != set(SUBSETS):
        die(f"unexpected score.py output:\n{r.stdout[-2000:]}")

    fts5 = None
    if not args.no_fts5:
        fts5 = run_fts5(eval_dir, corpus, queries_file, score)
        if set(fts5["table"]) != set(SUBSETS):
            die("unexpected fts5_baseline.py output (no OR table)")

    rows = per_query_rows(queries, records, fts5, score)
    # Read the run to compare with before this run's ranks overwrite the last-run file.
    old_rows = load_rows(args.compare[0]) if args.compare else None
    # The per-query ranks must give score.py's own figures, or the saved runs would lie.
    for name in SUBSETS:
        rs = [x["rank"] for x in rows if name == "all" or x["style"] == name]
        n, mrr, s1, s10 = score.summarize(rs)
        if (n, round(mrr, 4)) != (ours[name][0], ours[name][1]):
            die(f"per-query ranks disagree with score.py on {name}: {mrr:.4f} vs {ours[name][1]}")
    failed = [x["qid"] for x in rows if x["failed"]]

    # Report.
    n_kw = sum(1 for q in queries if q["style"] == "keywords")
    print(f"bbc-dev: {len(queries)} queries ({n_kw} keywords, {len(queries) - n_kw} questions), "
          f"{len(failed)} failed, search {search_secs:.1f}s (score.py --{mode})"
          + (f", index rebuilt in {index_secs:.1f}s" if rebuilt else ", index reused"))
    if timing:
        print(f"  {timing}")
    if args.search_arg:
        print(f"  search args: {' '.join(args.search_arg)}")
    if fts5:
        print(f"{'':14}{'seedsearch':^22}  {'FTS5 OR (baseline)':^22}  {'seedsearch - FTS5':^22}")
    print(f"{'subset':<10}{'n':>4}" + f"{'MRR@10':>8}{'S@1':>7}{'S@10':>7}" * (3 if fts5 else 1))
    for name in SUBSETS:
        n, mrr, s1, s10 = ours[name]
        line = f"{name:<10}{n:>4}{mrr:>8.4f}{s1:>7.2f}{s10:>7.2f}"
        if fts5:
            _, fm, f1, f10 = fts5["table"][name]
            line += f"  {fm:>6.4f}{f1:>7.2f}{f10:>7.2f}  {mrr - fm:>+6.4f}{s1 - f1:>+7.2f}{s10 - f10:>+7.2f}"
        print(line)
    met_all = None
    if fts5:
        verdicts = []
        for name in TARGET_SUBSETS:
            need = fts5["table"][name][1] + TARGET_MARGIN
            have = ours[name][1]
            ok = have >= need - 1e-9
            verdicts.append(ok)
            label = "overall" if name == "all" else "questions"
            print(f"target {label:<9} MRR@10 >= FTS5 + {TARGET_MARGIN:.2f} = {need:.4f}: "
                  f"{have:.4f} {'MET' if ok else 'NOT MET'} ({have - need:+.4f})")
        met_all = all(verdicts)
        print(f"targets: {'MET' if met_all else 'NOT MET'}")
    if failed:
        print(f"{len(failed)} queries failed: {' '.join(failed)}")
    if args.verbose:
        print(f"\n{'qid':<5} {'style':<8} {'rank':>4} {'fts5':>4}  {'top hit':<22} "
              f"{'target':<22} query")
        for x in rows:
            print(f"{x['qid']:<5} {x['style']:<8} {fmt_rank(x['rank']):>4} "
                  f"{fmt_rank(x['fts5_rank']):>4}  {x['top']:<22} {x['target']:<22} {x['query']}")

    save_rows(LAST_RUN, rows)
    if args.save:
        save_rows(args.save, rows)
        print(f"per-query ranks: {rel(args.save)}")
    if args.compare:
        new = {x["qid"]: dict(x) for x in rows}
        compare(old_rows, new, args.compare[0].name, "this run")
    log(f"done in {time.monotonic() - t_start:.1f}s", args.quiet)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
