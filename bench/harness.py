#!/usr/bin/env python3
"""seedsearch benchmark harness (data side). Run it through `bench/run`, which installs the
tools, builds seedsearch and exports SEEDSEARCH_BIN / TANTIVY_BIN.

Steps (each idempotent, all output under bench/work/):
  1. scale the corpus: N copies, headline of copy K suffixed with " (copy K)" so that no
     two files are byte-identical across copies (seedsearch indexes identical files once);
  2. split articles into passages for the peers (NDJSON for tantivy-cli, CSV for SQLite)
     and generate the query sets (untimed preparation);
  3. measure with hyperfine (warm cache, whole process), GNU time for peak memory, du for
     sizes;
  4. print a table with seedsearch/peer ratios and write the report (RESULTS.md).

Standard library only.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import random
import resource
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"

# Bump when the corpus copy or the passage splitter changes, to invalidate prepared data.
PREP_VERSION = "1"

CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
ARTICLE_NAME = re.compile(r"^\d{3}\.txt$")

# The fixed query set. Per tool: seedsearch and tantivy-cli both treat several words as
# OR (ranked by BM25), so SQLite gets explicit ORs (FTS5's implicit operator is AND, which
# would be less work and a different answer). ripgrep gets the same words as alternative
# patterns, case-insensitive: an unranked scan that only counts matching lines.
QUERIES = [
    # (label, seedsearch, SQLite FTS5 MATCH, tantivy-cli, ripgrep patterns)
    ("one word", "minister", "minister", "minister", ["minister"]),
    ("two words", "oil prices", "oil OR prices", "oil prices", ["oil", "prices"]),
    ("phrase", '"prime minister"', '"prime minister"', '"prime minister"', ["prime minister"]),
    ("OR", "football OR rugby", "football OR rugby", "football OR rugby", ["football", "rugby"]),
    ("three words", "mobile phone market", "mobile OR phone OR market", "mobile phone market",
     ["mobile", "phone", "market"]),
]

SQL_SELECT = ("SELECT path, snippet(p, 1, '[', ']', '…', 20) FROM p WHERE p MATCH {match} "
              "ORDER BY bm25(p) LIMIT 10;")
FTS5_TABLE = ("CREATE VIRTUAL TABLE p USING fts5(title, body, path UNINDEXED, line UNINDEXED, "
              "tokenize='porter unicode61 remove_diacritics 2');")

# English function words, kept out of the generated two-word queries.
STOPWORDS = set("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
said says say told year years yesterday mr mrs ms would could also however still much many
like last next first second three four five well made make new one two back get got going
since within without around among across while
""".split())

# Runs per mode. Builds are expensive (tens of seconds at x20), queries cheap.
PROFILES = {
    "full": dict(scale=20, build_runs=5, build_warmup=1, rebuild_runs=3, sync_runs=10,
                 sync_warmup=2, add_runs=10, add_warmup=1, query_runs=20, query_warmup=3,
                 batch_runs=5, batch_warmup=1, loop_runs=2),
    "quick": dict(scale=2, build_runs=2, build_warmup=1, rebuild_runs=1, sync_runs=3,
                  sync_warmup=1, add_runs=3, add_warmup=1, query_runs=5, query_warmup=1,
                  batch_runs=2, batch_warmup=1, loop_runs=1),
}


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def die(msg: str) -> None:
    print(f"bench: error: {msg}", file=sys.stderr, flush=True)
    sys.exit(2)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    """Runs a command (list, or a string for the shell) and captures its output."""
    return subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True, **kw)


def must(cmd, ok=(0,)) -> str:
    """Runs a command; exits with its stderr when the exit status is not in `ok`."""
    proc = run(cmd)
    if proc.returncode not in ok:
        shown = cmd if isinstance(cmd, str) else shlex.join(map(str, cmd))
        die(f"command failed ({proc.returncode}): {shown}\n{proc.stderr.strip()[-2000:]}")
    return proc.stdout


# --------------------------------------------------------------------------------------
# 1. Corpus at scale xN
# --------------------------------------------------------------------------------------

