//! Browser tests of the search page: `seedsearch serve` on a temporary folder, driven in
//! headless Chromium through chromedriver. One test per thing a reader does.
//!
//! They skip (and pass) when chromedriver or Chromium is missing, unless
//! `SEEDSEARCH_BROWSER_TESTS=require`. `cargo test --test browser -- --ignored
//! readme_screenshot` retakes the README's picture of the page, `docs/search-page.png`.

mod harness;

use fantoccini::key::Key;
use serde_json::Value;

use harness::{browser_test, Browser, Site};

/// Articles about a coast, two collections, some with front matter.
fn coast() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "coast/lighthouse.txt",
            "The lighthouse keeper retires\n\n\
             After forty years the lighthouse keeper climbed the stairs for the last time.\n\n\
             The storm of 1987 was the worst night, he said.\n",
        ),
        (
            "coast/beacon.txt",
            "Signals at sea\n\n\
             🌊 Waves 𝄞 — “quoted” words, and then the beacon shone over the storm.\n",
        ),
        (
            "coast/harbour.txt",
            "Harbour wall repaired\n\n\
             Masons rebuilt the harbour wall that the storm had broken.\n",
        ),
        (
            "inland/farm.txt",
            "---\nauthor: Ann Field\nsource: The Valley Post\ndate: 2025-09-12\n---\n\
             Farmers count the cost\n\n\
             The storm flattened barley across the valley.\n",
        ),
        (
            "inland/river.txt",
            "---\nauthor: Ann Field\nsource: The Valley Post\ndate: 2025-10-02\n---\n\
             River bursts its banks\n\n\
             After the storm the river rose a metre in a night.\n",
        ),
    ]
}

