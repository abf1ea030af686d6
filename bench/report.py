"""Turns the harness's measurements into the console table and RESULTS.md (stdlib only).

Every ratio is seedsearch / peer of the figure in the row: for times, memory and sizes
lower is better for seedsearch; for throughput (queries/second) higher is better.
"""

from __future__ import annotations

import datetime


def fmt_time(s: float) -> str:
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.01:
        return f"{s * 1000:.0f} ms"
    return f"{s * 1000:.1f} ms"


def fmt_bytes(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def num(n) -> str:
    return f"{n:,}" if isinstance(n, int) else "?"


def fmt_ratio(r: float) -> str:
    if r >= 100:
        return f"{r:.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    if r >= 0.01:
        return f"{r:.2f}x"
    return f"{r:.4f}x"


def rows(ctx) -> list[tuple[str, str, str, str, str, str]]:
    """(measurement, seedsearch, peer, peer value, seedsearch/peer, better) rows."""
    out = []
    b = ctx["build"]
    ss_build = b["seedsearch"]["median"]
    for peer in ("tantivy-cli", "sqlite-fts5"):
        out.append(("Full build, fresh index", fmt_time(ss_build), peer,
                    fmt_time(b[peer]["median"]), fmt_ratio(ss_build / b[peer]["median"]), "lower"))
    rb = ctx["rebuild"]["seedsearch --rebuild"]["median"]
    out.append(("Full build, `index --rebuild` in place", fmt_time(rb), "seedsearch fresh build",
                fmt_time(ss_build), fmt_ratio(rb / ss_build), "lower"))
    rss = ctx["rss"]
    for peer, key in (("tantivy-cli", "tantivy"), ("sqlite-fts5", "sqlite")):
        out.append(("Peak memory (max RSS) of the build", f"{rss['seedsearch']:.0f} MiB", peer,
                    f"{rss[key]:.0f} MiB", fmt_ratio(rss["seedsearch"] / rss[key]), "lower"))
    s = ctx["sync"]
    out.append(("`index` with nothing changed", fmt_time(s["seedsearch"]["median"]),
                "ripgrep reading the corpus once", fmt_time(s["ripgrep read-once"]["median"]),
                fmt_ratio(s["seedsearch"]["median"] / s["ripgrep read-once"]["median"]), "lower"))
    a = ctx["add"]["seedsearch"]["median"]
    out.append(("Add one article to the big index", fmt_time(a), "seedsearch full build",
                fmt_time(ss_build), f"{a / ss_build * 100:.2f}%", "lower"))
    for label, query, res in ctx["single"]:
        t = res["seedsearch"]["median"]
        for peer in ("sqlite-fts5", "tantivy-cli", "ripgrep"):
            out.append((f"Top-10 query, {label}: `{query}`", fmt_time(t), peer,
                        fmt_time(res[peer]["median"]), fmt_ratio(t / res[peer]["median"]), "lower"))
    th = ctx["thousand"]
    n = ctx["nqueries"]
    qps = {k: n / v["median"] for k, v in th.items()}
    note = "" if ctx["batch"] else " (pending batch mode)"
    for peer in ("tantivy-cli", "sqlite-fts5"):
        out.append((f"{n:,} two-word queries, one process{note}", f"{qps['seedsearch']:,.0f} q/s",
                    peer, f"{qps[peer]:,.0f} q/s", fmt_ratio(qps["seedsearch"] / qps[peer]),
                    "higher"))
    if "seedsearch --no-collapse" in qps:
        out.append((f"{n:,} two-word queries, `search --batch --no-collapse`",
                    f"{qps['seedsearch --no-collapse']:,.0f} q/s", "tantivy-cli",
                    f"{qps['tantivy-cli']:,.0f} q/s",
                    fmt_ratio(qps["seedsearch --no-collapse"] / qps["tantivy-cli"]), "higher"))
    sz = ctx["sizes"]
    for peer, val in (("raw article text", ctx["raw_bytes"]), ("sqlite-fts5", sz["sqlite-fts5"]),
                      ("tantivy-cli", sz["tantivy-cli"])):
        out.append(("Index size on disk (du -sb)", fmt_bytes(sz["seedsearch"]), peer,
                    fmt_bytes(val), fmt_ratio(sz["seedsearch"] / val), "lower"))
    return out


def targets(ctx) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) rows."""
    out = []

    def at_most(name, value, limit, shown=None):
        shown = shown or (f"{value:.3f}x" if 0.95 < value / limit < 1.05 else fmt_ratio(value))
        if value <= limit:
            verdict = f"**met** ({(1 - value / limit) * 100:.0f}% margin)"
        else:
            verdict = f"**missed** by {(value / limit - 1) * 100:.1f}% ({shown} vs at most {fmt_ratio(limit)})"
        out.append((name, shown, verdict))

    def at_least(name, value, limit, shown=None):
        shown = shown or (f"{value:.3f}x" if 0.95 < value / limit < 1.05 else fmt_ratio(value))
        if value >= limit:
            verdict = f"**met** ({(value / limit - 1) * 100:.0f}% margin)"
        else:
            verdict = (f"**missed**: {shown} vs at least {fmt_ratio(limit)} "
                       f"(needs {limit / value:.2f}x faster)")
        out.append((name, shown, verdict))

    b = ctx["build"]
    at_most("Full build <= 1.0x tantivy-cli's time",
            b["seedsearch"]["median"] / b["tantivy-cli"]["median"], 1.0)
    at_most("Build peak memory <= 1.5x tantivy-cli's",
            ctx["rss"]["seedsearch"] / ctx["rss"]["tantivy"], 1.5)
    s = ctx["sync"]
    at_most("Sync with nothing changed <= 2x ripgrep reading the corpus once",
            s["seedsearch"]["median"] / s["ripgrep read-once"]["median"], 2.0)
    pct = ctx["add"]["seedsearch"]["median"] / b["seedsearch"]["median"] * 100
    if pct < 5:
        out.append(("Adding one article < 5% of a full build", f"{pct:.2f}%",
                    f"**met** ({5 - pct:.2f} points margin)"))
    else:
        out.append(("Adding one article < 5% of a full build", f"{pct:.2f}%",
                    f"**missed** by {pct - 5:.2f} points ({pct / 5:.1f}x the budget)"))
    for label, query, res in ctx["single"]:
        t = res["seedsearch"]["median"]
        at_most(f"Query `{query}` <= 1.0x SQLite's time", t / res["sqlite-fts5"]["median"], 1.0)
        at_least(f"Query `{query}` >= 50x faster than ripgrep's scan",
                 res["ripgrep"]["median"] / t, 50.0)
    th = ctx["thousand"]
    at_least("1,000 queries in one process >= 1.0x tantivy bench's throughput",
             th["tantivy-cli"]["median"] / th["seedsearch"]["median"], 1.0)
    at_least("1,000 queries in one process >= 5x SQLite's throughput",
             th["sqlite-fts5"]["median"] / th["seedsearch"]["median"], 5.0)
    sz = ctx["sizes"]
    at_most("Index size <= 1.15x the raw text", sz["seedsearch"] / ctx["raw_bytes"], 1.15)
    at_most("Index size <= 0.6x SQLite's", sz["seedsearch"] / sz["sqlite-fts5"], 0.6)
    return out


def md_table(header, body) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def console_table(header, body) -> str:
    body = [[str(c).replace("`", "").replace("**", "") for c in row] for row in body]
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.ljust(w) if i in (0, 2) else c.rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(header), "  ".join("-" * w for w in widths)] + [fmt(r) for r in body])


def render(ctx, commands, env, aliases) -> tuple[str, str]:
    header = ["Measurement", "seedsearch", "Peer", "Peer value", "seedsearch/peer", "Better"]
    body = rows(ctx)
    tgt = targets(ctx)
    console = (console_table(header, body) + "\n\nTargets:\n" +
               console_table(["Target", "Measured", "Verdict"], tgt))

    def alias(cmd: str) -> str:
        for long, short in aliases:
            cmd = cmd.replace(long, short)
        return cmd

    prof = ctx["prof"]
    rep = ctx["report"]
    peers = ctx["peers"]
    th = ctx["thousand"]
    sanity = md_table(["Query", "seedsearch total_hits", "SQLite MATCH rows",
                       "tantivy-cli hits", "ripgrep matching lines"],
                      [[f"{lab}: `{qq}`", a, b, c, d] for lab, qq, a, b, c, d in ctx["sanity"]])
    busy = ctx["busy"]
    groups = ([("build", "build", ctx["build"]), ("rebuild", "rebuild", ctx["rebuild"]),
               ("sync", "sync", ctx["sync"]), ("add-one", "add-one", ctx["add"])]
              + [(f"query {lab}", f"query-{i}", res)
                 for i, (lab, _, res) in enumerate(ctx["single"])]
              + [("1,000 queries", "queries-1000", th)])
    runs = md_table(["What", "Runs", "Median", "Mean ± stddev", "Min … max",
                     "CPU time (user+sys, mean)", "Other load before / during"],
                    [[f"{name} / {label}", r["runs"], fmt_time(r["median"]),
                      f"{fmt_time(r['mean'])} ± {fmt_time(r['stddev'] or 0)}",
                      f"{fmt_time(r['min'])} … {fmt_time(r['max'])}",
                      fmt_time(r.get("user", 0) + r.get("system", 0)),
                      f"{busy[key]:.0%} / {ctx['other'][key]:.0%}" if key in busy else "?"]
                     for name, key, group in groups
                     for label, r in group.items()])
    quick = ("\n> **Quick mode** (smoke test): small corpus and few runs; do not quote these "
             "numbers.\n" if ctx["mode"] == "quick" else "")
    batch_line = ("`seedsearch search --batch FILE --format json -n 10` (one process)"
                  if ctx["batch"] else
                  f"**{ctx['batch_note']}** — `search --batch` was not available in this "
                  "binary, so seedsearch ran as one process per query in a shell loop; this "
                  "row measures process start-up, not the batch mode it is meant to measure")
    text = f"""# seedsearch benchmark results
{quick}
Generated by `bench/run{' --quick' if ctx['mode'] == 'quick' else ''}` on
{ctx['started']:%Y-%m-%d %H:%M %Z} (took {(ctx['finished'] - ctx['started']).seconds // 60} min, including
any wait for other CPU load to stop).
All times are hyperfine medians of whole-process wall time with a warm page cache
(hyperfine `-N`: no shell in between, so no shell start-up correction).
What `--facets`, `count` and saved searches cost next to the plain commands is measured
by `bench/power`, in [RESULTS-power.md](RESULTS-power.md).

## Machine and tools
- Machine: {env['nproc']} CPUs, {env['cpu']}, {env['ram']} RAM, kernel {env['kernel']}, {env['os']}
- Load average at start / end: {ctx['load_start'][0]:.2f} / {ctx['load_end'][0]:.2f}
  (1-minute; anything well above 0 means other work shared the 2 cores)
- seedsearch: {env['seedsearch']}
- tantivy-cli: {env['tantivy-cli']}
- sqlite3: {env['sqlite3']}
- ripgrep: {env['ripgrep']}
- hyperfine: {env['hyperfine']}; Python {env['python']}

## Data
- Corpus: `{ctx['src']}` scaled x{ctx['scale']} into `bench/work/corpus-x{ctx['scale']}/`:
  {ctx['files']:,} files, {fmt_bytes(ctx['raw_bytes'])} of raw article text. Copy K has
  " (copy K)" appended to every headline, so no file is byte-identical to one in another
  copy. Inside each copy the source's 98 byte-identical pairs remain: seedsearch stores
  each such article once (listing both paths), the peers index both.
- seedsearch after the build: {num(rep.get('files'))} files, {num(rep.get('articles'))}
  distinct articles, {num(rep.get('passages'))} passages.
- Peers: {peers['passages']:,} passages (headline + blank-line separated blocks), from
  `passages.ndjson` ({fmt_bytes(peers['ndjson_bytes'])}) for tantivy-cli and
  `passages.csv` ({fmt_bytes(peers['csv_bytes'])}; {ctx['sqlite_rows']:,} rows imported)
  for SQLite. Splitting the articles into these files is preparation and is not timed;
  tantivy-cli's JSON parsing and SQLite's CSV import into FTS5 are part of their builds
  and are timed.
- Runs per measurement, warmup + timed ({ctx['mode']} mode): builds
  {prof['build_warmup']} + {prof['build_runs']}; rebuild 0 + {prof['rebuild_runs']}; sync
  {prof['sync_warmup']} + {prof['sync_runs']}; add one article {prof['add_warmup']} +
  {prof['add_runs']}; single queries {prof['query_warmup']} + {prof['query_runs']};
  1,000 queries {prof['batch_warmup'] if ctx['batch'] else 0} +
  {prof['batch_runs'] if ctx['batch'] else prof['loop_runs']}.

## Results

Ratios are seedsearch / peer. "Better" says which direction favours seedsearch.

{md_table(header, body)}

## Targets

{md_table(['Target', 'Measured', 'Verdict'], tgt)}

## How each row was measured
- **Full build**: into a fresh empty folder every run (hyperfine `--prepare` deletes the
  index; for tantivy-cli it copies an empty index made once by `tantivy new`).
  seedsearch: `seedsearch --seeds CORPUS --index IDX -q index` over the raw files.
  tantivy-cli: `tantivy index -i IDX -t 2 -f passages.ndjson` (2 threads; its default 1 GB
  indexing budget; waits for merges; `-f` reads the file exactly as stdin would, and lets
  hyperfine run without a shell). SQLite: `sqlite3 DB '.read build.sql'`, i.e. `CREATE
  VIRTUAL TABLE p USING fts5(title, body, path UNINDEXED, line UNINDEXED,
  tokenize='porter unicode61 remove_diacritics 2')` and `.import --csv passages.csv p`
  (no `optimize` afterwards).
- **Peak memory**: each timed build ran under GNU `/usr/bin/time -f %M` (the "Maximum
  resident set size" of `time -v`); the figure is the median over all runs.
- **Rebuild in place**: `seedsearch ... index --rebuild` on the existing index.
- **Nothing changed**: `seedsearch ... -q index` right after a sync, against
  `rg --no-messages -c zzzzqqqxj CORPUS`: a pattern that never matches makes ripgrep read
  every byte of every file with its parallel walker and print nothing — the cheapest
  honest "read every file once" (cheaper than `rg --files | xargs cat`, which adds pipes
  and processes).
- **Add one article**: hyperfine `--prepare` writes a new article (unique headline and
  body) into the first category folder of copy 0 before each run, so each run indexes one new
  article into the full index; `--cleanup` removes them and the harness resyncs.
- **Top-10 query**: seedsearch `search --format json -n 10 QUERY` (its default freshness
  check included); SQLite `SELECT path, snippet(p, 1, '[', ']', '…', 20) FROM p WHERE p
  MATCH ? ORDER BY bm25(p) LIMIT 10` in `sqlite3 -readonly` (several words become `a OR b`
  because seedsearch and tantivy treat several words as OR; FTS5's default is AND);
  `tantivy bench -q ONE_QUERY_FILE -n 1`, which opens the index, runs the query for top 10
  plus a count, then runs it again and fetches the 10 stored documents — no snippets;
  ripgrep `rg -i -c -e WORD... CORPUS`, an unranked scan counting matching lines.
- **1,000 queries**: deterministic two-word queries (seeded) from the corpus vocabulary:
  words of 4+ letters, not stopwords, document-frequency ranks 100-2100.
  seedsearch: {batch_line}. tantivy-cli: `tantivy bench -n 1` over the file (each query
  searched twice as above, no snippets). SQLite: one `sqlite3` process running 1,000
  SELECTs with `snippet()` and `LIMIT 10`. Throughput = 1,000 / median wall time.
  The `--no-collapse` row is informational: every body occurs once per copy in the scaled
  corpus, so by default seedsearch folds each hit with its identical passages in the other
  copies (reading each of them); the peers do no such folding.
- **Index size**: `du -sb` of the index folder / database right after a full build; raw
  text is the sum of the article files' sizes.

### Matches per query (untimed sanity check)
Similar magnitudes mean the tools did comparable work. seedsearch counts passages after
de-duplicating identical articles; ripgrep counts matching lines (a line may be a
paragraph or a headline).

{sanity}

### All timings
"Other load" is the share of the machine's CPU capacity used by other processes: in the
2 seconds before that hyperfine started (the harness waits for it to fall below 15%, up to
`--max-wait`), and during the whole measurement (all CPU time used on the machine minus
what hyperfine and the benchmarked commands used). When it is high, wall times are inflated
by waiting for a CPU; the min and the CPU time (user + system, summed over threads) are
then the steadier figures.

{runs}

## Exact commands
Paths shortened: `$W` = `bench/work`, `$CORPUS` = `$W/corpus-x{ctx['scale']}`,
`$SEEDSEARCH` and `$TANTIVY` the binaries named above. Raw hyperfine JSON and logs are in
`bench/work/results-x{ctx['scale']}/`.

```sh
{(chr(10) * 2).join(f'# {name}{chr(10)}{alias(cmd)}' for name, cmd in commands)}
```

## Notes and changes
_For the lead engineer: interpretation, what changed since the previous run, follow-ups._

"""
    return text, console
