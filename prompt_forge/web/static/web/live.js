// The user's WebSocket: live pushes of answers, reconnecting with a fresh token when it drops.

import { freshAccessToken } from "./api.js";

const MAX_RETRY_MS = 30000;

export function createLive({ onMessage, onState }) {
  let socket = null;
  let running = false;
  let retryMs = 1000;
  let timer = null;

  async function connect() {
    const token = await freshAccessToken();
    if (!running || !token) {
      onState("off");
      return;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/ws/prompts/?token=${encodeURIComponent(token)}`);
    socket = ws;
    onState("connecting");
    ws.addEventListener("open", () => {
      retryMs = 1000;
      onState("live");
    });
    ws.addEventListener("message", (event) => {
      try {
        onMessage(JSON.parse(event.data));
      } catch {
        // Not JSON: nothing this page understands.
      }
    });
    ws.addEventListener("close", () => {
      if (socket !== ws) return;
      socket = null;
      if (!running) return;
      onState("offline");
      timer = setTimeout(connect, retryMs);
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
      clearTimeout(timer);
      const ws = socket;
      socket = null;
      ws?.close();
      onState("off");
    },
    isOpen() {
      return socket?.readyState === WebSocket.OPEN;
    },
  };
}
