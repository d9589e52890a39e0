// Ask before deleting, in place rather than in a pop-up: keyboard focus stays on the entry.

import { api, describeError } from "./api.js";
import { el, say } from "./dom.js";

// Replace the entry's action buttons with a question, "Yes, delete" and "Cancel". On yes, DELETE `url`
// (a 404 counts as done: someone deleted it already), then call `deleted()`; on failure, show the error
// in `error` and put the buttons back.
export function confirmDeleteInPlace(row, { question, url, error, deleted }) {
  const actions = row.querySelector(".actions");
  const original = [...actions.childNodes];
  const cancel = () => {
    actions.replaceChildren(...original);
    actions.querySelector("button.danger").focus();
  };
  const confirm = el("button", {
    type: "button",
    class: "danger",
    text: "Yes, delete",
    onclick: async () => {
      confirm.disabled = true;
      const result = await api(url, { method: "DELETE" });
      if (!result.ok && result.status !== 404) {
        say(error, describeError(result));
        cancel();
        return;
      }
      await deleted();
    },
  });
  actions.replaceChildren(
    el("span", { class: "confirm-text", text: question }),
    confirm,
    el("button", { type: "button", class: "secondary", text: "Cancel", onclick: cancel }),
  );
  confirm.focus();
}
