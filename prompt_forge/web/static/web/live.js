// The user's WebSocket: streamed answers and live pushes, kept open across access-token renewals.

import { freshAccessToken, secondsLeft } from "./api.js";

const MAX_RETRY_MS = 30000;
const RENEW_BEFORE_S = 20; // renew a little before the access token expires (the server closes then)
const CONNECTED = "WebSocket connection established";

export function createLive({ onMessage, onState }) {
  let socket = null;
  let ready = false;
  let running = false;
  let retryMs = 1000;
  let retryTimer = null;
  let renewTimer = null;

  // The token goes in the first message rather than the URL, which would end up in access logs.
  async function authenticate(ws) {
    const token = await freshAccessToken();
    if (!token || socket !== ws) return;
    ws.send(JSON.stringify({ type: "auth", token }));
    clearTimeout(renewTimer);
    renewTimer = setTimeout(() => authenticate(ws), Math.max(5, secondsLeft(token) - RENEW_BEFORE_S) * 1000);
  }

  async function connect() {
    const token = await freshAccessToken();
    if (!running || !token) {
      onState("off");
      return;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/ws/prompts/`);
    socket = ws;
    ready = false;
    onState("connecting");
    ws.addEventListener("open", () => authenticate(ws));
    ws.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // not JSON: nothing this page understands
      }
      if (message.message === CONNECTED) {
        ready = true;
        retryMs = 1000;
        onState("live");
        return;
      }
      onMessage(message);
    });
    ws.addEventListener("close", () => {
      if (socket !== ws) return;
      socket = null;
      ready = false;
      clearTimeout(renewTimer);
      if (!running) return;
      onState("offline");
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      connect();
    },
    stop() {
      running = false;
      clearTimeout(retryTimer);
      clearTimeout(renewTimer);
      const ws = socket;
      socket = null;
      ready = false;
      ws?.close();
      onState("off");
    },
    isOpen() {
      return ready && socket?.readyState === WebSocket.OPEN;
    },
  };
}
