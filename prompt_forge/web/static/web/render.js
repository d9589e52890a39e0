// One prompt with its answer and details, as shown in the answer panel, search results and history.

import { el, formatSeconds, formatWhen } from "./dom.js";
import { feedbackControl } from "./feedback.js";
import { renderMarkdown } from "./markdown.js";

function shortModelName(name) {
  return name ? name.split("/").pop() : "";
}

// "SmolLM2-135M-Instruct · 24 tokens in 0.9 s (26 tokens/s)", or how the answer was obtained otherwise.
export function answerDetails(prompt) {
  const metadata = prompt.metadata ?? {};
  const info = metadata.extra_info ?? {};
  const parts = [];
  if (metadata.model_used) parts.push(shortModelName(metadata.model_used));
  const cache = info.cache;
  if (cache?.hit) {
    const score = typeof cache.similarity === "number" ? ` at similarity ${cache.similarity.toFixed(2)}` : "";
    parts.push(`from cache (prompt #${cache.source_prompt_id}${score})`);
  } else if (info.completion_tokens) {
    const rate = info.tokens_per_second ? ` (${info.tokens_per_second} tokens/s)` : "";
    parts.push(`${info.completion_tokens} tokens in ${formatSeconds(info.generation_ms ?? 0)}${rate}`);
    if (cache) parts.push("nothing close enough in the cache");
  }
  return parts.join(" · ");
}

function answerBlock(prompt) {
  const status = prompt.metadata?.extra_info?.status;
  if (status === "failed") {
    const reason = prompt.metadata.extra_info.error;
    return el("p", { class: "answer-text failed", text: `No answer: the model failed${reason ? ` (${reason})` : ""}.` });
  }
  if (status === "pending" || prompt.response === null || prompt.response === undefined) {
    return el("p", { class: "answer-text pending", text: "Waiting for the answer…" });
  }
  if (!prompt.response) return el("p", { class: "answer-text", text: "(empty answer)" });
  // Rendered as Markdown, safely: nothing in an answer is ever parsed as HTML.
  return el("div", { class: "answer-text markdown" }, renderMarkdown(prompt.response));
}

// actions: [{label, onClick, kind}] turned into buttons named after the prompt for screen readers;
// `extra`: more nodes under the answer (a conversation turn's sibling switcher).
export function promptCard(prompt, { score = null, actions = [], extra = null } = {}) {
  const status = prompt.metadata?.extra_info?.status;
  const answered = Boolean(prompt.response) && status !== "failed" && status !== "pending";
  const titleId = `prompt-${prompt.id}-${Math.random().toString(36).slice(2, 8)}`;
  const scoreBadge =
    score === null ? null : el("span", { class: "score", text: `similarity ${score.toFixed(2)}`, title: "Cosine similarity: 1 means the same meaning" });
  const meta = [answerDetails(prompt), formatWhen(prompt.created_at), `#${prompt.id}`].filter(Boolean).join(" · ");
  const buttons = actions.map(({ label, onClick, kind }) =>
    el("button", { type: "button", class: kind ?? "secondary", "aria-describedby": titleId, onclick: onClick, text: label }),
  );
  return el(
    "article",
    { class: "prompt", "data-prompt-id": prompt.id, "aria-labelledby": titleId },
    el("div", { class: "prompt-head" }, el("h3", { id: titleId, class: "prompt-text", text: prompt.text }), scoreBadge),
    answerBlock(prompt),
    el("p", { class: "meta", text: meta }),
    answered ? feedbackControl(prompt) : null,
    extra,
    buttons.length ? el("div", { class: "actions" }, ...buttons) : null,
  );
}
