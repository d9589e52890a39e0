// Markdown for answers, rendered safely: the text is parsed here and every piece goes into the page
// as a text node or an element this code creates. No HTML from a prompt or an answer is ever parsed
// or executed (a <script> in an answer shows as the characters "<script>"). Links: http(s) and mailto only.

import { el } from "./dom.js";

const FENCE = /^\s*(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const INLINE = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\(([^)\s]+)\)/g;
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

// Inline pieces of one line: code, bold, italic, links; anything else is plain text.
function inline(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    const [whole, , code, bold1, bold2, em1, em2, label, href] = match;
    if (code !== undefined) nodes.push(el("code", { text: code }));
    else if (bold1 ?? bold2) nodes.push(el("strong", {}, ...inline(bold1 ?? bold2)));
    else if (em1 ?? em2) nodes.push(el("em", {}, ...inline(em1 ?? em2)));
    else if (SAFE_LINK.test(href)) nodes.push(el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, ...inline(label)));
    else nodes.push(document.createTextNode(whole));
    last = match.index + whole.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function lines(textLines) {
  const nodes = [];
  textLines.forEach((line, index) => {
    if (index) nodes.push(el("br"));
    nodes.push(...inline(line));
  });
  return nodes;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (a page served over plain http from another host): select and copy.
    const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}

function codeBlock(code, language) {
  const button = el("button", { type: "button", class: "secondary copy-code", text: "Copy code" });
  button.addEventListener("click", async () => {
    button.textContent = (await copyText(code)) ? "Copied" : "Copy failed";
    setTimeout(() => (button.textContent = "Copy code"), 2000);
  });
  const label = language ? el("span", { class: "code-language", text: language }) : null;
  return el(
    "div",
    { class: "code-block" },
    el("div", { class: "code-head" }, label, button),
    el("pre", {}, el("code", { text: code, "data-language": language || null })),
  );
}

// The answer as a fragment of block elements (paragraphs, headings, lists, quotes, code blocks).
export function renderMarkdown(source) {
  const fragment = document.createDocumentFragment();
  const all = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) fragment.append(el("p", {}, ...lines(paragraph)));
    paragraph = [];
  };
  for (let i = 0; i < all.length; i += 1) {
    const line = all[i];
    const fence = line.match(FENCE);
    if (fence) {
      flush();
      const body = [];
      i += 1;
      while (i < all.length && !(all[i].trim().startsWith(fence[1]) && FENCE.test(all[i]))) body.push(all[i++]);
      fragment.append(codeBlock(body.join("\n"), fence[2]));
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const heading = line.match(HEADING);
    if (heading) {
      flush();
      fragment.append(el(`h${Math.min(6, heading[1].length + 3)}`, {}, ...inline(heading[2])));
      continue;
    }
    if (RULE.test(line)) {
      flush();
      fragment.append(el("hr"));
      continue;
    }
    const list = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (list) {
      flush();
      const first = line.match(NUMBERED);
      const items = [];
      while (i < all.length && list.test(all[i])) {
        const match = all[i].match(list);
        items.push(el("li", {}, ...inline(match[match.length - 1])));
        i += 1;
      }
      i -= 1;
      const start = list === NUMBERED && first[1] !== "1" ? first[1] : null;
      fragment.append(el(list === NUMBERED ? "ol" : "ul", { start }, ...items));
      continue;
    }
    if (QUOTE.test(line)) {
      flush();
      const quoted = [];
      while (i < all.length && QUOTE.test(all[i])) quoted.push(all[i++].match(QUOTE)[1]);
      i -= 1;
      fragment.append(el("blockquote", {}, el("p", {}, ...lines(quoted))));
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return fragment;
}
