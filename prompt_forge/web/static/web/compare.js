// Side by side: one prompt answered again by other models or template versions (POST /prompts/{id}/compare/),
// each answer with its tokens, time and thumbs.

import { api, describeError } from "./api.js";
import { byId, el, say } from "./dom.js";
import { promptCard } from "./render.js";

function checkbox(name, value, text, checked = false) {
  return el("label", { class: "choice" }, el("input", { type: "checkbox", name, value, checked }), ` ${text}`);
}

function variantName(prompt) {
  const info = prompt.metadata?.extra_info ?? {};
  const model = (prompt.metadata?.model_used ?? "").split("/").pop();
  return [info.template ? `${info.template.name} v${info.template.version}` : null, model].filter(Boolean).join(" · ");
}

export function setupCompare({ onCompared, announce }) {
  const section = byId("compare");
  const body = byId("compare-body");
  const error = byId("compare-error");

  function grid(source, answers) {
    const columns = [source, ...answers].map((prompt, index) =>
      el("div", { class: "compare-column" }, el("p", { class: "compare-variant", text: `${index ? "" : "Compared: "}${variantName(prompt)}` }), promptCard(prompt)),
    );
    return el("div", { class: "compare-grid", role: "list", "aria-label": "Answers side by side" }, ...columns.map((c) => (c.setAttribute("role", "listitem"), c)));
  }

  async function open(turn) {
    say(error, "");
    const template = turn.metadata?.extra_info?.template;
    const [models, versions] = await Promise.all([
      api("/v1/models"),
      template ? api(`/templates/${encodeURIComponent(template.name)}/`) : Promise.resolve(null),
    ]);
    const modelNames = models.ok ? models.data.data.map((model) => model.id) : [];
    const choices = [el("legend", { text: "Answer again with" })];
    for (const name of modelNames) choices.push(checkbox("models", name, name.split("/").pop(), modelNames.length === 1 && !template));
    if (versions?.ok) {
      for (const version of versions.data.versions) {
        if (version.version !== template.version) choices.push(checkbox("template_versions", String(version.version), `${template.name} v${version.version}`, true));
      }
    }
    const submit = el("button", { type: "submit", text: "Compare" });
    const form = el("form", { class: "compare-form", novalidate: true }, el("fieldset", {}, ...choices), submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const picked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((input) => input.value);
      const request = {};
      if (picked("models").length) request.models = picked("models");
      if (picked("template_versions").length) request.template_versions = picked("template_versions").map(Number);
      submit.disabled = true;
      say(error, "");
      const status = el("p", { class: "answer-status", text: "Generating the answers…" });
      form.after(status);
      const result = await api(`/prompts/${turn.id}/compare/`, { method: "POST", body: request });
      status.remove();
      submit.disabled = false;
      if (!result.ok) return say(error, describeError(result));
      body.replaceChildren(form, grid(turn, result.data.answers));
      const count = result.data.answers.length;
      announce(`${count} new answer${count === 1 ? "" : "s"} beside the compared one.`);
      onCompared();
    });
    body.replaceChildren(form);
    section.hidden = false;
    section.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  byId("compare-close").addEventListener("click", () => {
    section.hidden = true;
    body.replaceChildren();
  });

  return { open, close: () => ((section.hidden = true), body.replaceChildren()) };
}
