// The user's history, newest first, a page at a time; each entry can be searched from or deleted.

import { api, describeError } from "./api.js";
import { confirmDeleteInPlace } from "./confirm.js";
import { byId, el, holdButton, say } from "./dom.js";
import { promptCard } from "./render.js";

const PAGE_SIZE = 10;

export function setupHistory({ onFindSimilar, onDeleted, onOpenConversation, announce }) {
  const list = byId("history-list");
  const heading = byId("history-title");
  const error = byId("history-error");
  const countLabel = byId("history-count");
  const pageLabel = byId("history-page");
  const newer = byId("history-newer");
  const older = byId("history-older");
  let offset = 0;

  async function load(newOffset = offset) {
    const result = await api(`/prompts/?limit=${PAGE_SIZE}&offset=${newOffset}`);
    if (!result.ok) {
      say(error, describeError(result));
      return;
    }
    say(error, "");
    const { count, results } = result.data;
    if (!results.length && newOffset > 0) {
      // The last entry of this page was deleted: step back a page.
      await load(Math.max(0, newOffset - PAGE_SIZE));
      return;
    }
    offset = newOffset;
    countLabel.textContent = count === 1 ? "1 prompt" : `${count} prompts`;
    const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
    pageLabel.textContent = `Page ${Math.floor(offset / PAGE_SIZE) + 1} of ${pages}`;
    newer.disabled = offset === 0;
    older.disabled = offset + PAGE_SIZE >= count;
    if (!results.length) {
      list.replaceChildren(el("li", { class: "empty", text: "No prompts yet. Ask something to start your history." }));
      return;
    }
    list.replaceChildren(...results.map((prompt) => el("li", {}, entry(prompt))));
  }

  function entry(prompt) {
    const failed = prompt.metadata?.extra_info?.status === "failed";
    const card = promptCard(prompt, {
      actions: [
        failed ? { label: "Retry", kind: "primary", onClick: () => retry(card, prompt) } : null,
        { label: "Find similar", onClick: () => onFindSimilar(prompt.text) },
        prompt.conversation ? { label: "Open conversation", onClick: () => onOpenConversation(prompt.conversation) } : null,
        { label: "Delete", kind: "danger", onClick: () => confirmDelete(card, prompt) },
      ].filter(Boolean),
    });
    return card;
  }

  // Ask the model again for a prompt it failed to answer; the answer replaces the entry in place.
  async function retry(card, prompt) {
    const button = card.querySelector("button.primary");
    button.disabled = true;
    button.textContent = "Retrying…";
    const result = await api(`/prompts/${prompt.id}/retry/`, { method: "POST" });
    if (!result.ok) {
      say(error, describeError(result));
      button.textContent = "Retry";
      if (result.retryAfter) holdButton(button, result.retryAfter);
      else button.disabled = false;
      return;
    }
    say(error, "");
    const fresh = entry(result.data);
    card.replaceWith(fresh);
    announce("Prompt answered.");
    fresh.querySelector("button").focus();
  }

  function confirmDelete(card, prompt) {
    confirmDeleteInPlace(card, {
      question: "Delete this prompt for good?",
      url: `/prompts/${prompt.id}/`,
      error,
      deleted: async () => {
        announce("Prompt deleted.");
        await load();
        onDeleted(prompt.id);
        heading.focus();
      },
    });
  }

  newer.addEventListener("click", () => load(Math.max(0, offset - PAGE_SIZE)).then(() => heading.focus()));
  older.addEventListener("click", () => load(offset + PAGE_SIZE).then(() => heading.focus()));

  return {
    load,
    showNewest: () => load(0),
    clear() {
      offset = 0;
      list.replaceChildren();
      countLabel.textContent = "";
      pageLabel.textContent = "";
      say(error, "");
    },
  };
}
