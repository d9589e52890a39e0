// "Find similar": the user's own prompts closest in meaning to a query, with similarity scores.

import { api, describeError } from "./api.js";
import { byId, el, holdButton, say } from "./dom.js";
import { promptCard } from "./render.js";

const RESULTS = 5;

export function setupSearch({ onOpenConversation = () => {} } = {}) {
  const form = byId("search-form");
  const input = byId("search-input");
  const submit = byId("search-submit");
  const error = byId("search-error");
  const results = byId("search-results");
  const heading = byId("search-title");

  async function search(query) {
    if (!query) {
      say(error, "Type something to search for.");
      input.focus();
      return;
    }
    say(error, "");
    submit.disabled = true;
    results.setAttribute("aria-busy", "true");
    const result = await api(`/prompts/similar/?q=${encodeURIComponent(query)}&k=${RESULTS}`);
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

  function show(query, items) {
    if (!items.length) {
      results.replaceChildren(el("p", { class: "empty", text: "Nothing in your history yet to compare with." }));
      return;
    }
    const cards = items.map((item) =>
      el(
        "li",
        {},
        promptCard(item, {
          score: item.score,
          actions: [
            { label: "Find similar", onClick: () => run(item.text) },
            item.conversation ? { label: "Open conversation", onClick: () => onOpenConversation(item.conversation.id) } : null,
          ].filter(Boolean),
        }),
      ),
    );
    results.replaceChildren(
      el("p", { class: "results-label", text: `Closest to “${query}”, most similar first:` }),
      el("ol", { class: "prompt-list" }, ...cards),
    );
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
