// The global keyword list through /api/keywords, shared by the upload and keywords pages.

import { api } from "./api.js";

/** "a, b\nc" → ["a", "b", "c"] (blank entries dropped). */
export function splitKeywords(text) {
  return text.split(/[,\n]/).map((k) => k.trim()).filter(Boolean);
}

function listOf(body) {
  return Array.isArray(body) ? body : body.keywords || [];
}

export async function getKeywords() {
  return listOf(await api("/api/keywords"));
}

export async function setKeywords(keywords) {
  return listOf(await api("/api/keywords", { method: "PUT", body: { keywords } }));
}

export async function addKeywords(text) {
  const keywords = Array.isArray(text) ? text : splitKeywords(text);
  return listOf(await api("/api/keywords", { method: "POST", body: { keywords } }));
}

export async function removeKeyword(keyword) {
  return listOf(await api(`/api/keywords/${encodeURIComponent(keyword)}`, { method: "DELETE" }));
}
