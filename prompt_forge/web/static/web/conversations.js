// The conversation list: pinned first, then the most recently updated; search by meaning; open, pin,
// rename, archive and delete (asked in place) each conversation.

import { api, describeError } from "./api.js";
import { confirmDeleteInPlace } from "./confirm.js";
import { byId, el, formatWhen, say } from "./dom.js";

const LIMIT = 50;

export function setupConversations({ onOpen, onNew, onDeleted, announce }) {
  const list = byId("conversation-list");
  const error = byId("conversation-error");
  const search = byId("conversation-search");
  const showArchived = byId("show-archived");
  const heading = byId("conversations-title");
  let openId = null;

  async function load() {
    const query = search.value.trim();
    const params = new URLSearchParams({ limit: String(LIMIT), archived: showArchived.checked ? "true" : "false" });
    if (query) params.set("q", query);
    const result = await api(`/conversations/?${params}`);
    if (!result.ok) {
      say(error, describeError(result));
      return;
    }
    say(error, "");
    const items = result.data.results;
    if (!items.length) {
      const empty = query ? "No conversation matches." : showArchived.checked ? "Nothing archived." : "No conversations yet.";
      list.replaceChildren(el("li", { class: "empty", text: empty }));
      return;
    }
    list.replaceChildren(...items.map((item) => el("li", {}, entry(item))));
  }

  async function change(item, body, message) {
    const result = await api(`/conversations/${item.id}/`, { method: "PATCH", body });
    if (!result.ok) {
      say(error, describeError(result));
      return;
    }
    announce(message);
    await load();
  }

  function entry(item) {
    const turns = item.turn_count === 1 ? "1 turn" : `${item.turn_count} turns`;
    const details = [item.pinned ? "Pinned" : null, turns, formatWhen(item.updated_at)].filter(Boolean).join(" · ");
    const open = el("button", {
      type: "button",
      class: "conversation-open",
      "aria-current": item.id === openId ? "true" : null,
      onclick: () => onOpen(item.id),
      text: item.title || "Untitled conversation",
    });
    const row = el(
      "div",
      { class: "conversation", "data-conversation-id": item.id },
      open,
      el("p", { class: "meta", text: details }),
      item.tags?.length ? el("p", { class: "tags" }, ...item.tags.map((tag) => el("span", { class: "tag", text: tag }))) : null,
      el(
        "div",
        { class: "actions" },
        el("button", { type: "button", class: "secondary", text: item.pinned ? "Unpin" : "Pin", onclick: () => change(item, { pinned: !item.pinned }, item.pinned ? "Unpinned." : "Pinned.") }),
        el("button", { type: "button", class: "secondary", text: "Rename", onclick: () => rename(row, item) }),
        el("button", { type: "button", class: "secondary", text: item.archived ? "Unarchive" : "Archive", onclick: () => change(item, { archived: !item.archived }, item.archived ? "Unarchived." : "Archived.") }),
        el("button", { type: "button", class: "danger", text: "Delete", onclick: () => confirmDelete(row, item) }),
      ),
    );
    return row;
  }

  function rename(row, item) {
    const box = el("input", { class: "rename-box", "aria-label": "New title", maxlength: "200" });
    box.value = item.title;
    const save = () => {
      const title = box.value.trim();
      if (title) change(item, { title }, "Renamed.");
    };
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") save();
      if (event.key === "Escape") load();
    });
    row.replaceChildren(box, el("div", { class: "actions" },
      el("button", { type: "button", text: "Save", onclick: save }),
      el("button", { type: "button", class: "secondary", text: "Cancel", onclick: load })));  // prettier-ignore
    box.focus();
    box.select();
  }

  function confirmDelete(row, item) {
    confirmDeleteInPlace(row, {
      question: "Delete this conversation and all its turns?",
      url: `/conversations/${item.id}/`,
      error,
      deleted: async () => {
        announce("Conversation deleted.");
        await load();
        onDeleted(item.id);
        heading.focus();
      },
    });
  }

  byId("conversation-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  search.addEventListener("search", () => load()); // the search box's clear button
  showArchived.addEventListener("change", () => load());
  byId("new-conversation").addEventListener("click", () => onNew());

  return {
    load,
    setOpen(id) {
      openId = id;
      for (const button of list.querySelectorAll(".conversation-open")) {
        const current = Number(button.closest("[data-conversation-id]").dataset.conversationId) === id;
        if (current) button.setAttribute("aria-current", "true");
        else button.removeAttribute("aria-current");
      }
    },
    clear() {
      openId = null;
      search.value = "";
      list.replaceChildren();
      say(error, "");
    },
  };
}
