// JSON calls to the Prompt Forge API. Keeps the user's tokens, refreshes the access token silently.

const SESSION_KEY = "promptforge.session";
const REFRESH_MARGIN_S = 30;

export const session = {
  load() {
    try {
      return JSON.parse(localStorage.getItem(SESSION_KEY));
    } catch {
      return null;
    }
  },
  save(value) {
    localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  },
  clear() {
    localStorage.removeItem(SESSION_KEY);
  },
};

let expiredHandler = () => {};

// Called when the refresh token itself is refused: the user has to log in again.
export function onSessionExpired(handler) {
  expiredHandler = handler;
}

// Every call resolves (never throws) to {ok, status, data, retryAfter}; status 0 means no answer at all.
async function send(path, { method = "GET", body, token } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, data: null, retryAfter: null };
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  const retryAfter = response.headers.get("Retry-After");
  return { ok: response.ok, status: response.status, data, retryAfter: retryAfter === null ? null : Number(retryAfter) };
}

export function secondsLeft(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp - Date.now() / 1000;
  } catch {
    return 0;
  }
}

let refreshing = null;

async function exchangeRefreshToken(staleAccess) {
  const current = session.load();
  if (!current?.refresh) return { ok: false, status: 401, data: null };
  // Another tab shares this storage: if it has refreshed meanwhile, its tokens are ours too.
  if (current.access !== staleAccess && secondsLeft(current.access) > REFRESH_MARGIN_S) {
    return { ok: true, status: 200, data: null };
  }
  const result = await send("/api/token/refresh", { method: "POST", body: { refresh: current.refresh } });
  if (result.ok) {
    // With refresh-token rotation the server also hands back a new refresh token.
    session.save({ ...session.load(), access: result.data.access, refresh: result.data.refresh ?? current.refresh });
  } else if (result.status === 401 || result.status === 400) {
    const latest = session.load();
    if (latest?.refresh && latest.refresh !== current.refresh) return { ok: true, status: 200, data: null };
    expiredHandler();
  }
  return result;
}

// One refresh at a time, across this page's requests and (where the browser has Web Locks) across
// tabs: a rotated refresh token may be used only once.
export function refreshAccess(staleAccess = session.load()?.access) {
  const exchange = () => exchangeRefreshToken(staleAccess);
  refreshing ??= (navigator.locks ? navigator.locks.request("promptforge-token-refresh", exchange) : exchange()).finally(
    () => {
      refreshing = null;
    },
  );
  return refreshing;
}

// An access token good for at least a little while (the WebSocket handshake checks it once).
export async function freshAccessToken() {
  const current = session.load();
  if (!current) return null;
  if (secondsLeft(current.access) > REFRESH_MARGIN_S) return current.access;
  const result = await refreshAccess(current.access);
  return result.ok ? session.load()?.access ?? null : null;
}

export async function api(path, { auth = true, ...options } = {}) {
  if (!auth) return send(path, options);
  const token = await freshAccessToken();
  let result = await send(path, { ...options, token });
  if (result.status === 401 && session.load()) {
    const refreshed = await refreshAccess(token);
    if (refreshed.ok) result = await send(path, { ...options, token: session.load().access });
  }
  return result;
}

function sentence(text) {
  const trimmed = String(text).trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

// Field errors as DRF returns them: {"field": ["message", ...]} -> "field: message".
export function fieldMessages(data) {
  if (!data || typeof data !== "object") return [];
  return Object.entries(data)
    .filter(([, value]) => Array.isArray(value))
    .map(([field, value]) => [field, value.join(" ")]);
}

// A plain-language message for any failed call.
export function describeError(result) {
  const { status, data, retryAfter } = result;
  const wait = retryAfter ? ` Try again in ${plural(retryAfter, "second")}.` : "";
  if (status === 0) return "Cannot reach the server. Check your connection and try again.";
  if (status === 429) return `Too many requests: the server limits how fast you can send.${wait || " Try again shortly."}`;
  if (status >= 502 && status <= 504) {
    // Model unavailable (503), inference server failed (502) or timed out (504): the prompt is kept.
    const saved = data?.prompt_id ? ` (prompt #${data.prompt_id} is in your history, with a Retry button)` : "";
    const reason = data?.error ? sentence(data.error).replace(/\.$/, `${saved}.`) : "The server is unavailable.";
    return `${reason}${wait}`;
  }
  if (data?.error) return sentence(data.error);
  if (data?.detail) return sentence(data.detail);
  const fields = fieldMessages(data);
  if (fields.length) return fields.map(([field, message]) => `${field}: ${message}`).join(" ");
  if (status >= 500) return `The server had a problem (HTTP ${status}). Try again.`;
  return `Request failed (HTTP ${status}).`;
}
