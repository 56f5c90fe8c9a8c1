"""The inline CSS and JavaScript of the standalone HTML page (no external resources at all).

The script is small and dependency-free: clicking a timestamp seeks the `<audio>`/`<video>`
element when there is one (else just jumps to the segment), the segment being played is
highlighted, and the search box wraps matches in `<span class="hit">` and steps through them
with Enter / Shift+Enter or the arrow buttons. Text is only ever inserted with `textContent` and
text nodes, never `innerHTML`, so searching cannot inject markup.
"""

from __future__ import annotations

CSS = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fff; --muted: #6e6e73; --line: #e5e5ea;
  --kw: #ffe58a; --q: #d6ecff; --em: #ffd9d2; --hit: #ff9f0a; --play: #f2f7ff; }
@media (prefers-color-scheme: dark) { :root { --fg: #f5f5f7; --bg: #1c1c1e; --muted: #a1a1a6;
  --line: #38383a; --kw: #6b5a00; --q: #123a5c; --em: #5c2419; --hit: #b36b00; --play: #24303f; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg); }
header { position: sticky; top: 0; z-index: 2; background: var(--bg);
  border-bottom: 1px solid var(--line); padding: .75rem 1.25rem; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.totals { color: var(--muted); margin: 0 0 .5rem; font-size: .9rem; }
audio, video { width: 100%; max-height: 40vh; margin: .25rem 0; }
.search { display: flex; gap: .4rem; align-items: center; }
.search input { flex: 1; font: inherit; padding: .3rem .5rem; border: 1px solid var(--line);
  border-radius: 6px; background: var(--bg); color: var(--fg); }
.search button { font: inherit; padding: .25rem .6rem; }
#count { color: var(--muted); min-width: 6rem; font-size: .9rem; }
main { display: grid; grid-template-columns: minmax(16rem, 1fr) 2.2fr; gap: 1.5rem;
  padding: 0 1.25rem 3rem; }
@media (max-width: 56rem) { main { grid-template-columns: 1fr; } }
aside ol, aside ul { padding-left: 1.2rem; margin: 0; }
aside li { margin: .3rem 0; }
details summary { cursor: pointer; font-weight: 600; }
.none { color: var(--muted); }
.seg { margin: 0; padding: .3rem .5rem; border-radius: 6px; scroll-margin-top: 12rem; }
.seg.playing { background: var(--play); }
.seg.flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { background: var(--hit); } to { background: transparent; } }
a.ts { font: .8rem ui-monospace, monospace; color: var(--muted); text-decoration: none;
  margin-right: .4rem; }
a.ts:hover { text-decoration: underline; }
mark { color: inherit; background: none; border-radius: 3px; }
mark.q { background: var(--q); }
mark.em { background: var(--em); }
mark.kw { background: var(--kw); font-weight: 600; }
.legend mark { padding: 0 .3rem; }
span.hit { outline: 2px solid var(--hit); border-radius: 2px; }
span.hit.current { background: var(--hit); }
@media print { header { position: static; } .search, audio, video { display: none; } }
"""

JS = """
(() => {
  "use strict";
  const media = document.getElementById("media");
  const transcript = document.getElementById("transcript");
  const segments = Array.from(transcript.querySelectorAll(".seg"));
  const starts = segments.map((s) => parseFloat(s.dataset.start));

  function flash(element) {
    element.classList.remove("flash");
    void element.offsetWidth;
    element.classList.add("flash");
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-start]");
    if (!link) return;
    const href = link.getAttribute("href") || "";
    const target = document.getElementById(href.slice(1));
    if (media) {
      event.preventDefault();
      media.currentTime = parseFloat(link.dataset.start);
      media.play().catch(() => {});
      if (target) target.scrollIntoView({ block: "center" });
      history.replaceState(null, "", href);
    }
    if (target) flash(target);
  });

  if (media) {
    let playing = null;
    media.addEventListener("timeupdate", () => {
      let low = 0, high = starts.length - 1, found = -1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (starts[middle] <= media.currentTime) { found = middle; low = middle + 1; }
        else high = middle - 1;
      }
      const segment = found >= 0 ? segments[found] : null;
      if (segment === playing) return;
      if (playing) playing.classList.remove("playing");
      if (segment) segment.classList.add("playing");
      playing = segment;
    });
  }

  const box = document.getElementById("q");
  const count = document.getElementById("count");
  let hits = [], current = -1, query = "", timer = 0;

  function clear() {
    for (const hit of Array.from(transcript.querySelectorAll("span.hit"))) {
      const parent = hit.parentNode;
      parent.replaceChild(document.createTextNode(hit.textContent), hit);
      parent.normalize();
    }
    hits = []; current = -1;
  }

  function textNodes() {
    const walker = document.createTreeWalker(transcript, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => node.parentNode.closest(".tx")
        ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  function wrap(node, needle) {
    const text = node.nodeValue, lower = text.toLowerCase();
    let from = 0, at = lower.indexOf(needle);
    if (at < 0) return;
    const fragment = document.createDocumentFragment();
    while (at >= 0) {
      fragment.append(text.slice(from, at));
      const hit = document.createElement("span");
      hit.className = "hit";
      hit.textContent = text.slice(at, at + needle.length);
      fragment.append(hit);
      hits.push(hit);
      from = at + needle.length;
      at = lower.indexOf(needle, from);
    }
    fragment.append(text.slice(from));
    node.parentNode.replaceChild(fragment, node);
  }

  function go(index) {
    if (!hits.length) return;
    if (current >= 0) hits[current].classList.remove("current");
    current = (index + hits.length) % hits.length;
    hits[current].classList.add("current");
    hits[current].scrollIntoView({ block: "center" });
    count.textContent = (current + 1) + " / " + hits.length;
  }

  function search(value) {
    clear();
    query = value.trim().toLowerCase();
    if (!query) { count.textContent = ""; return; }
    for (const node of textNodes()) wrap(node, query);
    if (hits.length) go(0); else count.textContent = "no matches";
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(box.value), 150);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      if (box.value.trim().toLowerCase() === query && hits.length) {
        go(current + (event.shiftKey ? -1 : 1));
      } else {
        search(box.value);
      }
    } else if (event.key === "Escape") {
      box.value = "";
      search("");
    }
  });
  document.getElementById("next").addEventListener("click", () => go(current + 1));
  document.getElementById("prev").addEventListener("click", () => go(current - 1));
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== box) {
      event.preventDefault();
      box.focus();
    }
  });
})();
"""