def source_articles(corpus: Path) -> list[Path]:
    """`<category>/<NNN>.txt` files only: README.TXT and SOURCE.md are not articles."""
    files = []
    for cat in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files += sorted(f for f in cat.iterdir() if f.is_file() and ARTICLE_NAME.match(f.name))
    if not files:
        die(f"no <category>/<NNN>.txt articles in {corpus}")
    return files


def prepare_corpus(src: Path, scale: int) -> Path:
    dest = WORK / f"corpus-x{scale}"
    stamp = WORK / f"corpus-x{scale}.stamp"  # outside the corpus: seedsearch must not see it
    files = source_articles(src)
    want = json.dumps({"v": PREP_VERSION, "src": str(src), "files": len(files),
                       "bytes": sum(f.stat().st_size for f in files)})
    if stamp.exists() and stamp.read_text() == want and dest.is_dir():
        log(f"corpus x{scale}: reusing {dest}")
        return dest
    log(f"corpus x{scale}: copying {len(files)} articles {scale} times into {dest}")
    if dest.exists():
        shutil.rmtree(dest)
    for k in range(scale):
        for f in files:
            # Bytes, not text: sport/199.txt is Latin-1 and must stay byte-identical
            # apart from the headline suffix.
            data = f.read_bytes()
            if k >= 1:
                head, sep, rest = data.partition(b"\n")
                data = head + f" (copy {k})".encode() + sep + rest
            out = dest / f"copy{k}" / f.parent.name / f.name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
    stamp.write_text(want)
    return dest


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.txt") if p.is_file())


# --------------------------------------------------------------------------------------
# 2. Peer input (untimed) and query sets
# --------------------------------------------------------------------------------------

def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what seedsearch does for non-UTF-8


def split_article(text: str):
    """Approximately seedsearch's split: headline = first line; passages = blank-line
    separated blocks after it, lines joined with a space. Yields (title, body, line)."""
    lines = text.split("\n")
    title = lines[0].strip()
    block, start = [], 0
    for i, line in enumerate(lines[1:], start=2):
        line = line.strip()
        if line:
            if not block:
                start = i
            block.append(line)
        elif block:
            yield title, " ".join(block), start
            block = []
    if block:
        yield title, " ".join(block), start


def prepare_peers(corpus: Path, scale: int) -> dict:
    """NDJSON (tantivy-cli), CSV (SQLite .import) and an empty tantivy index template."""
    out = WORK / f"peers-x{scale}"
    stamp = out / "stamp.json"
    corpus_stamp = (WORK / f"corpus-x{scale}.stamp").read_text()
    if stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("key") == [PREP_VERSION, corpus_stamp]:
            log(f"peer input x{scale}: reusing {out}")
            return info
    log(f"peer input x{scale}: splitting articles into passages")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    import csv
    n_passages = n_files = 0
    with open(out / "passages.ndjson", "w", encoding="utf-8") as nd, \
            open(out / "passages.csv", "w", encoding="utf-8", newline="") as cf:
        writer = csv.writer(cf)
        for f in corpus_files(corpus):
            n_files += 1
            rel = f.relative_to(corpus).as_posix()
            for title, body, line in split_article(decode(f.read_bytes())):
                nd.write(json.dumps({"title": title, "body": body, "path": rel, "line": line},
                                    ensure_ascii=False) + "\n")
                writer.writerow([title, body, rel, line])
                n_passages += 1
    (out / "build.sql").write_text(f"{FTS5_TABLE}\n.import --csv {out / 'passages.csv'} p\n")
    make_tantivy_template(out / "tantivy-empty")
    info = {"key": [PREP_VERSION, corpus_stamp], "files": n_files, "passages": n_passages,
            "ndjson_bytes": (out / "passages.ndjson").stat().st_size,
            "csv_bytes": (out / "passages.csv").stat().st_size}
    stamp.write_text(json.dumps(info))
    return info


