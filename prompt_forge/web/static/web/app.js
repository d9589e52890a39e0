// Entry point: chooses the screen (log in or workspace) and wires the parts together.

import { api, describeError, onSessionExpired, session } from "./api.js";
import { setupAuth } from "./auth.js";
import { setupCompare } from "./compare.js";
import { setupComposer } from "./compose.js";
import { setupConversations } from "./conversations.js";
import { byId, say } from "./dom.js";
import { setupHistory } from "./history.js";
import { setupKeys } from "./keys.js";
import { createLive } from "./live.js";
import { setupSearch } from "./search.js";
import { setupSharing } from "./sharing.js";
import { setupTemplates } from "./templates.js";
import { setupThread } from "./thread.js";
import { setupUsage } from "./usage.js";

const LIVE_LABELS = { live: "live", connecting: "connecting…", offline: "reconnecting…", off: "offline" };

const notice = byId("notice");
let noticeTimer = null;

function announce(message, { sticky = false } = {}) {
  clearTimeout(noticeTimer);
  say(notice, message);
  if (message && !sticky) noticeTimer = setTimeout(() => say(notice, ""), 6000);
}

const liveStatus = byId("live-status");
const live = createLive({
  onState(state) {
    liveStatus.dataset.state = state;
    liveStatus.textContent = LIVE_LABELS[state] ?? state;
  },
  onMessage(message) {
    if (composer.onLiveMessage(message)) return;
    // A prompt answered elsewhere (another tab or client): show it in the history.
    if (message.type === "prompt.done" && !byId("history-list").querySelector(`[data-prompt-id="${message.id}"]`)) {
      history.showNewest();
    }
  },
});

const TITLE_REFRESH_MS = 8000; // the model writes a new conversation's title in the background

const search = setupSearch({ onOpenConversation: (id, turn) => openConversation(id, turn) });
const history = setupHistory({
  onFindSimilar: (text) => search.run(text),
  onDeleted: (id) => search.forget(id),
  onOpenConversation: (id) => openConversation(id),
  announce,
});
const thread = setupThread({
  onSend: (turn) => composer.send(turn),
  onCompare: (turn) => compare.open(turn),
  onChange: () => sharing.update(),
  announce,
  onTagsChanged: () => {
    search.loadTags();
    conversations.load();
  },
});
const sharing = setupSharing({ currentConversation: () => thread.id(), announce });
const keys = setupKeys({ announce });
const usage = setupUsage();
const compare = setupCompare({
  announce,
  async onCompared() {
    history.showNewest();
    await conversations.load();
    conversations.setOpen(thread.id());
  },
});
const templates = setupTemplates({
  announce,
  async onRan(turn) {
    history.showNewest();
    await thread.open(turn.conversation);
    conversations.setOpen(turn.conversation);
    await conversations.load();
    conversations.setOpen(thread.id());
  },
});
const conversations = setupConversations({
  onOpen: (id) => openConversation(id),
  onNew: () => newConversation(),
  onDeleted: (id) => {
    if (thread.id() === id) newConversation();
    history.showNewest();
  },
  announce,
});
const composer = setupComposer({
  live,
  currentConversation: () => thread.id(),
  beforeSend: () => thread.beforeSend(),
  async onCreated(turn) {
    history.showNewest();
    usage.load();
    if (turn) {
      await thread.open(turn.conversation);
      conversations.setOpen(turn.conversation);
      if (turn.parent === null) setTimeout(refreshTitles, TITLE_REFRESH_MS);
    }
    await conversations.load();
    conversations.setOpen(thread.id());
  },
});

async function refreshTitles() {
  await conversations.load();
  conversations.setOpen(thread.id());
  if (thread.id() !== null) thread.refreshTitle();
}

async function openConversation(id, turn = null) {
  if (await thread.open(id, turn)) {
    conversations.setOpen(id);
    if (turn) return; // the turn is in view and focused
    byId("ask-title").scrollIntoView({ block: "start", behavior: "smooth" });
    composer.focus();
  }
}

function newConversation() {
  thread.reset();
  conversations.setOpen(null);
  composer.focus();
}
const auth = setupAuth({
  onLoggedIn: () => {
    announce("");
    showWorkspace();
  },
});

function showWorkspace() {
  const current = session.load();
  byId("auth-screen").hidden = true;
  byId("workspace").hidden = false;
  byId("account").hidden = false;
  byId("account-name").textContent = current.username;
  history.showNewest();
  thread.reset();
  conversations.load();
  templates.load();
  sharing.load();
  keys.load();
  usage.load();
  composer.loadModels();
  search.loadTags();
  live.start();
  composer.focus();
}

function showAuth(username = "") {
  live.stop();
  history.clear();
  search.clear();
  conversations.clear();
  templates.clear();
  sharing.clear();
  keys.clear();
  usage.clear();
  compare.close();
  thread.reset();
  byId("answer").hidden = true;
  byId("workspace").hidden = true;
  byId("account").hidden = true;
  byId("auth-screen").hidden = false;
  auth.reset(username);
  auth.focus();
}

onSessionExpired(() => {
  const username = session.load()?.username ?? "";
  session.clear();
  showAuth(username);
  announce("Your session has expired. Log in again: your unsent prompt is kept.", { sticky: true });
});

byId("logout").addEventListener("click", async () => {
  const current = session.load();
  // Revoke the refresh token on the server, so a copy of it is worthless; this page forgets both
  // tokens whatever the answer.
  const result = current?.refresh
    ? await api("/api/logout", { method: "POST", auth: false, body: { refresh: current.refresh } })
    : { ok: true };
  session.clear();
  showAuth();
  if (result.ok || result.status === 401) announce("You are logged out.");
  else announce(`You are logged out here, but the server could not end the session: ${describeError(result)}`);
});

if (session.load()?.access) showWorkspace();
else showAuth();
