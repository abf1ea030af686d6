// The search page of `seedsearch serve`: a client of the JSON API, nothing more.
//
// State lives in the URL (?q=, offset=, sort=, bp=, doc=, p=), so a search or an open article
// can be bookmarked, shared and reached again with Back. Text from articles is only ever
// put into the page as text nodes (textContent, append of strings), never as HTML.
"use strict";

(() => {
  const PAGE_SIZE = 10;
  const FACETS = ["collection", "author", "source", "month"];
  const FACET_LABELS = { collection: "Collection", author: "Author", source: "Source", month: "Month" };
  const FACET_SHOWN = 8;
  const DEBOUNCE_MS = 170;
  const POLL_MS = 3000;
  const CONTEXT = 100;
  const BROWSE_SHOWN = 50;

  const $ = (id) => document.getElementById(id);
  const box = $("q");

  // ---- small DOM helpers -------------------------------------------------------------

  /** An element with a class (optional) and children (strings become text nodes). */
  function el(tag, cls, ...children) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    for (const child of children) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  function plural(n, one, many) {
    return `${n.toLocaleString()} ${n === 1 ? one : many || one + "s"}`;
  }

  /**
   * `text` with the `[start, end)` spans wrapped in <mark>. The spans count Unicode
   * characters (scalar values), while JS strings index UTF-16 code units: Array.from splits
   * a string into code points, which is the API's unit.
   */
  function marked(text, spans) {
    const frag = document.createDocumentFragment();
    if (!text) return frag;
    const chars = Array.from(text);
    const clean = (Array.isArray(spans) ? spans : [])
      .filter((s) => Array.isArray(s) && Number.isInteger(s[0]) && Number.isInteger(s[1]))
      .map(([s, e]) => [Math.max(0, s), Math.min(chars.length, e)])
      .filter(([s, e]) => e > s)
      .sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const [s, e] of clean) {
      const start = Math.max(s, pos);
      if (e <= start) continue;
      if (start > pos) frag.append(chars.slice(pos, start).join(""));
      frag.append(el("mark", null, chars.slice(start, e).join("")));
      pos = e;
    }
    if (pos < chars.length) frag.append(chars.slice(pos).join(""));
    return frag;
  }

  /** The highlighted pieces of a snippet, as typed in the article (for marking it there). */
  function highlightedWords(text, spans) {
    const chars = Array.from(text || "");
    const out = [];
    for (const s of Array.isArray(spans) ? spans : []) {
      if (Array.isArray(s) && s[1] > s[0]) out.push(chars.slice(s[0], s[1]).join(""));
    }
    return out;
  }

  /** `text` with every whole-word occurrence of `words` (case-insensitive) in <mark>. */
  function markWords(text, words) {
    const frag = document.createDocumentFragment();
    const list = [...new Set(words.map((w) => w.trim()).filter((w) => w.length > 0))]
      .sort((a, b) => b.length - a.length)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+"));
    if (!list.length || !text) {
      frag.append(text || "");
      return frag;
    }
    const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${list.join("|")})(?![\\p{L}\\p{N}])`, "giu");
    let pos = 0;
    for (const m of text.matchAll(re)) {
      if (m.index > pos) frag.append(text.slice(pos, m.index));
      frag.append(el("mark", null, m[0]));
      pos = m.index + m[0].length;
    }
    if (pos < text.length) frag.append(text.slice(pos));
    return frag;
  }

  function clear(node) {
    node.replaceChildren();
    return node;
  }

  // ---- state and the URL -------------------------------------------------------------

  function readUrl() {
    const p = new URLSearchParams(location.search);
    const int = (v) => {
      const n = Number.parseInt(v || "", 10);
      return Number.isFinite(n) && n > 0 ? n : 0;
    };
    return {
      q: p.get("q") || "",
      offset: int(p.get("offset")),
      sort: p.get("sort") === "date" ? "date" : "score",
      bp: p.get("bp") === "1",
      doc: p.get("doc") || null,
      passage: int(p.get("p")) || null,
    };
  }

  function urlOf(s) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (s.offset) p.set("offset", String(s.offset));
    if (s.sort === "date") p.set("sort", "date");
    if (s.bp) p.set("bp", "1");
    if (s.doc) p.set("doc", s.doc);
    if (s.doc && s.passage) p.set("p", String(s.passage));
    const query = p.toString();
    return query ? `/?${query}` : "/";
  }

  let state = readUrl();
  // True while the current history entry is the one typing started: further keystrokes
  // replace it instead of piling up entries that Back would have to walk through.
  let typingEntry = false;

  /** Moves to state `next`: "push" adds a history entry, "replace" rewrites this one. */
  function go(next, how, entry) {
    if (how === "push") {
      // Remember where the reader was, to come back to it.
      const here = { ...(history.state || {}), scroll: window.scrollY, focus: focusedHitIndex() };
      history.replaceState(here, "", location.href);
    }
    state = next;
    const url = urlOf(state);
    if (how === "push") history.pushState(entry || {}, "", url);
    else history.replaceState(history.state, "", url);
    render();
  }

  window.addEventListener("popstate", (e) => {
    typingEntry = false;
    state = readUrl();
    render(e.state || {});
  });

  // ---- API ---------------------------------------------------------------------------

  async function api(path, options) {
    const res = await fetch(path, options);
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      body = null;
    }
    if (!res.ok) {
      const message = body && typeof body.error === "string" ? body.error : `the server answered ${res.status}`;
      const err = new Error(message);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function articlePath(docId) {
    return "/api/articles/" + docId.split("/").map(encodeURIComponent).join("/");
  }

  // ---- rendering: which view ---------------------------------------------------------

  let generation = null;
  let shownQuery = null; // the search key whose results are on screen
  let lastResults = null;

  function render(restore) {
    restore = restore || {};
    if (box.value !== state.q) box.value = state.q;
    if (state.doc) {
      showArticle(state.doc, state.passage);
    } else {
      showResults(restore);
    }
  }

  function showResults(restore) {
    $("article-view").hidden = true;
    $("results-view").hidden = false;
    document.title = state.q ? `${state.q} · seedsearch` : "seedsearch";
    const done = () => {
      if (typeof restore.scroll === "number") window.scrollTo(0, restore.scroll);
      if (typeof restore.focus === "number" && restore.focus >= 0) {
        const links = hitLinks();
        if (links[restore.focus]) links[restore.focus].focus({ preventScroll: true });
      }
    };
    if (searchKey(state) === shownQuery && lastResults) {
      $("filters").hidden = !hasFacets(lastResults) && !activeFilters(state.q).length;
      done();
      return;
    }
    runSearch().then(done);
  }

  // ---- searching ---------------------------------------------------------------------

  let debounce = null;
  let inFlight = null;
  let sequence = 0;

  function searchKey(s) {
    return JSON.stringify([s.q.trim(), s.offset, s.sort, s.bp, generation]);
  }

  function scheduleSearch() {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      runSearch();
    }, DEBOUNCE_MS);
  }

  /** Runs the search of the current state; a newer search cancels it, a late answer is ignored. */
  async function runSearch() {
    clearTimeout(debounce);
    if (inFlight) inFlight.abort();
    const q = state.q.trim();
    const seq = ++sequence;
    if (!q) {
      inFlight = null;
      document.body.classList.remove("busy");
      await showBrowse(seq);
      return;
    }
    const controller = new AbortController();
    inFlight = controller;
    const key = searchKey(state);
    const params = new URLSearchParams({
      q,
      limit: String(PAGE_SIZE),
      offset: String(state.offset),
      facets: FACETS.join(","),
      sort: state.sort,
    });
    if (state.bp) params.set("include_boilerplate", "true");
    document.body.classList.add("busy");
    try {
      const body = await api(`/api/search?${params}`, { signal: controller.signal });
      if (seq !== sequence) return;
      lastResults = body;
      shownQuery = key;
      renderResults(body);
    } catch (err) {
      if (err.name === "AbortError" || seq !== sequence) return;
      shownQuery = null;
      lastResults = null;
      renderProblem(err.status ? err.message : "The seedsearch server is not answering. Is `seedsearch serve` still running?");
    } finally {
      if (seq === sequence) {
        inFlight = null;
        document.body.classList.remove("busy");
      }
    }
  }

  function renderProblem(message) {
    $("browse").hidden = true;
    $("pager").hidden = true;
    $("filters").hidden = !activeFilters(state.q).length;
    if (!$("filters").hidden) renderFacets({ facets: {} });
    clear($("hits"));
    clear($("summary")).append(el("p", "error", message));
    clear($("notes"));
    renderActiveFilters();
  }

  function renderResults(doc) {
    $("browse").hidden = true;
    const hits = Array.isArray(doc.hits) ? doc.hits : [];
    const total = Number(doc.total_hits) || 0;
    const articles = Number(doc.matched_articles) || 0;

    const summary = clear($("summary"));
    if (total === 0) {
      summary.append(el("p", "count", "No passage matches ", el("q", null, doc.query), "."));
    } else {
      summary.append(
        el("p", "count", plural(total, "passage"), " in ", plural(articles, "article")),
      );
      if (doc.facets && Array.isArray(doc.facets.month) && doc.facets.month.length) {
        summary.append(sortSwitch());
      }
    }

    renderNotes(doc, total);
    renderActiveFilters();

    const list = clear($("hits"));
    hits.forEach((hit, i) => list.append(hitItem(hit, i)));

    const pager = $("pager");
    pager.hidden = total <= PAGE_SIZE && state.offset === 0;
    $("prev").disabled = state.offset === 0;
    $("next").disabled = state.offset + hits.length >= total;
    $("page-info").textContent = hits.length
      ? `${(state.offset + 1).toLocaleString()}–${(state.offset + hits.length).toLocaleString()} of ${total.toLocaleString()}`
      : `past the last of ${total.toLocaleString()}`;

    renderFacets(doc);
    $("filters").hidden = !hasFacets(doc) && !activeFilters(state.q).length;
  }

  function sortSwitch() {
    const wrap = el("span", "sort", "Sort: ");
    for (const [value, label] of [["score", "best match"], ["date", "newest"]]) {
      const b = el("button", "link", label);
      b.type = "button";
      b.setAttribute("aria-pressed", String(state.sort === value));
      b.addEventListener("click", () => go({ ...state, sort: value, offset: 0 }, "push"));
      wrap.append(b);
    }
    return wrap;
  }

  function renderNotes(doc, total) {
    const notes = clear($("notes"));
    for (const w of Array.isArray(doc.warnings) ? doc.warnings : []) {
      notes.append(el("p", "warning", w));
    }
    const suggestions = Array.isArray(doc.suggestions) ? doc.suggestions : [];
    const suggested = new Set();
    for (const s of suggestions) {
      const options = Array.isArray(s.did_you_mean) ? s.did_you_mean : [];
      suggested.add(s.word);
      const p = el("p", "suggestion", el("q", null, s.word), " matches nothing in the index");
      if (options.length) {
        p.append("; did you mean ");
        options.forEach((option, i) => {
          if (i) p.append(i === options.length - 1 ? " or " : ", ");
          const b = el("button", "link", option);
          b.type = "button";
          b.addEventListener("click", () => {
            go({ ...state, q: replaceWord(state.q, s.word, option), offset: 0 }, "push");
          });
          p.append(b);
        });
        p.append("?");
      } else {
        p.append(".");
      }
      notes.append(p);
    }
    for (const word of Array.isArray(doc.unmatched) ? doc.unmatched : []) {
      if (!suggested.has(word)) notes.append(el("p", "suggestion", el("q", null, word), " matches nothing in the index."));
    }
    const hidden = Number(doc.hidden_boilerplate) || 0;
    if (hidden > 0 && !state.bp) {
      const b = el("button", "link", "show them");
      b.type = "button";
      b.addEventListener("click", () => go({ ...state, bp: true, offset: 0 }, "push"));
      notes.append(el("p", "note", `${plural(hidden, "match", "matches")} left out as boilerplate (promos, credits, repeated footers): `, b));
    }
    if (state.bp) {
      const b = el("button", "link", "hide boilerplate");
      b.type = "button";
      b.addEventListener("click", () => go({ ...state, bp: false, offset: 0 }, "push"));
      notes.append(el("p", "note", "Boilerplate passages are included: ", b));
    }
    if (total === 0 && !suggestions.length && !(doc.warnings || []).length && !hidden) {
      notes.append(el("p", "note", "Try fewer words, another spelling, or remove a filter."));
    }
  }

  /** `q` with the whole word `word` replaced by `by` (the first time it stands alone). */
  function replaceWord(q, word, by) {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u");
    return re.test(q) ? q.replace(re, by) : `${q} ${by}`;
  }

  function hitItem(hit, index) {
    const li = el("li", "hit-item");
    const a = el("a", "hit");
    a.href = urlOf({ ...state, doc: hit.doc_id, passage: hit.passage });
    a.dataset.index = String(index);
    a.dataset.doc = hit.doc_id;
    a.dataset.passage = String(hit.passage);

    const where = el("span", "hit-where", `${hit.path}:${hit.line_start}`);
    const loc = el("div", "hit-loc", where, el("span", "hit-passage", ` · passage ${hit.passage}`));
    if (hit.headline_only) loc.append(el("span", "badge", "headline match"));
    if (hit.boilerplate) loc.append(el("span", "badge", "boilerplate"));
    a.append(loc);

    a.append(el("div", "hit-title", marked(hit.title, hit.title_highlights)));
    if (hit.section) a.append(el("div", "hit-section", marked(hit.section, hit.section_highlights)));
    a.append(el("p", "hit-snippet", marked(hit.snippet, hit.highlights)));

    const meta = metadataLine(hit.metadata);
    if (meta) a.append(el("div", "hit-meta", meta));
    if (Array.isArray(hit.also_in) && hit.also_in.length) {
      const others = hit.also_in.map((o) => `${o.path}:${o.line_start}`);
      const shown = others.slice(0, 3).join(", ") + (others.length > 3 ? ` and ${others.length - 3} more` : "");
      a.append(el("div", "hit-also", `also in ${shown}`));
    }
    a.addEventListener("click", (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      openArticle(hit.doc_id, hit.passage);
    });
    li.append(a);
    return li;
  }

  function metadataLine(metadata) {
    if (!metadata || typeof metadata !== "object") return "";
    const parts = [];
    for (const key of ["author", "source", "date"]) {
      if (typeof metadata[key] === "string" && metadata[key]) parts.push(metadata[key]);
    }
    return parts.join(" · ");
  }

  function openArticle(docId, passage) {
    typingEntry = false;
    go({ ...state, doc: docId, passage: passage || null }, "push", { fromResults: !state.doc });
  }

  $("prev").addEventListener("click", () => {
    typingEntry = false;
    go({ ...state, offset: Math.max(0, state.offset - PAGE_SIZE) }, "push");
    window.scrollTo(0, 0);
  });
  $("next").addEventListener("click", () => {
    typingEntry = false;
    go({ ...state, offset: state.offset + PAGE_SIZE }, "push");
    window.scrollTo(0, 0);
  });

  // ---- filters -----------------------------------------------------------------------

  const FILTER_RE = /(^|\s)([+-]?)(collection|author|source|date):("[^"]*"|“[^”]*”|\[[^\]}]*[\]}]|\{[^\]}]*[\]}]|\S+)/g;

  /** The filters written in `q`, as {field, value, token}. */
  function activeFilters(q) {
    const out = [];
    for (const m of q.matchAll(FILTER_RE)) {
      out.push({ field: m[3], value: m[4].replace(/^["“]|["”]$/g, ""), token: `${m[2]}${m[3]}:${m[4]}`, negated: m[2] === "-" });
    }
    return out;
  }

  function quoteValue(value) {
    const bare = value.replace(/["“”]/g, "");
    return /^[\p{L}\p{N}_]+$/u.test(bare) ? bare : `"${bare}"`;
  }

  /** The filter a facet value stands for, as the query language writes it. */
  function filterToken(facet, value) {
    if (facet === "month") {
      const m = /^(\d{4})-(\d{2})$/.exec(value);
      if (!m) return null;
      let year = Number(m[1]);
      let month = Number(m[2]) + 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
      const next = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-01`;
      return `date:[${value}-01 TO ${next}}`;
    }
    return `${facet}:${quoteValue(value)}`;
  }

  function hasToken(q, token) {
    return tokenIndex(q, token) >= 0;
  }

  function tokenIndex(q, token) {
    let from = 0;
    for (;;) {
      const i = q.indexOf(token, from);
      if (i < 0) return -1;
      const before = i === 0 || /\s/.test(q[i - 1]);
      const after = i + token.length === q.length || /\s/.test(q[i + token.length]);
      if (before && after) return i;
      from = i + 1;
    }
  }

  function withoutToken(q, token) {
    const i = tokenIndex(q, token);
    if (i < 0) return q;
    return (q.slice(0, i) + q.slice(i + token.length)).replace(/\s{2,}/g, " ").trim();
  }

  function toggleFilter(token) {
    typingEntry = false;
    const q = hasToken(state.q, token) ? withoutToken(state.q, token) : `${state.q.trim()} ${token}`.trim();
    go({ ...state, q, offset: 0 }, "push");
  }

  function hasFacets(doc) {
    return !!doc && !!doc.facets && FACETS.some((f) => Array.isArray(doc.facets[f]) && doc.facets[f].length);
  }

  function renderActiveFilters() {
    const filters = activeFilters(state.q);
    const notes = $("notes");
    if (!filters.length) return;
    const row = el("p", "active-filters", "Filtered by ");
    for (const f of filters) {
      const b = el("button", "chip", `${f.negated ? "not " : ""}${f.field}: ${f.value}`, el("span", "chip-x", " ×"));
      b.type = "button";
      b.title = `Remove ${f.token} from the query`;
      b.setAttribute("aria-label", `Remove the filter ${f.token}`);
      b.addEventListener("click", () => toggleFilter(f.token));
      row.append(b, " ");
    }
    notes.prepend(row);
  }

  const expanded = new Set();

  function renderFacets(doc) {
    const box = clear($("facets"));
    const facets = (doc && doc.facets) || {};
    for (const name of FACETS) {
      const values = Array.isArray(facets[name]) ? facets[name] : [];
      if (!values.length) continue;
      const group = el("section", `facet facet-${name}`);
      group.append(el("h3", null, FACET_LABELS[name]));
      const list = el("ul");
      const max = Math.max(...values.map((v) => Number(v.articles) || 0), 1);
      const limit = expanded.has(name) ? values.length : FACET_SHOWN;
      values.slice(0, limit).forEach((v) => {
        const token = filterToken(name, v.value);
        const b = el("button", "facet-value");
        b.type = "button";
        b.dataset.facet = name;
        b.dataset.value = v.value;
        b.title = `${plural(v.articles, "article")}, ${plural(v.passages, "passage")}`;
        const on = token !== null && hasToken(state.q, token);
        b.setAttribute("aria-pressed", String(on));
        b.disabled = token === null;
        const label = el("span", "facet-label", v.value);
        const count = el("span", "facet-count", String(v.articles));
        b.append(label, count);
        if (name === "month") {
          const bar = el("span", "facet-bar");
          bar.style.width = `${Math.max(4, Math.round((100 * v.articles) / max))}%`;
          b.append(bar);
        }
        if (token) b.addEventListener("click", () => toggleFilter(token));
        list.append(el("li", null, b));
      });
      group.append(list);
      if (values.length > FACET_SHOWN) {
        const more = el("button", "link facet-more", expanded.has(name) ? "fewer" : `${values.length - FACET_SHOWN} more`);
        more.type = "button";
        more.addEventListener("click", () => {
          if (expanded.has(name)) expanded.delete(name);
          else expanded.add(name);
          renderFacets(lastResults);
        });
        group.append(more);
      }
      box.append(group);
    }
    if (!box.childElementCount) box.append(el("p", "note", "No collection, author, source or date among these matches."));
  }

  // ---- browsing (empty query) ----------------------------------------------------------

  let browseAll = false;

  async function showBrowse(seq) {
    clear($("summary"));
    clear($("notes"));
    clear($("hits"));
    $("pager").hidden = true;
    $("filters").hidden = true;
    shownQuery = null;
    lastResults = null;
    let doc;
    try {
      doc = await api("/api/articles");
    } catch (err) {
      if (seq !== sequence) return;
      $("browse").hidden = true;
      $("summary").append(el("p", "error", err.status ? err.message : "The seedsearch server is not answering."));
      return;
    }
    if (seq !== sequence) return;
    const articles = Array.isArray(doc.articles) ? doc.articles : [];
    const list = clear($("browse-list"));
    $("browse").hidden = false;
    $("browse-title").textContent = articles.length ? plural(articles.length, "article") : "No articles yet";
    if (!articles.length) {
      list.append(el("li", "note", "The seeds folder has no articles yet. Add .txt or .md files to it" + (status && status.allow_writes ? ", or drop them below." : ".")));
    }
    const shown = browseAll ? articles : articles.slice(0, BROWSE_SHOWN);
    for (const a of shown) {
      const link = el("a", "browse-link", el("span", "browse-title", a.title || a.doc_id), el("span", "browse-path", `${a.path} · ${plural(a.passages, "passage")}`));
      link.href = urlOf({ q: "", offset: 0, sort: "score", bp: false, doc: a.doc_id, passage: null });
      link.addEventListener("click", (e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        openArticle(a.doc_id, null);
      });
      list.append(el("li", null, link));
    }
    const more = $("browse-more");
    more.hidden = browseAll || articles.length <= BROWSE_SHOWN;
    more.textContent = `Show all ${articles.length.toLocaleString()}`;
  }

  $("browse-more").addEventListener("click", () => {
    browseAll = true;
    runSearch();
  });

  // ---- the article view --------------------------------------------------------------

  let articleSeq = 0;
  let shownArticle = null; // {doc, passage, whole, generation}

  async function showArticle(docId, passage, options) {
    options = options || {};
    $("results-view").hidden = true;
    $("filters").hidden = true;
    $("article-view").hidden = false;
    const whole = !!options.whole;
    const key = JSON.stringify([docId, passage, whole, generation]);
    if (shownArticle === key && !options.force) {
      focusPassage(passage, false);
      return;
    }
    const seq = ++articleSeq;
    const target = passage ? `${articlePath(docId)}:${passage}` : articlePath(docId);
    const url = whole ? articlePath(docId) : `${passage ? target : articlePath(docId) + ":1"}?context=${CONTEXT}`;
    let doc;
    let words;
    try {
      [doc, words] = await Promise.all([api(url), matchedWords(docId)]);
    } catch (err) {
      if (seq !== articleSeq) return;
      shownArticle = null;
      $("article-title").textContent = "This article cannot be shown";
      clear($("article-meta")).append(el("span", "error", err.status ? err.message : "The seedsearch server is not answering."));
      clear($("article-body"));
      $("article-more").hidden = true;
      $("article-actions").hidden = true;
      return;
    }
    if (seq !== articleSeq) return;
    shownArticle = key;
    renderArticle(doc, passage, docId, words, options.keepScroll);
  }

  /**
   * The words the query matched in this article, as the article spells them: the
   * highlighted pieces of its own hits (the API highlights snippets, not whole passages).
   */
  async function matchedWords(docId) {
    const q = state.q.trim();
    if (!q) return [];
    const params = new URLSearchParams({
      q: `(${q}) doc:"${docId.replace(/"/g, "")}"`,
      limit: "100",
      no_collapse: "true",
      include_boilerplate: "true",
    });
    try {
      const found = await api(`/api/search?${params}`);
      const words = [];
      for (const hit of found.hits || []) words.push(...highlightedWords(hit.snippet, hit.highlights));
      return words;
    } catch (_) {
      return [];
    }
  }

  function renderArticle(doc, passage, docId, words, keepScroll) {
    document.title = `${doc.title} · seedsearch`;
    $("article-title").textContent = doc.title || doc.doc_id;
    const meta = clear($("article-meta"));
    meta.append(el("span", "mono", doc.path), ` · ${plural(Number(doc.total_passages) || 0, "passage")}`);
    const md = doc.metadata && typeof doc.metadata === "object" ? doc.metadata : {};
    for (const [k, v] of Object.entries(md)) meta.append(" · ", el("span", "meta-key", `${k}: `), String(v));
    if (Array.isArray(doc.also_in) && doc.also_in.length) {
      meta.append(" · same text in ", doc.also_in.map((f) => f.path).join(", "));
    }

    const body = clear($("article-body"));
    const passages = Array.isArray(doc.passages) ? doc.passages : [];
    const first = passages.length ? passages[0].passage : 1;
    const last = passages.length ? passages[passages.length - 1].passage : 0;
    const total = Number(doc.total_passages) || passages.length;
    if (first > 1) body.append(wholeButton(`Show the ${plural(first - 1, "passage")} before`, docId, passage));
    let section;
    passages.forEach((p, i) => {
      if ((p.section || null) !== section || (i === 0 && p.section)) {
        section = p.section || null;
        if (section) body.append(el("h2", "section", section));
      }
      const div = el("div", "passage");
      div.id = `passage-${p.passage}`;
      div.dataset.passage = String(p.passage);
      const label = el("div", "passage-label", `#${p.passage}`, el("span", "passage-line", ` line ${p.line_start}${p.line_end > p.line_start ? `–${p.line_end}` : ""}`));
      if (p.boilerplate) {
        div.classList.add("boilerplate");
        label.append(el("span", "badge", p.boilerplate === "repeated" ? "boilerplate: repeated in other articles" : "boilerplate"));
      }
      div.append(label, el("p", "passage-text", markWords(p.text, words)));
      body.append(div);
    });
    if (last < total) body.append(wholeButton(`Show the ${plural(total - last, "passage")} after`, docId, passage));
    $("article-more").hidden = true;
    $("article-actions").hidden = !(status && status.allow_writes);
    $("remove").dataset.doc = doc.doc_id;
    $("remove").dataset.path = doc.path;
    if (!keepScroll) focusPassage(passage, true);
  }

  function wholeButton(label, docId, passage) {
    const b = el("button", "link whole", label);
    b.type = "button";
    b.addEventListener("click", () => showArticle(docId, passage, { whole: true, keepScroll: true }));
    return el("p", "article-more", b);
  }

  function focusPassage(passage, fresh) {
    const body = $("article-body");
    for (const old of body.querySelectorAll(".passage.current")) {
      old.classList.remove("current");
      old.removeAttribute("aria-current");
    }
    const target = passage ? document.getElementById(`passage-${passage}`) : null;
    if (target) {
      target.classList.add("current");
      target.setAttribute("aria-current", "true");
      target.tabIndex = -1;
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center" });
    } else if (fresh) {
      window.scrollTo(0, 0);
      $("back").focus({ preventScroll: true });
    }
  }

  function closeArticle() {
    if (history.length > 1 && history.state && history.state.fromResults) {
      history.back();
      return;
    }
    go({ ...state, doc: null, passage: null }, "push");
  }

  $("back").addEventListener("click", closeArticle);

  $("remove").addEventListener("click", async () => {
    const docId = $("remove").dataset.doc;
    const path = $("remove").dataset.path;
    if (!docId || !window.confirm(`Delete ${path} from the seeds folder and the index?`)) return;
    try {
      const answer = await api(articlePath(docId), { method: "DELETE" });
      const gone = (answer.removed || []).map((r) => r.path).join(", ") || path;
      showAddResult([el("p", "ok", `Removed ${gone}.`)]);
      go({ ...state, doc: null, passage: null }, "push");
      pollStatus();
    } catch (err) {
      clear($("article-more")).append(el("span", "error", err.status ? err.message : "The seedsearch server is not answering."));
      $("article-more").hidden = false;
    }
  });

  // ---- typing and keys ---------------------------------------------------------------

  box.addEventListener("input", () => {
    const q = box.value;
    const next = { ...state, q, offset: 0, doc: null, passage: null };
    if (!typingEntry) {
      typingEntry = true;
      history.replaceState({ scroll: window.scrollY, focus: -1 }, "", location.href);
      state = next;
      history.pushState({}, "", urlOf(state));
    } else {
      state = next;
      history.replaceState({}, "", urlOf(state));
    }
    if (!$("article-view").hidden) {
      $("article-view").hidden = true;
      $("results-view").hidden = false;
    }
    document.title = q ? `${q} · seedsearch` : "seedsearch";
    scheduleSearch();
  });

  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state = { ...state, q: box.value, doc: null, passage: null };
    history.replaceState({}, "", urlOf(state));
    if (!$("article-view").hidden) render();
    else runSearch();
  });

  $("home").addEventListener("click", (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    typingEntry = false;
    box.value = "";
    go({ q: "", offset: 0, sort: "score", bp: false, doc: null, passage: null }, "push");
    box.focus();
  });

  function hitLinks() {
    const scope = state.q.trim() ? "#hits a.hit" : "#browse-list a";
    return Array.from(document.querySelectorAll(scope));
  }

  function focusedHitIndex() {
    return hitLinks().indexOf(document.activeElement);
  }

  function isTyping(target) {
    if (!target || !(target instanceof Element)) return false;
    const tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = isTyping(e.target);
    const articleOpen = !$("article-view").hidden;
    if (e.key === "/" && !typing) {
      e.preventDefault();
      if (articleOpen) closeArticle();
      box.focus();
      box.select();
      return;
    }
    if (e.key === "Escape" && articleOpen) {
      e.preventDefault();
      closeArticle();
      return;
    }
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && !articleOpen) {
      if (typing && e.target !== box) return;
      const links = hitLinks();
      if (!links.length) return;
      const i = links.indexOf(document.activeElement);
      let next;
      if (e.key === "ArrowDown") {
        next = i < 0 ? 0 : Math.min(i + 1, links.length - 1);
      } else {
        if (i < 0) return;
        if (i === 0) {
          e.preventDefault();
          box.focus();
          return;
        }
        next = i - 1;
      }
      e.preventDefault();
      links[next].focus();
      links[next].scrollIntoView({ block: "nearest" });
    }
  });

  // ---- index status: last change, live refresh -----------------------------------------

  let status = null;
  let stats = null;

  function ago(when) {
    const seconds = Math.max(0, Math.round((Date.now() - when.getTime()) / 1000));
    if (seconds < 10) return "just now";
    if (seconds < 60) return `${seconds} seconds ago`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return plural(minutes, "minute") + " ago";
    const hours = Math.round(minutes / 60);
    if (hours < 48) return plural(hours, "hour") + " ago";
    return `on ${when.toLocaleDateString()}`;
  }

  function parseTime(value) {
    if (typeof value === "number") return new Date(value < 1e12 ? value * 1000 : value);
    if (typeof value === "string" && value) {
      const d = new Date(value);
      if (!Number.isNaN(d.getTime())) return d;
    }
    return null;
  }

  function renderStatus(problem) {
    const line = clear($("status-line"));
    if (problem) {
      line.append(el("span", "error", problem));
      return;
    }
    const parts = [];
    const counts = status && Number.isFinite(status.articles) ? status : stats;
    if (counts) parts.push(`${plural(Number(counts.articles) || 0, "article")} · ${plural(Number(counts.passages) || 0, "passage")}`);
    if (status) {
      const when = parseTime(status.last_changed);
      if (when) {
        const span = el("span", null, `index changed ${ago(when)}`);
        span.title = when.toLocaleString();
        parts.push(span);
      }
      if (status.watching) parts.push("watching the folder");
    }
    parts.forEach((p, i) => {
      if (i) line.append(" · ");
      line.append(p);
    });
  }

  let polling = false;

  async function pollStatus() {
    if (polling) return;
    polling = true;
    try {
      const next = await api("/api/status");
      const changed = status !== null && next.generation !== status.generation;
      const first = status === null;
      status = next;
      $("add").hidden = !status.allow_writes;
      if ((first || changed) && !Number.isFinite(next.articles)) {
        try {
          stats = await api("/api/stats");
        } catch (_) {
          stats = null;
        }
      }
      if (changed) {
        generation = next.generation;
        refreshAfterChange();
      } else if (first) {
        generation = next.generation;
        if (!$("article-view").hidden) $("article-actions").hidden = !status.allow_writes;
      }
      renderStatus();
    } catch (err) {
      renderStatus("The seedsearch server is not answering.");
    } finally {
      polling = false;
    }
  }

  /** The index changed: show the same search (or article) as it now reads. */
  function refreshAfterChange() {
    if (state.doc) {
      showArticle(state.doc, state.passage, { keepScroll: true, force: true });
      // Results behind the article are stale too; they refresh when shown.
      shownQuery = null;
      return;
    }
    const focus = focusedHitIndex();
    runSearch().then(() => {
      if (focus >= 0) {
        const links = hitLinks();
        if (links[focus]) links[focus].focus({ preventScroll: true });
      }
    });
  }

  let poller = null;
  function startPolling() {
    if (poller === null) poller = setInterval(pollStatus, POLL_MS);
  }
  function stopPolling() {
    if (poller !== null) clearInterval(poller);
    poller = null;
  }
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) stopPolling();
    else {
      pollStatus();
      startPolling();
    }
  });

  // ---- adding articles (with --allow-writes) -------------------------------------------

  function showAddResult(nodes) {
    clear($("add-result")).append(...nodes);
  }

  async function upload(files) {
    const list = Array.from(files || []);
    if (!list.length) return;
    if (!status || !status.allow_writes) {
      showAddResult([el("p", "error", "This server does not take new articles (start it with --allow-writes).")]);
      return;
    }
    const form = new FormData();
    for (const f of list) form.append("file", f, f.name);
    const to = $("add-to").value.trim();
    if (to) form.append("to", to);
    showAddResult([el("p", "note", `Adding ${list.map((f) => f.name).join(", ")}…`)]);
    try {
      const answer = await api("/api/articles", { method: "POST", body: form });
      const out = [];
      for (const a of answer.added || []) {
        const p = el("p", "ok", "Added ", el("span", "mono", a.path));
        if (a.doc_id) {
          const open = el("button", "link", "open");
          open.type = "button";
          open.addEventListener("click", () => openArticle(a.doc_id, null));
          p.append(" · ", open);
        } else {
          p.append(" (not indexed: an ignore file or its name keeps it out)");
        }
        out.push(p);
      }
      for (const t of answer.already_there || []) {
        out.push(el("p", "note", el("span", "mono", t.from), " is already in the seeds folder as ", el("span", "mono", t.path)));
      }
      const warnings = (answer.index && answer.index.warnings) || [];
      for (const w of warnings) out.push(el("p", "warning", `${w.path}: ${w.message}`));
      if (!out.length) out.push(el("p", "note", "Nothing was added."));
      showAddResult(out);
      pollStatus();
    } catch (err) {
      showAddResult([el("p", "error", err.status ? err.message : "The seedsearch server is not answering.")]);
    }
  }

  $("file-input").addEventListener("change", (e) => {
    upload(e.target.files);
    e.target.value = "";
  });

  let dragDepth = 0;
  const overlay = $("drop-overlay");
  const carriesFiles = (e) => !!e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
  window.addEventListener("dragenter", (e) => {
    if (!status || !status.allow_writes || !carriesFiles(e)) return;
    dragDepth += 1;
    overlay.hidden = false;
  });
  window.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) overlay.hidden = true;
  });
  window.addEventListener("dragover", (e) => {
    if (!status || !status.allow_writes || !carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  });
  window.addEventListener("drop", (e) => {
    dragDepth = 0;
    overlay.hidden = true;
    if (!status || !status.allow_writes || !e.dataTransfer) return;
    e.preventDefault();
    upload(e.dataTransfer.files);
  });

  // ---- start ---------------------------------------------------------------------------

  box.value = state.q;
  // On a phone the filters start folded, so the first hit is on the first screen.
  if (window.matchMedia("(max-width: 760px)").matches) $("filters-box").open = false;
  history.replaceState({}, "", urlOf(state));
  pollStatus().then(() => {
    render();
    startPolling();
  });
  if (!state.doc) box.focus();
})();
