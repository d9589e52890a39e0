// Thumbs up / down on an answer: PUT /prompts/{id}/feedback/ (pressing the pressed one again takes it back).
// A thumbs-down answer is never reused from the semantic cache.

import { api, describeError } from "./api.js";
import { el } from "./dom.js";

const CHOICES = [
  { rating: 1, text: "▲ Good", label: "Good answer" },
  { rating: -1, text: "▼ Bad", label: "Bad answer (never reused from the cache)" },
];

export function feedbackControl(prompt, { onChange = () => {} } = {}) {
  let rating = prompt.feedback?.rating ?? 0;
  const status = el("span", { class: "feedback-status", role: "status" });
  const buttons = CHOICES.map((choice) =>
    el("button", {
      type: "button",
      class: "secondary thumb",
      "data-rating": String(choice.rating),
      "aria-label": choice.label,
      title: choice.label,
      text: choice.text,
      onclick: () => rate(choice.rating),
    }),
  );

  function show() {
    for (const button of buttons) button.setAttribute("aria-pressed", String(Number(button.dataset.rating) === rating));
  }

  async function rate(value) {
    const taking = value === rating;
    const path = `/prompts/${prompt.id}/feedback/`;
    const result = taking ? await api(path, { method: "DELETE" }) : await api(path, { method: "PUT", body: { rating: value } });
    if (!result.ok) {
      status.textContent = describeError(result);
      return;
    }
    rating = taking ? 0 : value;
    prompt.feedback = taking ? null : result.data;
    status.textContent = taking ? "Rating removed." : "Thanks, rated.";
    show();
    onChange(prompt);
  }

  show();
  return el("div", { class: "feedback", role: "group", "aria-label": "Rate this answer" }, ...buttons, status);
}
