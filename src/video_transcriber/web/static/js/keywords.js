// Keywords page: add, remove, or rewrite the global keyword list.

import { el, toast } from "./api.js";
import { addKeywords, getKeywords, removeKeyword, setKeywords, splitKeywords } from "./keywords-api.js";

const list = document.getElementById("keyword-list");
const empty = document.getElementById("keywords-empty");
const bulk = document.getElementById("bulk-keywords");

function render(keywords) {
  list.replaceChildren(
    ...keywords.map((keyword) =>
      el(
        "li",
        {},
        el(
          "span",
          {},
          keyword,
          el("button", {
            type: "button",
            "aria-label": `Remove ${keyword}`,
            title: `Remove ${keyword}`,
            onclick: () => change(() => removeKeyword(keyword), `Removed “${keyword}”.`),
          }, "×"),
        ),
      ),
    ),
  );
  empty.hidden = keywords.length > 0;
  bulk.value = keywords.join("\n");
}

async function change(action, message) {
  try {
    render(await action());
    toast(message);
  } catch (err) {
    toast(err.message, { error: true });
  }
}

document.getElementById("add-keyword").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = document.getElementById("new-keyword");
  const words = splitKeywords(input.value);
  if (!words.length) return;
  await change(() => addKeywords(words), `Added ${words.map((w) => `“${w}”`).join(", ")}.`);
  input.value = "";
  input.focus();
});

document.getElementById("bulk-form").addEventListener("submit", (event) => {
  event.preventDefault();
  change(() => setKeywords(splitKeywords(bulk.value)), "Keyword list saved.");
});

getKeywords().then(render, (err) => toast(err.message, { error: true }));
