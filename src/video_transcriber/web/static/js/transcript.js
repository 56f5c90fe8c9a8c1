// The transcript list on the session page: segments in time order, click (or Enter) to seek,
// the segment being played highlighted and kept in view, inline correction saved to the API.
// With speakers, each segment shows its speaker's name in that speaker's colour (by order of
// first appearance); clicking a name renames that speaker everywhere (PATCH .../speakers).

import { api, clock, el, toast } from "./api.js";

export class TranscriptView {
  constructor({ list, empty, follow, jobId }) {
    this.list = list;
    this.empty = empty;
    this.follow = follow;
    this.jobId = jobId;
    this.segments = [];
    this.nodes = [];
    this.current = -1;
    this.editable = false;
    this.speakers = [];
    this.onSeek = () => {};
  }

  /** The colour slot of a speaker: 0 for the first heard, 1 for the next, six in turn. */
  colour(name) {
    if (!this.speakers.includes(name)) this.speakers.push(name);
    return this.speakers.indexOf(name) % 6;
  }

  /** The finished transcript: segments carry their index (`id`) and may be corrected. */
  setFinal(segments) {
    this.editable = true;
    this.segments = segments.map((s, i) => ({ ...s, index: s.id ?? i }));
    this.speakers = [];
    this.nodes = this.segments.map((s) => this.node(s));
    this.list.replaceChildren(...this.nodes);
    this.current = -1;
    this.empty.hidden = this.segments.length > 0;
    if (!this.segments.length) this.empty.textContent = "No speech was found in this recording.";
  }

  /** Segments streamed while the job runs; chunks finish out of order, so insert by time. */
  addLive(segments) {
    for (const segment of segments) {
      if (!segment.text.trim()) continue;
      const at = this.segments.findIndex((s) => s.start > segment.start);
      const position = at === -1 ? this.segments.length : at;
      const node = this.node(segment);
      node.classList.add("new");
      this.segments.splice(position, 0, segment);
      this.nodes.splice(position, 0, node);
      this.list.insertBefore(node, this.list.children[position] || null);
    }
    this.empty.hidden = this.segments.length > 0;
  }

  node(segment) {
    const text = el("span", { class: "text" }, segment.text.trim());
    const li = el(
      "li",
      {
        class: "segment",
        tabindex: 0,
        dataset: { start: segment.start, end: segment.end, index: segment.index ?? "" },
        "aria-label": `${clock(segment.start)}: ${segment.text.trim()}`,
      },
      el("span", { class: "t", "aria-hidden": "true" }, clock(segment.start)),
      ...(segment.speaker ? [this.who(segment.speaker)] : []),
      text,
    );
    if (segment.speaker) li.classList.add(`spk-${this.colour(segment.speaker)}`);
    li.addEventListener("click", (event) => {
      if (li.querySelector(".edit-box")) return;
      if (event.detail > 1) return;
      this.onSeek(segment.start);
    });
    li.addEventListener("dblclick", () => this.edit(li));
    li.addEventListener("keydown", (event) => {
      if (event.target !== li) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.onSeek(segment.start);
      } else if (event.key === "e" || event.key === "E") {
        event.preventDefault();
        this.edit(li);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = event.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
        if (next) next.focus();
      }
    });
    return li;
  }

  who(name) {
    const button = el(
      "button",
      { type: "button", class: "who", title: "Rename this speaker everywhere" },
      name,
    );
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      this.rename(button.textContent);
    });
    return button;
  }

  async rename(old) {
    if (!this.editable) return;
    const name = (window.prompt(`Rename "${old}" to:`, old) || "").trim();
    if (!name || name === old) return;
    try {
      await api(`/api/jobs/${this.jobId}/speakers`, {
        method: "PATCH",
        body: { speaker: old, name },
      });
      for (const [i, segment] of this.segments.entries()) {
        if (segment.speaker !== old) continue;
        segment.speaker = name;
        const button = this.nodes[i].querySelector(".who");
        if (button) button.textContent = name;
      }
      this.speakers = this.speakers.map((s) => (s === old ? name : s));
      toast(`"${old}" is now "${name}" in every download and in search.`);
    } catch (err) {
      toast(err.message, { error: true });
    }
  }

  /** Highlight the segment playing at `time` and, if following, scroll it into view. */
  highlight(time) {
    const index = this.indexAt(time);
    if (index === this.current) return;
    if (this.current >= 0 && this.nodes[this.current]) {
      this.nodes[this.current].classList.remove("current");
      this.nodes[this.current].removeAttribute("aria-current");
    }
    this.current = index;
    const node = this.nodes[index];
    if (!node) return;
    node.classList.add("current");
    node.setAttribute("aria-current", "true");
    if (this.follow.checked) this.reveal(node);
  }

  indexAt(time) {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid].start <= time + 0.05) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Scroll only the transcript's own box, so the player never leaves the screen. */
  reveal(node) {
    const box = this.list;
    const top = node.offsetTop; // the list is the offset parent (position: relative)
    if (top < box.scrollTop || top + node.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTo({ top: Math.max(0, top - box.clientHeight / 3), behavior: "smooth" });
    }
  }

  edit(li) {
    if (!this.editable || li.querySelector(".edit-box")) return;
    const index = Number(li.dataset.index);
    const segment = this.segments.find((s) => s.index === index);
    const textNode = li.querySelector(".text");
    const area = el("textarea", { rows: 2, "aria-label": `Correct the text at ${clock(segment.start)}` });
    area.value = segment.text.trim();
    const save = el("button", { type: "button", class: "primary" }, "Save");
    const cancel = el("button", { type: "button" }, "Cancel");
    const box = el("div", { class: "edit-box" }, area, el("div", { class: "actions" }, save, cancel));
    const close = () => {
      box.replaceWith(textNode);
      li.focus();
    };
    const commit = async () => {
      const text = area.value.trim();
      if (!text) {
        toast("A segment cannot be empty; write what was said.", { error: true });
        return;
      }
      if (text === segment.text.trim()) return close();
      save.disabled = true;
      try {
        const saved = await api(`/api/jobs/${this.jobId}/segments/${index}`, {
          method: "PATCH",
          body: { text },
        });
        segment.text = saved.text ?? text;
        textNode.textContent = segment.text;
        if (!textNode.querySelector(".edited")) textNode.append(el("span", { class: "edited" }, "edited"));
        li.setAttribute("aria-label", `${clock(segment.start)}: ${segment.text}`);
        toast("Correction saved; downloads include it.");
        close();
      } catch (err) {
        save.disabled = false;
        toast(err.message, { error: true });
      }
    };
    save.addEventListener("click", (event) => { event.stopPropagation(); commit(); });
    cancel.addEventListener("click", (event) => { event.stopPropagation(); close(); });
    area.addEventListener("click", (event) => event.stopPropagation());
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        commit();
      } else if (event.key === "Escape") {
        close();
      }
    });
    textNode.replaceWith(box);
    area.focus();
    area.select();
  }
}
