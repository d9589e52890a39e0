"""Prompt Forge WebSocket client: connect, authenticate, stream one prompt token by token.

    pip install websockets httpx
    BASE_URL=http://localhost:8000 PF_USERNAME=alice PF_PASSWORD=... python websocket_test.py "Your question"

ACCESS=<jwt access token> may replace PF_USERNAME/PF_PASSWORD. The token is sent in the first message, so
it never appears in URLs or access logs. Exits 0 when the streamed answer matches the stored one.
"""

import asyncio
import json
import os
import sys

import httpx
import websockets

BASE_URL = os.environ.get("BASE_URL", "http://localhost:8000").rstrip("/")
WS_URL = BASE_URL.replace("http", "ws", 1) + "/ws/prompts/"


def access_token() -> str:
    if os.environ.get("ACCESS"):
        return os.environ["ACCESS"]
    credentials = {"username": os.environ["PF_USERNAME"], "password": os.environ["PF_PASSWORD"]}
    response = httpx.post(f"{BASE_URL}/api/token", json=credentials)
    response.raise_for_status()
    return response.json()["access"]


async def stream(prompt: str) -> int:
    token = access_token()
    deltas = []
    async with websockets.connect(WS_URL) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        print(json.loads(await ws.recv())["message"], "- streaming:", prompt)
        await ws.send(json.dumps({"type": "prompt", "prompt": prompt}))
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if message.get("type") == "prompt.delta":
                deltas.append(message["delta"])
                print(message["delta"], end="", flush=True)
            elif message.get("type") == "prompt.done":
                break
            elif message.get("type") in {"prompt.failed", "error"}:
                print(f"server error: {message}", file=sys.stderr)
                return 1
    print(f"\n[done] prompt {message['id']}, {len(deltas)} deltas, embedding_length {message['embedding_length']}")
    stored = httpx.get(f"{BASE_URL}/prompts/{message['id']}/", headers={"Authorization": f"Bearer {token}"}).json()
    if "".join(deltas) != message["response"] or stored["response"] != message["response"]:
        print("the streamed text differs from the stored answer", file=sys.stderr)
        return 1
    print("streamed text matches the stored answer")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(stream(sys.argv[1] if len(sys.argv) > 1 else "What is the capital of France?")))
