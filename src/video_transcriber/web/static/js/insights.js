// The insights panel: chapters, key sentences and key terms (the study guide), questions,
// emphasis cues and keyword mentions, each time a seek button; and the chapter bar under the
// player, one button per chapter as wide as its share of the recording.

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
  const study = insights.study || { chapters: [], key_sentences: [], key_terms: [] };
  const chapters = study.chapters.map((c) =>
    el("li", {}, seekButton(c.start, seek, `chapter “${c.title}”`), el("strong", {}, c.title),
      el("div", { class: "muted small" }, c.summary.join(" "))));
  const keySentences = study.key_sentences.map((k) =>
    el("li", {}, seekButton(k.start, seek, "key sentence"), k.text));
  const terms = study.key_terms.map((t) =>
    el("li", {}, el("strong", {}, t.term), ` — ${t.how === "definition" ? "explained" : "first said"} `,
      seekButton(t.explained_at, seek, `“${t.term}”`), t.sentence));
  container.replaceChildren(
    el("p", { class: "muted small" },
      `${totals.words} words · ${Math.round(totals.words_per_minute)} words per minute of speech · `
      + `${Math.round(totals.speech_share * 100)} % speech`),
    ...(insights.study ? [
      group("Chapters", chapters, "One topic throughout."),
      group("Key sentences", keySentences, "None found."),
      group("Key terms", terms, "None found."),
    ] : []),
    group("Keywords", keywords, "No keywords set — add some on the Keywords page."),
    group("Questions", questions, "No questions found."),
    group("Emphasis", emphasis, "Nothing stressed with phrases like “make sure” or “remember”."),
  );
}

export function renderChapterBar(bar, study, seek) {
  const chapters = (study && study.chapters) || [];
  if (!chapters.length) {
    bar.hidden = true;
    return;
  }
  const total = Math.max(chapters[chapters.length - 1].end, 1e-6);
  bar.replaceChildren(...chapters.map((c) => {
    const button = el("button", {
      type: "button",
      class: "chapter",
      title: `${clock(c.start)} ${c.title}`,
      onclick: () => seek(c.start),
    }, `${clock(c.start)} ${c.title}`);
    button.style.flexGrow = String(Math.max((c.end - c.start) / total, 0.01));  // CSSOM, CSP-safe
    return button;
  }));
  bar.hidden = false;
}
