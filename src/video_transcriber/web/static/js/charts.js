// Tiny inline SVG charts (no library): a line chart of recent samples and a bar chart.

const NS = "http://www.w3.org/2000/svg";
let W = 300;
let H = 120;
const PAD = { left: 34, right: 6, top: 8, bottom: 16 };
export const COLORS = ["#2456c8", "#d9480f", "#137333"];

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Draw in the container's own pixel size, so text and lines are never stretched. */
function measure(container) {
  W = Math.max(120, container.clientWidth || 300);
  H = Math.max(60, container.clientHeight || 120);
}

function frame(container, top, format) {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, "aria-hidden": "true" });
  const bottom = H - PAD.bottom;
  root.append(
    svg("line", { class: "axis", x1: PAD.left, y1: bottom, x2: W - PAD.right, y2: bottom }),
    svg("line", { class: "axis", x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: bottom }),
    svg("text", { class: "label", x: PAD.left - 4, y: PAD.top + 8, "text-anchor": "end" }, format(top)),
    svg("text", { class: "label", x: PAD.left - 4, y: bottom, "text-anchor": "end" }, format(0)),
  );
  container.replaceChildren(root);
  return root;
}

function empty(container, message) {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, "aria-hidden": "true" });
  root.append(svg("text", { class: "empty", x: W / 2, y: H / 2, "text-anchor": "middle" }, message));
  container.replaceChildren(root);
}

/** Lines over the last `capacity` samples: series = [{values, color}], fixed or auto top. */
export function lineChart(container, series, { capacity = 60, max = null, format = (v) => String(Math.round(v)) } = {}) {
  measure(container);
  const all = series.flatMap((s) => s.values);
  if (!all.length) return empty(container, "waiting for samples…");
  const top = max ?? Math.max(1, ...all) * 1.15;
  const span = Math.min(capacity, Math.max(10, ...series.map((s) => s.values.length)));
  const root = frame(container, top, format);
  const width = W - PAD.left - PAD.right;
  const height = H - PAD.top - PAD.bottom;
  series.forEach((s, i) => {
    const values = s.values.slice(-span);
    const offset = span - values.length;
    const points = values.map((v, j) => {
      const x = PAD.left + ((offset + j) / Math.max(1, span - 1)) * width;
      const y = PAD.top + height - (Math.min(v, top) / top) * height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    root.append(svg("polyline", {
      points: points.join(" "), fill: "none", stroke: s.color || COLORS[i % COLORS.length],
      "stroke-width": 2, "stroke-linejoin": "round",
    }));
  });
}

/** One bar per item = {label, value}; values of null are skipped. */
export function barChart(container, items, { format = (v) => v.toFixed(2) } = {}) {
  measure(container);
  const shown = items.filter((item) => item.value !== null && item.value !== undefined);
  if (!shown.length) return empty(container, "no finished jobs yet");
  const top = Math.max(...shown.map((i) => i.value)) * 1.15 || 1;
  const root = frame(container, top, format);
  const width = W - PAD.left - PAD.right;
  const height = H - PAD.top - PAD.bottom;
  const slot = Math.min(width / shown.length, 56);
  shown.forEach((item, i) => {
    const h = (item.value / top) * height;
    const bar = svg("rect", {
      x: PAD.left + i * slot + slot * 0.15, y: PAD.top + height - h,
      width: Math.max(1, slot * 0.7), height: h, fill: COLORS[0],
    });
    bar.append(svg("title", {}, `${item.label}: ${format(item.value)}`));
    root.append(bar);
  });
}
