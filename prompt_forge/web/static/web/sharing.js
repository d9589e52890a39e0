// Share the open conversation with a read-only link, and list (and revoke) your links.

import { api, describeError } from "./api.js";
import { byId, el, formatWhen, say } from "./dom.js";

export function setupSharing({ currentConversation, announce }) {
  const button = byId("share-conversation");
  const result = byId("share-result");
  const list = byId("share-list");
  const error = byId("share-error");

  async function load() {
    const shares = await api("/shares/?limit=100");
    if (!shares.ok) return say(error, describeError(shares));
    say(error, "");
    const items = shares.data.results.map((share) => {
      const state = share.expired ? "expired" : share.expires_at ? `until ${formatWhen(share.expires_at)}` : "until revoked";
      const revoke = el("button", {
        type: "button",
        class: "secondary",
        text: "Revoke",
        "aria-label": `Revoke the link to ${share.conversation.title || "this conversation"}`,
        onclick: async () => {
          const done = await api(`/shares/${share.id}/`, { method: "DELETE" });
          if (!done.ok) return say(error, describeError(done));
          announce("Link revoked: it no longer works.");
          await load();
        },
      });
      return el("li", { class: "share" }, el("span", { text: `${share.conversation.title || "Untitled"} · ${state}` }), revoke);
    });
    list.replaceChildren(...(items.length ? items : [el("li", { class: "muted", text: "You have not shared anything." })]));
  }

  button.addEventListener("click", async () => {
    const id = currentConversation();
    if (id === null) return;
    const created = await api(`/conversations/${id}/share/`, { method: "POST", body: {} });
    if (!created.ok) return say(error, describeError(created));
    const link = el("input", { type: "text", readonly: true, class: "share-url", "aria-label": "Read-only link", value: created.data.url });
    const copy = el("button", {
      type: "button",
      class: "secondary",
      text: "Copy",
      onclick: async () => {
        link.select();
        try {
          await navigator.clipboard.writeText(link.value);
          announce("Link copied.");
        } catch {
          announce("Select the link and copy it.");
        }
      },
    });
    const stop = el("button", {
      type: "button",
      class: "secondary",
      text: "Stop sharing",
      onclick: async () => {
        const done = await api(`/conversations/${id}/share/`, { method: "DELETE" });
        if (!done.ok) return say(error, describeError(done));
        result.replaceChildren();
        result.hidden = true;
        announce("Every link to this conversation is revoked.");
        await load();
      },
    });
    const until = created.data.expires_at ? `It works until ${formatWhen(created.data.expires_at)}.` : "It works until you revoke it.";
    result.replaceChildren(el("p", { class: "hint", text: `Anyone with this link can read this conversation, without logging in. ${until}` }), el("div", { class: "row" }, link, copy, stop));
    result.hidden = false;
    announce("Share link created.");
    await load();
  });

  return {
    load,
    // The share button works when a conversation is open.
    update() {
      button.hidden = currentConversation() === null;
      result.hidden = true;
      result.replaceChildren();
    },
    clear() {
      list.replaceChildren();
      result.replaceChildren();
    },
  };
}
