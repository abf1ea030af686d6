// Placeholder search page: the real page replaces this file.
"use strict";
const form = document.getElementById("search");
const box = document.getElementById("q");
const list = document.getElementById("hits");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await fetch("/api/search?q=" + encodeURIComponent(box.value));
  const results = await answer.json();
  list.replaceChildren(...(results.hits || []).map((hit) => {
    const item = document.createElement("li");
    item.textContent = hit.path + ":" + hit.line_start + "  " + hit.snippet;
    return item;
  }));
});
