// The open conversation: its active path, each turn with Edit and Regenerate, and `< 2/3 >` to move
// between the alternatives at a turn's position. The newest turn shows in the answer panel.

import { api, describeError } from "./api.js";
import { byId, el, say } from "./dom.js";
import { promptCard } from "./render.js";

export function setupThread({ onSend, onCompare = () => {}, onChange = () => {}, announce, onTagsChanged = () => {} }) {
  const title = byId("ask-title");
  const tagsForm = byId("tags-form");
  const tagsInput = byId("tags-input");
  const tagsError = byId("tags-error");
  const list = byId("thread");
  const answer = byId("answer");
  const error = byId("prompt-error");
  let current = null; // the conversation as GET /conversations/{id}/ returns it

  function switcher(turn) {
    const ids = turn.siblings ?? [turn.id];
    if (ids.length < 2) return null;
    const index = ids.indexOf(turn.id);
    const go = (delta) => () => activate(ids[index + delta]);
    return el(
      "div",
      { class: "siblings", role: "group", "aria-label": "Alternatives at this turn" },
      el("button", { type: "button", class: "secondary", "aria-label": "Previous alternative", disabled: index === 0, onclick: go(-1), text: "<" }),
      el("span", { class: "sibling-position", text: `${index + 1}/${ids.length}` }),
      el("button", { type: "button", class: "secondary", "aria-label": "Next alternative", disabled: index === ids.length - 1, onclick: go(1), text: ">" }),
    );
  }

  function turnCard(turn) {
    const card = promptCard(turn, {
      extra: switcher(turn),
      actions: [
        { label: "Edit", onClick: () => edit(card, turn) },
        { label: "Regenerate", onClick: () => onSend({ text: turn.text, parent: turn.parent }) },
        { label: "Compare", onClick: () => onCompare(turn) },
      ],
    });
    card.classList.add("turn");
    return card;
  }

  // Edit in place: the edited prompt is sent as a new alternative at the same position.
  function edit(card, turn) {
    const box = el("textarea", { class: "edit-box", rows: "3", "aria-label": "Edit this prompt" });
    box.value = turn.text;
    const send = el("button", { type: "button", text: "Send edit", onclick: () => {
      const text = box.value.trim();
      if (text) onSend({ text, parent: turn.parent });
    } });
    const cancel = el("button", { type: "button", class: "secondary", text: "Cancel", onclick: render });
    card.replaceChildren(box, el("div", { class: "actions" }, send, cancel));
    box.focus();
  }

  async function activate(turnId) {
    const result = await api(`/conversations/${current.id}/`, { method: "PATCH", body: { active_turn: turnId } });
    if (!result.ok) {
      say(error, describeError(result));
      return;
    }
    current = result.data;
    render();
    announce("Showing another alternative.");
  }

  async function saveTags() {
    const tags = tagsInput.value.split(",").map((tag) => tag.trim()).filter(Boolean);
    const result = await api(`/conversations/${current.id}/`, { method: "PATCH", body: { tags } });
    if (!result.ok) {
      say(tagsError, describeError(result));
      return;
    }
    say(tagsError, "");
    current = result.data;
    tagsInput.value = current.tags.join(", ");
    announce(current.tags.length ? `Tags saved: ${current.tags.join(", ")}.` : "Tags removed.");
    onTagsChanged();
  }

  tagsForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (current) saveTags();
  });

  function render() {
    onChange();
    tagsForm.hidden = !current;
    say(tagsError, "");
    if (!current) {
      title.textContent = "New conversation";
      list.replaceChildren();
      return;
    }
    title.textContent = current.title || "Untitled conversation";
    tagsInput.value = (current.tags ?? []).join(", ");
    const turns = current.turns;
    list.replaceChildren(...turns.slice(0, -1).map((turn) => el("li", {}, turnCard(turn))));
    if (turns.length) {
      answer.replaceChildren(el("p", { class: "answer-label", text: "Answer" }), turnCard(turns.at(-1)));
      answer.hidden = false;
    } else {
      answer.replaceChildren();
      answer.hidden = true;
    }
  }

  return {
    id: () => current?.id ?? null,
    // `turn`: open the conversation at that turn (a search hit): the path through it, the turn in view.
    async open(id, turn = null) {
      const result = await api(`/conversations/${id}/${turn ? `?turn=${turn}` : ""}`);
      if (!result.ok) {
        say(error, describeError(result));
        return false;
      }
      current = result.data;
      render();
      if (turn) {
        const card = document.querySelector(`#thread [data-prompt-id="${turn}"], #answer [data-prompt-id="${turn}"]`);
        if (card) {
          card.classList.add("found");
          card.setAttribute("tabindex", "-1");
          card.scrollIntoView({ block: "center" });
          card.focus({ preventScroll: true });
        }
      }
      return true;
    },
    // Before a new turn streams into the answer panel, the newest turn moves up into the thread.
    beforeSend() {
      if (current?.turns.length) list.append(el("li", {}, turnCard(current.turns.at(-1))));
    },
    async refreshTitle() {
      const result = await api(`/conversations/${current.id}/`);
      if (result.ok && current?.id === result.data.id) {
        current.title = result.data.title;
        title.textContent = current.title || "Untitled conversation";
      }
    },
    reset() {
      current = null;
      answer.replaceChildren();
      answer.hidden = true;
      render();
    },
  };
}