def make_tantivy_template(path: Path) -> None:
    """An empty tantivy-cli index with our schema, made by `tantivy new` answering its
    prompts on stdin: title and body are stored en_stem text with positions, path a stored
    (not indexed) text, line a stored (not indexed) u64. Only title and body are indexed, so
    `tantivy bench` searches exactly those two fields, like the FTS5 table."""
    answers = []
    for name in ("title", "body"):
        # name, type, stored, fast, indexed, tokenized, freqs, positions, add another
        answers += [name, "Text", "Y", "N", "Y", "Y", "Y", "Y", "Y"]
    answers += ["path", "Text", "Y", "N", "N", "Y"]          # ..., indexed=N, add another
    answers += ["line", "u64", "Y", "N", "N", "N"]           # ..., indexed=N, no more
    proc = subprocess.run([TANTIVY, "new", "-i", str(path)], input="\n".join(answers) + "\n",
                          capture_output=True, text=True)
    meta = path / "meta.json"
    if proc.returncode != 0 or not meta.exists():
        die(f"`tantivy new` failed:\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    schema = {f["name"]: f for f in json.loads(meta.read_text())["schema"]}
    ok = (list(schema) == ["title", "body", "path", "line"]
          and all(schema[n]["options"]["indexing"]["tokenizer"] == "en_stem"
                  and schema[n]["options"]["indexing"]["record"] == "position"
                  for n in ("title", "body"))
          and "indexing" not in schema["path"]["options"]
          and schema["line"]["type"] == "u64")
    if not ok:
        die(f"`tantivy new` made an unexpected schema: {meta.read_text()}")


def make_queries(src: Path, out: Path, count: int = 1000, seed: int = 20240601) -> list[str]:
    """`count` two-word queries from the source corpus vocabulary, deterministic: words of
    4+ letters, not stopwords, ranked by document frequency; the band of ranks 100-2100
    (frequent-ish content words: "economy", "chelsea", "broadband", ...); pairs drawn with
    a fixed seed."""
    df = collections.Counter()
    for f in source_articles(src):
        df.update(set(re.findall(r"[a-z]{4,}", decode(f.read_bytes()).lower())))
    ranked = sorted((w for w in df if w not in STOPWORDS), key=lambda w: (-df[w], w))
    band = ranked[100:2100]
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        a, b = rng.sample(band, 2)
        queries.append(f"{a} {b}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "queries-1000.txt").write_text("\n".join(queries) + "\n")
    (out / "queries-1000.sql").write_text("".join(
        SQL_SELECT.format(match=sql_str(q.replace(" ", " OR "))) + "\n" for q in queries))
    return queries


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------
# 3. Measuring
# --------------------------------------------------------------------------------------

COMMANDS_RUN: list[tuple[str, str]] = []   # (what, exact command line) for the report
BUSY: dict[str, float] = {}                 # group name -> CPU busy fraction just before it
OTHER: dict[str, float] = {}                # group name -> share of CPU used by others during it
MAX_WAIT = 0.0                              # --max-wait: seconds of waiting left


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat."""
    vals = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    total = sum(vals[:8])  # user nice system idle iowait irq softirq steal
    return total - vals[3] - vals[4], total


def cpu_busy(seconds: float = 2.0) -> float:
    """Fraction of all CPUs busy over `seconds`."""
    b0, t0 = cpu_ticks()
    time.sleep(seconds)
    b1, t1 = cpu_ticks()
    return (b1 - b0) / max(1, t1 - t0)


def children_cpu() -> float:
    """CPU seconds used so far by our finished children (hyperfine and what it ran)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wait_for_quiet(name: str, threshold: float = 0.15) -> None:
    """Other work on the machine (a cargo build next door) distorts every figure. Wait up to
    --max-wait seconds for the CPUs to be at most `threshold` busy, then go on anyway; the
    busy fraction found is reported next to each measurement."""
    global MAX_WAIT
    busy = cpu_busy()
    while busy > threshold and MAX_WAIT > 0:
        log(f"CPUs {busy:.0%} busy with other work; waiting (at most {MAX_WAIT:.0f} s more)")
        started = time.monotonic()
        time.sleep(10)
        busy = cpu_busy()
        MAX_WAIT -= time.monotonic() - started
    BUSY[name] = busy
    if busy > threshold:
        log(f"warning: CPUs {busy:.0%} busy before `{name}`; its figures will be noisy")


def hyperfine(name: str, commands: list[tuple[str, str]], runs: int, warmup: int,
              prepare: list[str] | None = None, cleanup: str | None = None,
              ignore_failure: bool = False) -> dict[str, dict]:
    """Runs hyperfine on (label, command) pairs; returns label -> result dict with
    median/mean/stddev/min/max seconds. Output of the commands goes to /dev/null.

    Commands run without a shell (`-N`): hyperfine then need not subtract an estimated
    shell start-up time, which is noisy next to queries that take a few milliseconds.
    Anything that needs shell syntax (redirections, globs, loops) says `sh -c` itself."""
    out = RESULTS_DIR / f"{name}.json"
    argv = [HYPERFINE, "-N", "--style", "basic", "--runs", str(runs), "--warmup", str(warmup),
            "--export-json", str(out)]
    if ignore_failure:
        argv.append("--ignore-failure")
    for p in prepare or []:
        argv += ["--prepare", p]
    if cleanup:
        argv += ["--cleanup", cleanup]
    for label, cmd in commands:
        argv += ["--command-name", label, cmd]
    COMMANDS_RUN.append((name, pretty_argv(argv)))
    wait_for_quiet(name)
    log(f"hyperfine {name}: {', '.join(l for l, _ in commands)} "
        f"({warmup} warmup + {runs} runs each)")
    # Other work during the measurement: all CPU time spent on the machine minus what
    # hyperfine and the benchmarked commands used, as a share of the CPUs' capacity.
    (b0, t0), c0 = cpu_ticks(), children_cpu()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    (b1, t1), c1 = cpu_ticks(), children_cpu()
    hz = os.sysconf("SC_CLK_TCK")
    OTHER[name] = max(0.0, ((b1 - b0) / hz - (c1 - c0)) / max(1e-9, (t1 - t0) / hz))
    (RESULTS_DIR / f"{name}.log").write_text(proc.stdout)
    if proc.returncode != 0:
        die(f"hyperfine {name} failed:\n{proc.stdout[-3000:]}")
    data = json.loads(out.read_text())["results"]
    results = {}
    for (label, _), r in zip(commands, data):
        results[label] = {k: r[k] for k in ("median", "mean", "stddev", "min", "max",
                                            "user", "system")}
        results[label]["runs"] = len(r["times"])
    return results


def quote_nice(arg: str) -> str:
    """shlex.quote, but double quotes around text holding single quotes when that is safe."""
    if "'" in arg and not any(c in arg for c in '"$`\\!'):
        return f'"{arg}"'
    return shlex.quote(arg)


def pretty_argv(argv: list[str]) -> str:
    """hyperfine's command line for the report: one option with its value per line."""
    parts, line = [], [quote_nice(argv[0])]
    i = 1
    while i < len(argv):
        if argv[i] in ("--prepare", "--cleanup", "--command-name"):
            parts.append(" ".join(line))
            line = [argv[i], quote_nice(argv[i + 1])]
            i += 2
            if argv[i - 2] == "--command-name":   # the command follows its name
                line.append(quote_nice(argv[i]))
                i += 1
        else:
            line.append(quote_nice(argv[i]))
            i += 1
    parts.append(" ".join(line))
    return " \\\n    ".join(parts)


def sh(script: str) -> str:
    """A shell snippet as one command line for hyperfine -N (double quotes when the snippet
    allows, so that the report's listing stays readable)."""
    if not any(c in script for c in '"$`\\!'):
        return f'sh -c "{script}"'
    return f"sh -c {shlex.quote(script)}"


def max_rss_mib(path: Path) -> float:
    """Median over runs of GNU time's %M (max RSS, KiB) lines appended to `path`."""
    vals = [int(l) for l in path.read_text().split() if l.isdigit()]
    if not vals:
        die(f"no memory figures in {path}")
    return statistics.median(vals) / 1024


def du_bytes(path: Path) -> int:
    return int(must(["du", "-sb", str(path)]).split()[0])


def has_batch_mode() -> bool:
    proc = run([SEEDSEARCH, "search", "--help"])
    return "--batch" in proc.stdout


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def main() -> None:
    global SEEDSEARCH, TANTIVY, HYPERFINE, RESULTS_DIR, MAX_WAIT
    ap = argparse.ArgumentParser(description="seedsearch benchmark (run via bench/run)")
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "bbc")
    ap.add_argument("--scale", type=int)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--output", type=Path)
    ap.add_argument("--max-wait", type=float,
                    help="seconds to wait in all for other CPU load to stop "
                         "(default 600, 0 with --quick)")
    args = ap.parse_args()

    mode = "quick" if args.quick else "full"
    prof = dict(PROFILES[mode])
    scale = args.scale if args.scale is not None else prof["scale"]
    if scale < 1:
        die("--scale must be at least 1")
    MAX_WAIT = args.max_wait if args.max_wait is not None else (0 if args.quick else 600)
    output = args.output or (WORK / "RESULTS-quick.md" if args.quick else BENCH / "RESULTS.md")
    src = args.corpus.resolve()
    if not src.is_dir():
        die(f"corpus folder {src} does not exist (use --corpus DIR)")

    SEEDSEARCH = os.environ.get("SEEDSEARCH_BIN") or die("SEEDSEARCH_BIN is not set; use bench/run")
    TANTIVY = os.environ.get("TANTIVY_BIN") or shutil.which("tantivy") or die("tantivy not found")
    HYPERFINE = shutil.which("hyperfine") or die("hyperfine not found")
    for tool in ("sqlite3", "rg", "du"):
        shutil.which(tool) or die(f"{tool} not found")
    if not Path("/usr/bin/time").exists():
        die("/usr/bin/time (GNU time) not found")

    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR = WORK / f"results-x{scale}"
    RESULTS_DIR.mkdir(exist_ok=True)
    started = datetime.datetime.now().astimezone()
    load_start = os.getloadavg()

    # ---- preparation (untimed) ----
    corpus = prepare_corpus(src, scale)
    # An interrupted earlier run may have left added articles behind.
    # Added articles go into the first category folder of copy 0, next to an existing
    # article whose body they reuse.
    template = corpus_files(corpus / "copy0")[0]
    add_dir = template.parent
    must([str(BENCH / "add-article.sh"), "clean", str(add_dir)])
    peers = prepare_peers(corpus, scale)
    pdir = WORK / f"peers-x{scale}"
    queries = make_queries(src, pdir)
    files = corpus_files(corpus)
    raw_bytes = sum(f.stat().st_size for f in files)

    idx = WORK / f"indexes-x{scale}"
    idx.mkdir(exist_ok=True)
    ss_idx, tv_idx, db = idx / "seedsearch", idx / "tantivy", idx / "fts5.db"
    mem = {k: RESULTS_DIR / f"mem-{k}.txt" for k in ("seedsearch", "tantivy", "sqlite")}

    q = shlex.quote
    ss = f"{q(SEEDSEARCH)} --seeds {q(str(corpus))} --index {q(str(ss_idx))}"
    gtime = "/usr/bin/time -f %M -a -o"   # %M = max RSS in KiB, what `time -v` reports

    # ---- full build ----
    for m in mem.values():
        m.unlink(missing_ok=True)
    build = hyperfine(
        "build",
        [("seedsearch", f"{gtime} {q(str(mem['seedsearch']))} {ss} -q index"),
         ("tantivy-cli", f"{gtime} {q(str(mem['tantivy']))} {q(TANTIVY)} index -i {q(str(tv_idx))} "
                         f"-t 2 -f {q(str(pdir / 'passages.ndjson'))}"),
         ("sqlite-fts5", f"{gtime} {q(str(mem['sqlite']))} sqlite3 {q(str(db))} "
                         f"{q('.read ' + str(pdir / 'build.sql'))}")],
        runs=prof["build_runs"], warmup=prof["build_warmup"],
        prepare=[f"rm -rf {q(str(ss_idx))}",
                 sh(f"rm -rf {q(str(tv_idx))} && cp -r {q(str(pdir / 'tantivy-empty'))} {q(str(tv_idx))}"),
                 f"rm -f {q(str(db))}"])
    rss = {k: max_rss_mib(v) for k, v in mem.items()}
    # Sizes right after a fresh build (before the add-one-article runs touch the index).
    sizes = {"seedsearch": du_bytes(ss_idx), "tantivy-cli": du_bytes(tv_idx),
             "sqlite-fts5": du_bytes(db)}
    report_json = json.loads(must(f"{ss} -q index --format json"))
    sqlite_rows = int(must(["sqlite3", str(db), "SELECT count(*) FROM p;"]).strip())

    # Rebuild in place (informational): same work plus deleting the old documents.
    rebuild = hyperfine("rebuild", [("seedsearch --rebuild", f"{ss} -q index --rebuild")],
                        runs=prof["rebuild_runs"], warmup=0)

    # ---- sync with nothing changed vs reading the corpus once ----
    # ripgrep with a pattern that never matches must read every byte of every file, with
    # its parallel directory walker, and prints nothing: the cheapest "read every file once"
    # that still walks the tree like seedsearch does. (rg exits 1 when nothing matched.)
    must(f"{ss} -q index")
    sync = hyperfine(
        "sync",
        [("seedsearch", f"{ss} -q index"),
         ("ripgrep read-once", f"rg --no-messages -c zzzzqqqxj {q(str(corpus))}")],
        runs=prof["sync_runs"], warmup=prof["sync_warmup"], ignore_failure=True)

    # ---- add one article ----
    # --prepare writes a new article with a unique headline and body into copy0/<category>
    # before every run (warmups included), so each timed run indexes exactly one new
    # article into the big index; --cleanup deletes them all, then we resync (untimed).
    helper = q(str(BENCH / "add-article.sh"))
    add_clean = f"{helper} clean {q(str(add_dir))}"
    add = hyperfine("add-one", [("seedsearch", f"{ss} -q index")],
                    runs=prof["add_runs"], warmup=prof["add_warmup"],
                    prepare=[f"{helper} add {q(str(add_dir))} {q(str(template))}"],
                    cleanup=add_clean)
    must(add_clean)
    must(f"{ss} -q index")

    # ---- one query, top 10 with snippets ----
    qdir = pdir / "single"
    qdir.mkdir(exist_ok=True)
    single = []
    sanity = []
    for i, (label, ssq, ftsq, tvq, rgpats) in enumerate(QUERIES):
        (qdir / f"q{i}.sql").write_text(SQL_SELECT.format(match=sql_str(ftsq)) + "\n")
        (qdir / f"q{i}.txt").write_text(tvq + "\n")
        rg = "rg -i -c " + " ".join(f"-e {q(p)}" for p in rgpats) + f" {q(str(corpus))}"
        cmds = [("seedsearch", f"{ss} search --format json -n 10 {q(ssq)}"),
                ("sqlite-fts5", f"sqlite3 -readonly {q(str(db))} {q('.read ' + str(qdir / f'q{i}.sql'))}"),
                ("tantivy-cli", f"{q(TANTIVY)} bench -i {q(str(tv_idx))} -q {q(str(qdir / f'q{i}.txt'))} -n 1"),
                ("ripgrep", rg)]
        res = hyperfine(f"query-{i}", cmds, runs=prof["query_runs"], warmup=prof["query_warmup"],
                        ignore_failure=True)
        single.append((label, ssq, res))
        # Untimed sanity check: how many passages each tool matched (same order of
        # magnitude means they did comparable work).
        ssj = json.loads(must(f"{ss} search --format json -n 10 {q(ssq)}", ok=(0, 1)) or "{}")
        n_sql = must(["sqlite3", "-readonly", str(db),
                      f"SELECT count(*) FROM p WHERE p MATCH {sql_str(ftsq)};"]).strip()
        tv_out = must(f"{q(TANTIVY)} bench -i {q(str(tv_idx))} -q {q(str(qdir / f'q{i}.txt'))} -n 1")
        m = re.search(r"^" + re.escape(tvq) + r"\t(\d+)\t", tv_out, re.M)
        rg_lines = sum(int(l.rsplit(":", 1)[1]) for l in must(rg, ok=(0, 1)).split())
        sanity.append((label, ssq, ssj.get("total_hits"), n_sql, m.group(1) if m else "?",
                       rg_lines))

    # ---- 1,000 two-word queries in one process ----
    qfile, sqlfile = pdir / "queries-1000.txt", pdir / "queries-1000.sql"
    batch = has_batch_mode()
    if batch:
        ss_batch = (f"{ss} search --batch {q(str(qfile))} --format json -n 10", "batch mode")
    else:
        # Fallback until `search --batch` exists: one seedsearch process per query.
        ss_batch = (sh(f"while IFS= read -r line; do {ss} search --format json -n 10 \"$line\"; "
                       f"done < {q(str(qfile))}"), "pending batch mode: 1,000 processes")
    # Informational: the same batch with --no-collapse. The scaled corpus repeats every
    # body in each copy, so by default every hit folds 20 identical passages (and reads all
    # of them); this shows what that folding costs here.
    extra = ([("seedsearch --no-collapse", ss_batch[0] + " --no-collapse")] if batch else [])
    thousand = hyperfine(
        "queries-1000",
        [("seedsearch", ss_batch[0]), *extra,
         ("tantivy-cli", f"{q(TANTIVY)} bench -i {q(str(tv_idx))} -q {q(str(qfile))} -n 1"),
         ("sqlite-fts5", f"sqlite3 -readonly {q(str(db))} {q('.read ' + str(sqlfile))}")],
        runs=prof["batch_runs"] if batch else prof["loop_runs"],
        warmup=prof["batch_warmup"] if batch else 0, ignore_failure=True)
    if batch:  # the batch output must really hold 1,000 answers
        lines = must(ss_batch[0], ok=(0, 1)).count("\n")
        if lines < len(queries):
            log(f"warning: seedsearch --batch printed {lines} lines for {len(queries)} queries")

    finished = datetime.datetime.now().astimezone()
    ctx = dict(mode=mode, scale=scale, prof=prof, src=src, corpus=corpus, files=len(files),
               raw_bytes=raw_bytes, peers=peers, report=report_json, sqlite_rows=sqlite_rows,
               build=build, rebuild=rebuild, rss=rss, sizes=sizes, sync=sync, add=add,
               single=single, sanity=sanity, thousand=thousand, batch=batch,
               batch_note=ss_batch[1], nqueries=len(queries), started=started,
               finished=finished, load_start=load_start, load_end=os.getloadavg(), busy=BUSY,
               other=OTHER,
               output=output)
    (RESULTS_DIR / "summary.json").write_text(json.dumps(ctx, default=str, indent=1))
    import report
    text, table = report.render(ctx, COMMANDS_RUN, environment(), path_aliases(ctx))
    print(table)
    output.write_text(text)
    log(f"wrote {output}")


def environment() -> dict:
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "?"
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    git = lambda *a: subprocess.run(["git", "-C", str(REPO), *a], capture_output=True,
                                    text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(), "os": first_line(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"]),
        "seedsearch": f"{first_line([SEEDSEARCH, '--version'])}, git {git('describe', '--always', '--dirty')}"
                      f" ({git('log', '-1', '--format=%h %s')[:70]}), binary {SEEDSEARCH}",
        "tantivy-cli": f"{first_line([TANTIVY, '--version'])} (tantivy-cli "
                       f"{os.environ.get('TANTIVY_CLI_VERSION', '?')}, cargo install --locked; see README)",
        "sqlite3": first_line(["sqlite3", "--version"]),
        "ripgrep": first_line(["rg", "--version"]),
        "hyperfine": first_line([HYPERFINE, "--version"]),
        "python": platform.python_version(),
    }


def path_aliases(ctx) -> list[tuple[str, str]]:
    """Long paths shown as short names in the report's command listing."""
    return [(str(ctx["corpus"]), "$CORPUS"), (str(WORK), "$W"), (str(BENCH) + "/", "bench/"),
            (SEEDSEARCH, "$SEEDSEARCH"),
            (TANTIVY, "$TANTIVY")]


if __name__ == "__main__":
    sys.dont_write_bytecode = True   # no __pycache__ in bench/ (only bench/work is ignored)
    sys.path.insert(0, str(BENCH))
    main()
