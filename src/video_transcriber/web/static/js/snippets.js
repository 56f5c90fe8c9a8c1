// Search snippets arrive as escaped text with <mark> around matches; rebuild them keeping only
// text and <mark>, so nothing else in a snippet can ever become markup.

export function markedSnippet(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createElement("span");
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}
