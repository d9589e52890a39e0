// One search box for the whole history (GET /search/): words and meaning together, or either alone,
// narrowed by date, model and tag. Each hit shows a snippet with the matched words highlighted (built
// from the server's character offsets with text nodes, never HTML) and opens its conversation at that turn.

import { api, describeError } from "./api.js";
import { byId, el, formatWhen, holdButton, say } from "./dom.js";

const RESULTS = 10;
const MATCHED = { prompt: "in the prompt", answer: "in the answer" };

// The snippet's text as text nodes, each highlighted range inside a <mark>.
export function highlighted(snippet) {
  const nodes = [];
  let at = 0;
  for (const { start, end } of snippet.highlights) {
    if (start < at || end <= start) continue;
    if (start > at) nodes.push(document.createTextNode(snippet.text.slice(at, start)));
    nodes.push(el("mark", { text: snippet.text.slice(start, end) }));
    at = end;
  }
  if (at < snippet.text.length) nodes.push(document.createTextNode(snippet.text.slice(at)));
  return nodes;
}

// The prompt as the heading (its matched words highlighted), the answer's matching passage under it.
function hitCard(hit, onOpen) {
  const titleId = `hit-${hit.id}-${Math.random().toString(36).slice(2, 8)}`;
  const fromPrompt = hit.snippet.field === "prompt" && hit.snippet.text === hit.text; // the whole prompt
  const heading = el("h3", { id: titleId, class: "prompt-text" }, ...(fromPrompt ? highlighted(hit.snippet) : [hit.text]));
  const passage = fromPrompt ? null : el("p", { class: `snippet snippet-${hit.snippet.field}` }, ...highlighted(hit.snippet));
  const score =
    hit.similarity === null ? null : el("span", { class: "score", text: `similarity ${hit.similarity.toFixed(2)}`, title: "Cosine similarity: 1 means the same meaning" });
  const how = [hit.keyword_rank ? "words" : null, hit.semantic_rank ? "meaning" : null].filter(Boolean).join(" + ");
  const where = hit.matched.map((name) => MATCHED[name]).join(", ");
  const meta = [
    hit.conversation?.title ? `in “${hit.conversation.title}”` : null,
    formatWhen(hit.created_at),
    hit.metadata?.model_used?.split("/").pop(),
    `matched by ${how}${where ? ` ${where}` : ""}`,
  ]
    .filter(Boolean)
    .join(" · ");
  const open = hit.conversation
    ? el("button", { type: "button", class: "secondary", "aria-describedby": titleId, onclick: () => onOpen(hit.conversation.id, hit.id), text: "Open at this turn" })
    : null;
  return el(
    "article",
    { class: "prompt search-hit", "data-prompt-id": hit.id, "aria-labelledby": titleId },
    el("div", { class: "prompt-head" }, heading, score),
    passage,
    el("p", { class: "meta", text: meta }),
    open ? el("div", { class: "actions" }, open) : null,
  );
}

export function setupSearch({ onOpenConversation = () => {} } = {}) {
  const form = byId("search-form");
  const input = byId("search-input");
  const submit = byId("search-submit");
  const error = byId("search-error");
  const results = byId("search-results");
  const heading = byId("search-title");
  const tagSelect = byId("search-tag");

  function params(query) {
    const data = new FormData(form);
    const search = new URLSearchParams({ q: query, k: String(RESULTS), mode: data.get("mode") || "hybrid" });
    for (const name of ["since", "until", "model", "tag"]) {
      const value = String(data.get(name) ?? "").trim();
      if (value) search.set(name, value);
    }
    return search;
  }

  async function search(query) {
    if (!query) {
      say(error, "Type something to search for.");
      input.focus();
      return;
    }
    say(error, "");
    submit.disabled = true;
    results.setAttribute("aria-busy", "true");
    const result = await api(`/search/?${params(query)}`);
    results.removeAttribute("aria-busy");
    submit.disabled = false;
    // Disabling the button dropped the keyboard focus; give it back to the search box.
    if (document.activeElement === document.body) input.focus();
    if (!result.ok) {
      say(error, describeError(result));
      if (result.retryAfter) holdButton(submit, result.retryAfter);
      return;
    }
    show(query, result.data);
  }

  function show(query, hits) {
    if (!hits.length) {
      results.replaceChildren(el("p", { class: "empty", text: `Nothing in your history matches “${query}”.` }));
      return;
    }
    results.replaceChildren(
      el("p", { class: "results-label", text: `Best matches for “${query}”:` }),
      el("ol", { class: "prompt-list" }, ...hits.map((hit) => el("li", {}, hitCard(hit, onOpenConversation)))),
    );
  }

  // The user's tags, for the filter (kept when still there).
  async function loadTags() {
    const result = await api("/tags/");
    if (!result.ok) return;
    const chosen = tagSelect.value;
    tagSelect.replaceChildren(
      el("option", { value: "", text: "any" }),
      ...result.data.map((tag) => el("option", { value: tag.name, text: `${tag.name} (${tag.count})` })),
    );
    tagSelect.value = result.data.some((tag) => tag.name === chosen) ? chosen : "";
  }

  // Search from anywhere (a history entry): fill the box so the query can be edited and re-run.
  function run(query) {
    input.value = query;
    heading.scrollIntoView({ block: "start", behavior: "smooth" });
    heading.focus({ preventScroll: true });
    return search(query);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(input.value.trim());
  });

  return {
    run,
    loadTags,
    forget(promptId) {
      results.querySelector(`[data-prompt-id="${promptId}"]`)?.closest("li")?.remove();
    },
    clear() {
      input.value = "";
      results.replaceChildren();
      say(error, "");
    },
  };
}
