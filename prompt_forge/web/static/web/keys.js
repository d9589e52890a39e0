// API keys for programs: create one (its secret is shown once, to copy), list them with their last
// use, revoke one. Only a login manages keys, which is what this page holds.

import { api, describeError } from "./api.js";
import { byId, el, formatWhen, say } from "./dom.js";

export function setupKeys({ announce }) {
  const form = byId("key-form");
  const name = byId("key-name");
  const expires = byId("key-expires");
  const daily = byId("key-daily");
  const error = byId("key-error");
  const created = byId("key-created");
  const list = byId("key-list");

  function chosenScopes() {
    return [...form.querySelectorAll("input[name=scope]:checked")].map((box) => box.value);
  }

  async function load() {
    const keys = await api("/api/keys");
    if (!keys.ok) return say(error, describeError(keys));
    const items = keys.data.map((key) => {
      const used = key.last_used_at ? `last used ${formatWhen(key.last_used_at)}` : "never used";
      const until = key.expires_at ? ` · expires ${formatWhen(key.expires_at)}` : "";
      const budget = key.quota_tokens_per_day ? ` · ${key.quota_tokens_per_day} tokens a day` : "";
      const revoke = el("button", {
        type: "button",
        class: "secondary",
        text: "Revoke",
        "aria-label": `Revoke the key ${key.name}`,
        onclick: async () => {
          const done = await api(`/api/keys/${key.id}`, { method: "DELETE" });
          if (!done.ok) return say(error, describeError(done));
          announce(`Key ${key.name} revoked: programs using it are refused from now on.`);
          await load();
        },
      });
      const about = el(
        "div",
        {},
        el("strong", { text: key.name }),
        el("span", { class: "muted", text: ` ${key.prefix}… · ${key.scopes.join(", ")}` }),
        el("p", { class: "hint", text: `created ${formatWhen(key.created_at)} · ${used}${until}${budget}` }),
      );
      return el("li", { class: "key", "data-key-id": String(key.id) }, about, revoke);
    });
    list.replaceChildren(...(items.length ? items : [el("li", { class: "muted", text: "No API keys yet." })]));
  }

  function showSecret(key) {
    const secret = el("input", { type: "text", readonly: true, class: "key-secret", "aria-label": "The new API key", value: key.key });
    const copy = el("button", {
      type: "button",
      class: "secondary",
      text: "Copy",
      onclick: async () => {
        secret.select();
        try {
          await navigator.clipboard.writeText(secret.value);
          announce("Key copied.");
        } catch {
          announce("Select the key and copy it.");
        }
      },
    });
    const done = el("button", {
      type: "button",
      class: "secondary",
      text: "Done",
      onclick: () => {
        created.replaceChildren();
        created.hidden = true;
      },
    });
    const warning = el("p", { class: "hint", text: "Copy it now: it is shown only this once. Send it as Authorization: Bearer <key>, or as the api_key of an OpenAI client." });
    created.replaceChildren(warning, el("div", { class: "row" }, secret, copy, done));
    created.hidden = false;
    secret.focus();
    secret.select();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(error, "");
    const body = { name: name.value.trim(), scopes: chosenScopes() };
    if (!body.name) return say(error, "Give the key a name.");
    if (!body.scopes.length) return say(error, "Choose at least one scope.");
    if (expires.value) body.expires_in_days = Number(expires.value);
    if (daily.value) body.quota_tokens_per_day = Number(daily.value);
    const result = await api("/api/keys", { method: "POST", body });
    if (!result.ok) return say(error, describeError(result));
    form.reset();
    showSecret(result.data);
    announce(`Key ${result.data.name} created.`);
    await load();
  });

  return {
    load,
    clear() {
      list.replaceChildren();
      created.replaceChildren();
      created.hidden = true;
    },
  };
}
