// Prompt Forge WebSocket client: connect, authenticate, stream one prompt token by token.
//
//   npm install            (once, in this folder)
//   BASE_URL=http://localhost:8000 PF_USERNAME=alice PF_PASSWORD=... node websocket_test.js "Your question"
//
// ACCESS=<jwt access token> may replace PF_USERNAME/PF_PASSWORD. The token is sent in the first message,
// so it never appears in URLs or access logs. Exits 0 when the streamed answer matches the stored one.
const WebSocket = require("ws");

const baseUrl = (process.env.BASE_URL || "http://localhost:8000").replace(/\/$/, "");
const wsUrl = baseUrl.replace(/^http/, "ws") + "/ws/prompts/";
const prompt = process.argv[2] || "What is the capital of France?";

async function accessToken() {
  if (process.env.ACCESS) return process.env.ACCESS;
  const response = await fetch(`${baseUrl}/api/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: process.env.PF_USERNAME, password: process.env.PF_PASSWORD }),
  });
  if (!response.ok) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return (await response.json()).access;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

async function main() {
  const token = await accessToken();
  const ws = new WebSocket(wsUrl);
  const deltas = [];
  const timer = setTimeout(() => fail("timed out waiting for the answer"), 120000);

  ws.on("open", () => ws.send(JSON.stringify({ type: "auth", token })));
  ws.on("message", async (data) => {
    const message = JSON.parse(data.toString());
    if (message.message === "WebSocket connection established") {
      console.log("connected; streaming:", prompt);
      ws.send(JSON.stringify({ type: "prompt", prompt }));
    } else if (message.type === "prompt.delta") {
      deltas.push(message.delta);
      process.stdout.write(message.delta);
    } else if (message.type === "prompt.done") {
      clearTimeout(timer);
      console.log(`\n[done] prompt ${message.id}, ${deltas.length} deltas, embedding_length ${message.embedding_length}`);
      ws.close();
      const stored = await fetch(`${baseUrl}/prompts/${message.id}/`, {
        headers: { authorization: `Bearer ${token}` },
      }).then((r) => r.json());
      if (deltas.join("") !== message.response || stored.response !== message.response) {
        fail("the streamed text differs from the stored answer");
      }
      console.log("streamed text matches the stored answer");
    } else if (message.type === "prompt.failed" || message.type === "error") {
      fail(`server error: ${JSON.stringify(message)}`);
    }
  });
  ws.on("error", (err) => fail(`WebSocket error: ${err.message}`));
  ws.on("close", (code) => {
    if (code !== 1000 && code !== 1005) fail(`closed with code ${code}`);
  });
}

main().catch((err) => fail(err.message));
