// The prompt box: send a prompt (a turn of the open conversation), show the answer as it arrives, keep
// the draft until it is answered.

import { api, describeError } from "./api.js";
import { byId, el, holdButton, say } from "./dom.js";
import { promptCard } from "./render.js";

const DRAFT_KEY = "promptforge.draft";
const CACHE_KEY = "promptforge.useCache";

// currentConversation(): the open conversation's id (null: the next prompt starts a new one).
export function setupComposer({ live, onCreated, currentConversation = () => null, beforeSend = () => {} }) {
  const form = byId("prompt-form");
  const input = byId("prompt-input");
  const submit = byId("prompt-submit");
  const error = byId("prompt-error");
  const count = byId("prompt-count");
  const answer = byId("answer");
  const useCache = byId("use-cache");
  const model = byId("prompt-model");
  let busy = false;
  let pending = null;

  useCache.checked = localStorage.getItem(CACHE_KEY) === "true";
  useCache.addEventListener("change", () => localStorage.setItem(CACHE_KEY, String(useCache.checked)));

  const updateCount = () => {
    count.textContent = String(input.value.length);
  };

  // The draft survives reloads, expired sessions and errors: nothing typed is lost.
  input.value = localStorage.getItem(DRAFT_KEY) ?? "";
  updateCount();
  input.addEventListener("input", () => {
    localStorage.setItem(DRAFT_KEY, input.value);
    updateCount();
    if (!error.hidden && input.value.trim()) say(error, "");
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // The answer being generated: the streamed text as it arrives (when streaming), and a timer.
  function showPending(text) {
    const started = performance.now();
    const streamed = el("p", { class: "answer-text" });
    const status = el("p", { class: "answer-status", text: "Generating the answer…" });
    answer.replaceChildren(el("p", { class: "answer-label", text: "Answer" }), el("h3", { class: "prompt-text", text }), streamed, status);
    answer.hidden = false;
    answer.setAttribute("aria-busy", "true"); // screen readers wait for the whole answer
    const timer = setInterval(() => {
      const seconds = Math.round((performance.now() - started) / 1000);
      status.textContent = `${streamed.textContent ? "Streaming" : "Generating the answer…"} ${seconds} s`;
    }, 1000);
    return { text, id: null, streamed, stop: () => clearInterval(timer) };
  }

  // Messages from the user's WebSocket: the stream of the prompt this page is waiting for.
  function onLiveMessage(message) {
    if (!pending) return false;
    if (message.type === "prompt.started" && pending.id === null && message.prompt === pending.text) {
      pending.id = message.id;
      return true;
    }
    if (message.type === "prompt.delta" && message.id === pending.id) {
      pending.streamed.textContent += message.delta;
      return true;
    }
    return message.id !== undefined && message.id === pending.id;
  }

  // Send a prompt: from the box, or an edit / regeneration of a turn (`parent`: the turn it answers).
  async function send({ text, parent, fromBox = false }) {
    if (busy) return;
    busy = true;
    submit.disabled = true;
    say(error, "");
    beforeSend();
    pending = showPending(text);
    // Streamed over the WebSocket when it is open; a cached answer comes at once, so it is not streamed.
    const stream = live.isOpen() && !useCache.checked;
    const body = { prompt: text, send_via_websocket: live.isOpen(), use_cache: useCache.checked, stream };
    if (model.value) body.model = model.value; // else the conversation's model, or the server's default
    const conversation = currentConversation();
    if (conversation !== null) body.conversation = conversation;
    if (parent !== undefined) body.parent = parent;
    const result = await api("/prompts/", { method: "POST", body });
    pending.stop();
    pending = null;
    answer.removeAttribute("aria-busy");
    if (result.ok) {
      answer.replaceChildren(el("p", { class: "answer-label", text: "Answer" }), promptCard(result.data));
      if (fromBox) {
        input.value = "";
        localStorage.removeItem(DRAFT_KEY);
        updateCount();
      }
      await onCreated(result.data); // the thread shows the new turn before the next prompt can be sent
      busy = false;
      submit.disabled = false;
      input.focus();
      return;
    }
    busy = false;
    submit.disabled = false;
    answer.hidden = true;
    answer.replaceChildren();
    // A refused refresh token has already sent the user to the log-in screen, draft kept.
    if (result.status === 401) return;
    say(error, describeError(result));
    // A spent token budget resets in hours: the message says when; a busy server is worth a retry soon.
    if (result.retryAfter && !result.data?.resets_at) holdButton(submit, result.retryAfter);
    // A prompt the model could not answer is still saved; show it in the history.
    if (result.data?.prompt_id) onCreated(null);
    input.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const text = input.value.trim();
    if (!text) {
      say(error, "Write a prompt first.");
      input.focus();
      return;
    }
    await send({ text, fromBox: true });
  });

  // The model picker: every model the server serves (GET /v1/models), the default first.
  async function loadModels() {
    const models = await api("/v1/models");
    if (!models.ok) return;
    const names = models.data.data.map((item) => item.id);
    const chosen = model.value;
    model.replaceChildren(
      el("option", { value: "", text: `Default (${names[0] ?? "the server's"})` }),
      ...names.map((name) => el("option", { value: name, text: name })),
    );
    model.value = names.includes(chosen) ? chosen : "";
  }

  return {
    onLiveMessage,
    send,
    loadModels,
    focus() {
      input.focus();
    },
  };
}