async fn hits_shown(b: &Browser) -> usize {
    let n = b
        .until(
            "hits",
            "document.getElementById('results-view').hidden ? 0 : document.querySelectorAll('#hits a.hit').length",
        )
        .await;
    n.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

#[test]
fn typing_a_query_shows_highlighted_hits() {
    browser_test(|b| async move {
        let site = Site::new(&coast(), &[]);
        b.goto(&site.url("/")).await;
        b.until(
            "the box to have the focus",
            "document.activeElement.id === 'q'",
        )
        .await;
        b.type_into("#q", "lighthouse").await;
        assert!(hits_shown(&b).await >= 1);

        let marks = b.texts("#hits .hit-snippet mark").await;
        assert!(!marks.is_empty(), "no <mark> in the snippets");
        for m in &marks {
            assert_eq!(m.to_lowercase(), "lighthouse", "marks: {marks:?}");
        }
        assert_eq!(b.texts("#hits .hit-title mark").await[0], "lighthouse");
        let place = &b.texts("#hits .hit-where").await[0];
        assert_eq!(place, "seeds/coast/lighthouse.txt:3");
        assert_eq!(b.param("q").await.as_deref(), Some("lighthouse"));
        let summary = b.texts("#summary .count").await.join(" ");
        assert!(summary.contains("passage"), "summary: {summary}");
    });
}

#[test]
fn highlights_land_on_the_word_after_emoji_and_quotes() {
    // The API counts characters (code points); JavaScript strings count UTF-16 units.
    browser_test(|b| async move {
        let site = Site::new(&coast(), &[]);
        b.goto(&site.url("/?q=beacon")).await;
        assert!(hits_shown(&b).await >= 1);
        b.until(
            "the snippet's mark",
            "document.querySelector('#hits .hit-snippet mark')",
        )
        .await;
        assert_eq!(b.texts("#hits .hit-snippet mark").await, ["beacon"]);
        assert_eq!(b.js("document.getElementById('q').value").await, "beacon");
    });
}

/// An article of 30 passages under two Markdown sections, with a boilerplate line.
fn long_article() -> String {
    let mut text = String::from("# Tides of the north coast\n\nA survey of the coast, one cove at a time.\n\n## The coves\n\n");
    for i in 1..=14 {
        text.push_str(&format!(
            "Cove {i} has a shingle beach and cliffs of grey stone number {i}.\n\n"
        ));
    }
    text.push_str("Sign up\n\n## The lighthouses\n\n");
    for i in 15..=28 {
        if i == 24 {
            text.push_str("Only one station still sounds its foghorn on winter nights.\n\n");
        } else {
            text.push_str(&format!(
                "Station {i} stands on a headland of red rock number {i}.\n\n"
            ));
        }
    }
    text
}

#[test]
fn a_hit_opens_its_article_at_the_passage() {
    browser_test(|b| async move {
        let article = long_article();
        let site = Site::new(&[("coast/tides.md", &article)], &[]);
        b.goto(&site.url("/?q=foghorn")).await;
        assert_eq!(hits_shown(&b).await, 1);
        let passage = b
            .js("document.querySelector('#hits a.hit').dataset.passage")
            .await;
        b.click("#hits a.hit").await;

        let current = b
            .until(
                "the passage marked",
                "document.querySelector('#article-body .passage.current')?.dataset.passage",
            )
            .await;
        assert_eq!(current, passage);
        assert_eq!(
            b.texts("#article-body .passage.current mark").await,
            ["foghorn"]
        );
        let visible = b
            .js("(() => { const r = document.querySelector('.passage.current').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()")
            .await;
        assert_eq!(
            visible,
            Value::Bool(true),
            "the passage is not scrolled into view"
        );
        assert_eq!(
            b.texts("#article-title").await,
            ["Tides of the north coast"]
        );
        assert_eq!(
            b.texts("#article-body h2.section").await,
            ["The coves", "The lighthouses"]
        );
        let boilerplate = b
            .texts("#article-body .passage.boilerplate .passage-text")
            .await;
        assert_eq!(boilerplate, ["Sign up"]);
        assert_eq!(b.param("doc").await.as_deref(), Some("coast/tides"));

        // Back returns to the results, Forward to the article, Escape closes it.
        b.client.back().await.expect("back");
        assert_eq!(hits_shown(&b).await, 1);
        assert_eq!(b.js("document.getElementById('q').value").await, "foghorn");
        b.client.forward().await.expect("forward");
        b.until(
            "the article again",
            "document.querySelector('#article-body .passage.current')",
        )
        .await;
        b.press(&Key::Escape).await;
        assert_eq!(hits_shown(&b).await, 1);
        assert_eq!(b.param("doc").await, None);
    });
}

#[test]
fn a_collection_facet_filters_and_unfilters() {
    browser_test(|b| async move {
        let site = Site::new(&coast(), &[]);
        b.goto(&site.url("/?q=storm")).await;
        assert_eq!(hits_shown(&b).await, 5);
        b.until(
            "the collection facet",
            "document.querySelector('.facet-collection .facet-value')",
        )
        .await;
        let mut values = b.texts(".facet-collection .facet-label").await;
        values.sort();
        assert_eq!(values, ["coast", "inland"]);
        assert_eq!(
            b.texts(".facet-collection .facet-value[data-value='coast'] .facet-count")
                .await,
            ["3"]
        );
        assert_eq!(b.texts(".facet-author .facet-label").await, ["Ann Field"]);

        b.click(".facet-collection .facet-value[data-value='inland']")
            .await;
        b.until(
            "only inland hits",
            "(() => { const w = Array.from(document.querySelectorAll('#hits .hit-where')).map((e) => e.textContent); return w.length === 2 && w.every((p) => p.startsWith('seeds/inland/')); })()",
        )
        .await;
        assert_eq!(
            b.param("q").await.as_deref(),
            Some("storm collection:inland")
        );
        assert_eq!(
            b.js("document.querySelector(\".facet-collection .facet-value[data-value='inland']\").getAttribute('aria-pressed')")
                .await,
            "true"
        );

        // The month facet is a date filter the query language reads.
        b.click(".facet-month .facet-value[data-value='2025-09']")
            .await;
        b.until(
            "the September article alone",
            "document.querySelectorAll('#hits a.hit').length === 1 && document.querySelector('#hits .hit-where').textContent.startsWith('seeds/inland/farm.txt')",
        )
        .await;

        b.click(".facet-collection .facet-value[data-value='inland']")
            .await;
        b.until("the date filter alone", "document.querySelectorAll('.chip').length === 1 && document.querySelectorAll('#hits a.hit').length === 1")
            .await;
        b.click(".chip").await;
        assert_eq!(
            b.until("every storm hit again", "document.querySelectorAll('#hits a.hit').length === 5 && document.getElementById('q').value")
                .await,
            "storm"
        );
    });
}

#[test]
fn the_pager_moves_to_the_next_hits_and_back() {
    browser_test(|b| async move {
        let mut articles = Vec::new();
        for a in 0..3 {
            let mut text = format!("Tide table {a}\n\n");
            for p in 0..9 {
                text.push_str(&format!(
                    "At pier {a}{p} the tide rose by {p}{a} centimetres before noon.\n\n"
                ));
            }
            articles.push((format!("tides/{a}.txt"), text));
        }
        let articles: Vec<(&str, &str)> = articles
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let site = Site::new(&articles, &[]);
        b.goto(&site.url("/?q=tide")).await;
        assert_eq!(hits_shown(&b).await, 10);
        b.until(
            "the page numbers",
            "document.getElementById('page-info').textContent === '1–10 of 27'",
        )
        .await;
        let first = b
            .js("Array.from(document.querySelectorAll('#hits a.hit')).map((a) => a.href)")
            .await;

        b.click("#next").await;
        b.until(
            "the second page",
            "document.getElementById('page-info').textContent === '11–20 of 27'",
        )
        .await;
        let second = b
            .js("Array.from(document.querySelectorAll('#hits a.hit')).map((a) => a.href)")
            .await;
        let (Value::Array(first), Value::Array(second)) = (first, second) else {
            panic!("hit links are not lists");
        };
        assert_eq!(second.len(), 10);
        assert!(
            second.iter().all(|h| !first.contains(h)),
            "page 2 repeats page 1"
        );
        assert_eq!(b.param("offset").await.as_deref(), Some("10"));

        b.click("#next").await;
        b.until(
            "the last page",
            "document.getElementById('page-info').textContent === '21–27 of 27'",
        )
        .await;
        assert_eq!(b.js("document.getElementById('next').disabled").await, true);

        b.client.back().await.expect("back");
        b.until(
            "the second page again",
            "document.getElementById('page-info').textContent === '11–20 of 27'",
        )
        .await;
    });
}

#[test]
fn slash_focuses_the_box_and_arrows_walk_the_hits() {
    browser_test(|b| async move {
        let site = Site::new(&coast(), &[]);
        b.goto(&site.url("/?q=storm")).await;
        assert_eq!(hits_shown(&b).await, 5);
        b.js("(document.activeElement.blur(), true)").await;
        assert_eq!(b.js("document.activeElement === document.body").await, true);

        b.press("/").await;
        assert_eq!(b.js("document.activeElement.id").await, "q");
        assert_eq!(b.js("document.getElementById('q').value").await, "storm");

        let focused = "document.activeElement.classList.contains('hit') ? Number(document.activeElement.dataset.index) : -1";
        b.press(&Key::Down).await;
        assert_eq!(b.js(focused).await, 0);
        b.press(&Key::Down).await;
        b.press(&Key::Down).await;
        assert_eq!(b.js(focused).await, 2);
        b.press(&Key::Up).await;
        assert_eq!(b.js(focused).await, 1);

        b.press(&Key::Enter).await;
        b.until("the article", "!document.getElementById('article-view').hidden && document.querySelector('#article-body .passage.current')")
            .await;
        b.press(&Key::Escape).await;
        assert_eq!(hits_shown(&b).await, 5);
        b.until("the hit's focus back", &format!("({focused}) === 1"))
            .await;
        b.press(&Key::Up).await;
        b.press(&Key::Up).await;
        assert_eq!(b.js("document.activeElement.id").await, "q");
    });
}

#[test]
fn markup_in_an_article_shows_as_text() {
    browser_test(|b| async move {
        let hostile = "<img src=x onerror=\"window.pwned=1\">Harbour <b>news</b>\n\n\
                       <script>window.pwned=2</script> The harbour master spoke. \
                       <img src=x onerror=\"window.pwned=3\"> <a href=\"javascript:window.pwned=4\">link</a>\n";
        let site = Site::new(&[("coast/hostile.txt", hostile)], &[]);
        b.goto(&site.url("/?q=harbour")).await;
        assert_eq!(hits_shown(&b).await, 1);
        let markup = "document.querySelectorAll('#main img, #main script, #main b, #main a:not(.hit)').length";
        assert_eq!(b.js(markup).await, 0);
        let snippet = b.texts("#hits .hit-snippet").await.join("");
        assert!(
            snippet.contains("<script>window.pwned=2</script>"),
            "{snippet}"
        );
        assert!(b.texts("#hits .hit-title").await[0].starts_with("<img src=x"));

        b.click("#hits a.hit").await;
        b.until(
            "the article",
            "document.querySelector('#article-body .passage')",
        )
        .await;
        assert_eq!(b.js(markup).await, 0);
        assert!(b.texts("#article-title").await[0].contains("<b>news</b>"));
        assert_eq!(b.js("typeof window.pwned").await, "undefined");
    });
}

/// Drops a file named `name` holding `text` on the drop zone, as a browser does.
async fn drop_file(b: &Browser, name: &str, text: &str) {
    let script = format!(
        "const dt = new DataTransfer();
         dt.items.add(new File([{}], {}, {{ type: 'text/plain' }}));
         const zone = document.getElementById('drop-zone');
         zone.dispatchEvent(new DragEvent('dragenter', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
         zone.dispatchEvent(new DragEvent('dragover', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
         zone.dispatchEvent(new DragEvent('drop', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
         return true;",
        serde_json::json!(text),
        serde_json::json!(name)
    );
    b.client
        .execute(&script, vec![])
        .await
        .expect("drop a file");
}

#[test]
fn a_dropped_file_is_added_and_found() {
    browser_test(|b| async move {
        let site = Site::new(&coast(), &["--allow-writes"]);
        b.goto(&site.url("/")).await;
        b.until("the drop zone", "!document.getElementById('add').hidden")
            .await;
        b.type_into("#add-to", "news").await;
        drop_file(
            &b,
            "zeppelin.txt",
            "Zeppelin over the bay\n\nA zeppelin drifted over the bay at dawn.\n",
        )
        .await;
        let added = b
            .until(
                "the server's answer",
                "document.querySelector('#add-result .ok')?.textContent",
            )
            .await;
        assert!(
            added
                .as_str()
                .is_some_and(|t| t.contains("seeds/news/zeppelin.txt")),
            "{added}"
        );

        b.click("#q").await;
        b.type_into("#q", "zeppelin").await;
        assert_eq!(hits_shown(&b).await, 1);
        assert_eq!(
            b.texts("#hits .hit-where").await,
            ["seeds/news/zeppelin.txt:3"]
        );

        // Another file under the same name is refused, and the page says why.
        drop_file(
            &b,
            "zeppelin.txt",
            "Another zeppelin\n\nDifferent words entirely.\n",
        )
        .await;
        let refused = b
            .until(
                "the refusal",
                "document.querySelector('#add-result .error')?.textContent",
            )
            .await;
        assert!(
            refused.as_str().is_some_and(|t| t.contains("zeppelin")),
            "{refused}"
        );
    });
}

#[test]
fn an_article_is_removed_from_its_page() {
    browser_test(|b| async move {
        let site = Site::new(&coast(), &["--allow-writes"]);
        b.goto(&site.url("/?q=barley")).await;
        assert_eq!(hits_shown(&b).await, 1);
        b.click("#hits a.hit").await;
        b.until(
            "the remove button",
            "!document.getElementById('article-actions').hidden",
        )
        .await;
        b.click("#remove").await;
        b.client.accept_alert().await.expect("confirm the removal");
        let said = b
            .until(
                "the server's answer",
                "document.querySelector('#add-result .ok')?.textContent",
            )
            .await;
        assert!(
            said.as_str()
                .is_some_and(|t| t.contains("seeds/inland/farm.txt")),
            "{said}"
        );
        b.until(
            "no hit left",
            "document.querySelector('#summary .count')?.textContent.startsWith('No passage')",
        )
        .await;
    });
}

#[test]
fn without_writes_there_is_no_drop_zone() {
    browser_test(|b| async move {
        let site = Site::new(&coast(), &[]);
        b.goto(&site.url("/?q=storm")).await;
        assert_eq!(hits_shown(&b).await, 5);
        b.until(
            "the status line",
            "document.getElementById('status-line').textContent",
        )
        .await;
        assert_eq!(b.js("document.getElementById('add').hidden").await, true);
    });
}

#[test]
fn a_file_written_into_the_folder_appears_under_watch() {
    browser_test(|b| async move {
        let site = Site::new(&coast(), &[]);
        b.goto(&site.url("/?q=walrus")).await;
        let status = b.fetch_json("/api/status").await;
        assert_eq!(status.get("watching"), Some(&Value::Bool(true)), "{status}");
        b.until(
            "no results",
            "document.querySelector('#summary .count')?.textContent.startsWith('No passage')",
        )
        .await;
        site.write(
            "coast/walrus.txt",
            "A walrus on the slipway\n\nA walrus slept on the slipway all afternoon.\n",
        );
        b.until(
            "the new article in the results",
            "document.querySelector('#hits .hit-where')?.textContent === 'seeds/coast/walrus.txt:3'",
        )
        .await;
        let line = b.texts("#status-line").await.join("");
        assert!(line.contains("index changed"), "status line: {line}");
    });
}

/// Retakes `docs/search-page.png` (the README's picture) from the shipped seeds, and a
/// phone-width one beside it in the temporary folder, for a look.
#[test]
#[ignore = "writes docs/search-page.png; run on purpose"]
fn readme_screenshot() {
    browser_test(|b| async move {
        let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut articles = Vec::new();
        for entry in std::fs::read_dir(shipped).expect("the shipped seeds") {
            let path = entry.expect("a seed").path();
            if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                let name = path
                    .file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned();
                let text = std::fs::read_to_string(&path).expect("a readable seed");
                articles.push((name, text));
            }
        }
        let articles: Vec<(&str, &str)> = articles
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let site = Site::new(&articles, &[]);
        b.client
            .set_window_size(900, 760)
            .await
            .expect("window size");
        b.goto(&site.url("/?q=drone%20incursion")).await;
        hits_shown(&b).await;
        b.js("(document.activeElement.blur(), true)").await;
        let png = b.client.screenshot().await.expect("a screenshot");
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/docs/search-page.png"),
            png,
        )
        .expect("write docs/search-page.png");

        b.client
            .set_window_size(375, 800)
            .await
            .expect("window size");
        b.goto(&site.url("/?q=drone%20incursion")).await;
        hits_shown(&b).await;
        let png = b.client.screenshot().await.expect("a screenshot");
        let phone = std::env::temp_dir().join("search-page-375.png");
        std::fs::write(&phone, png).expect("write the phone screenshot");
        eprintln!("phone-width screenshot: {}", phone.display());
    });
}
