// Your usage: requests and tokens per day over the last 30 days, by model and by API key.

import { api, describeError } from "./api.js";
import { byId, el, say } from "./dom.js";

const COLUMNS = ["Day", "Requests", "Prompt tokens", "Completion tokens", "Cache hits"];

function row(cells, { header = false, sub = false } = {}) {
  const cell = (text, index) => {
    if (header) return el("th", { scope: "col", text });
    return el(index === 0 ? "th" : "td", index === 0 ? { scope: "row", text: String(text) } : { text: String(text) });
  };
  return el("tr", { class: sub ? "sub" : null }, ...cells.map(cell));
}

function figures(item) {
  return [item.requests, item.prompt_tokens, item.completion_tokens, item.cache_hits];
}

export function setupUsage() {
  const summary = byId("usage-summary");
  const table = byId("usage-table");
  const error = byId("usage-error");

  async function load() {
    const usage = await api("/api/usage?days=30");
    if (!usage.ok) return say(error, describeError(usage));
    say(error, "");
    const totals = usage.data.totals;
    summary.textContent = `Last 30 days: ${totals.requests} requests, ${totals.prompt_tokens + totals.completion_tokens} tokens, ${totals.cache_hits} from the cache.`;
    const body = [];
    for (const day of [...usage.data.days].reverse()) {
      body.push(row([day.date, ...figures(day)]));
      for (const model of day.by_model) body.push(row([`model ${model.model}`, ...figures(model)], { sub: true }));
      for (const key of day.by_key) {
        const who = key.key === null ? "logged in" : `key ${key.name ?? key.key}`;
        body.push(row([who, ...figures(key)], { sub: true }));
      }
    }
    table.replaceChildren(
      el("caption", { class: "visually-hidden", text: "Usage per day" }),
      el("thead", {}, row(COLUMNS, { header: true })),
      el("tbody", {}, ...body),
    );
    table.hidden = body.length === 0;
  }

  return {
    load,
    clear() {
      table.replaceChildren();
      summary.textContent = "";
    },
  };
}
