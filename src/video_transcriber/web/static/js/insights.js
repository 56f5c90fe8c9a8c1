// The insights panel: questions, emphasis cues and keyword mentions, each time a seek button.

import { clock, el } from "./api.js";

function seekButton(start, seek, what) {
  return el("button", {
    type: "button",
    class: "seek",
    "aria-label": `Play ${what} at ${clock(start)}`,
    onclick: () => seek(start),
  }, clock(start));
}

function group(title, items, emptyText) {
  return el(
    "div",
    { class: "insight-group" },
    el("h3", {}, `${title} (${items.length})`),
    items.length ? el("ul", {}, items) : el("p", { class: "muted small" }, emptyText),
  );
}

export function renderInsights(container, insights, seek) {
  const questions = insights.questions.map((q) =>
    el("li", {}, seekButton(q.start, seek, "question"), q.text));
  const emphasis = insights.emphasis.map((c) =>
    el("li", {}, seekButton(c.start, seek, "emphasis"), c.text));
  const keywords = insights.keywords.map((k) =>
    el(
      "li",
      { dataset: { keyword: k.keyword } },
      el("strong", {}, k.keyword), ` — ${k.count}× `,
      k.mentions.map((m) => seekButton(m.start, seek, `“${k.keyword}”`)),
    ));
  const totals = insights.totals;
  container.replaceChildren(
    el("p", { class: "muted small" },
      `${totals.words} words · ${Math.round(totals.words_per_minute)} words per minute of speech · `
      + `${Math.round(totals.speech_share * 100)} % speech`),
    group("Keywords", keywords, "No keywords set — add some on the Keywords page."),
    group("Questions", questions, "No questions found."),
    group("Emphasis", emphasis, "Nothing stressed with phrases like “make sure” or “remember”."),
  );
}
