// Templates: write one, add versions, move labels (moving back is the rollback), see a diff between
// versions, and run a version (or a label) with its variables filled in.

import { api, describeError } from "./api.js";
import { byId, el, formatWhen, say } from "./dom.js";

export function setupTemplates({ onRan, announce }) {
  const form = byId("template-form");
  const error = byId("template-error");
  const list = byId("template-list");
  const detail = byId("template-detail");
  let open = null; // GET /templates/{name}/

  const path = (name, rest = "") => `/templates/${encodeURIComponent(name)}/${rest}`;

  async function load() {
    const result = await api("/templates/?limit=100");
    if (!result.ok) return say(error, describeError(result));
    list.replaceChildren(
      ...result.data.results.map((template) =>
        el(
          "li",
          {},
          el("button", {
            type: "button",
            class: "link template-open",
            text: `${template.name} (v${template.latest_version})`,
            "aria-current": open?.name === template.name ? "true" : null,
            onclick: () => show(template.name),
          }),
        ),
      ),
    );
    if (!result.data.results.length) list.replaceChildren(el("li", { class: "muted", text: "No templates yet." }));
  }

  async function show(name) {
    const result = await api(path(name));
    if (!result.ok) return say(error, describeError(result));
    open = result.data;
    say(error, "");
    render();
    await load();
  }

  function versionOptions(select, { withLabels = false, chosen = null } = {}) {
    const options = [];
    if (withLabels) {
      for (const [label, number] of Object.entries(open.labels)) {
        options.push(el("option", { value: `label:${label}`, text: `${label} (v${number})` }));
      }
    }
    for (const version of [...open.versions].reverse()) {
      options.push(el("option", { value: String(version.version), text: `v${version.version}` }));
    }
    select.replaceChildren(...options);
    if (chosen !== null) select.value = String(chosen);
  }

  function chosenVersion(value) {
    if (value.startsWith("label:")) {
      const label = value.slice(6);
      return { label, version: open.versions.find((v) => v.version === open.labels[label]) };
    }
    const number = Number(value);
    return { number, version: open.versions.find((v) => v.version === number) };
  }

  function runForm() {
    const select = el("select", { id: "run-version", "aria-label": "Version to run" });
    versionOptions(select, { withLabels: true });
    const fields = el("div", { class: "variables" });
    const status = el("p", { class: "form-error", role: "alert", hidden: true });
    const showFields = () => {
      const { version } = chosenVersion(select.value);
      fields.replaceChildren(
        ...(version?.variables ?? []).map((name) =>
          el("label", { class: "variable" }, `${name} `, el("input", { name, "data-variable": name, "aria-label": `Variable ${name}` })),
        ),
      );
    };
    select.addEventListener("change", showFields);
    showFields();
    const run = el("button", { type: "submit", text: "Run" });
    const runner = el("form", { class: "template-run", novalidate: true }, el("h4", { text: "Run" }), select, fields, status, run);
    runner.addEventListener("submit", async (event) => {
      event.preventDefault();
      const variables = {};
      for (const input of fields.querySelectorAll("input")) variables[input.dataset.variable] = input.value;
      const { label, number } = chosenVersion(select.value);
      const body = { template: open.name, variables, ...(label ? { label } : { version: number }) };
      run.disabled = true;
      say(status, "");
      const result = await api("/prompts/", { method: "POST", body });
      run.disabled = false;
      if (!result.ok) return say(status, describeError(result));
      announce(`Ran ${open.name} v${result.data.metadata.extra_info.template.version}.`);
      await onRan(result.data);
    });
    return runner;
  }

  function versionForm() {
    const latest = open.versions.at(-1);
    const box = el("textarea", { rows: "3", "aria-label": "Content of the new version" });
    box.value = latest.content;
    const status = el("p", { class: "form-error", role: "alert", hidden: true });
    const add = el("form", { class: "template-version", novalidate: true }, el("h4", { text: "New version" }), box, status, el("button", { type: "submit", class: "secondary", text: "Save as new version" }));
    add.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await api(path(open.name, "versions/"), { method: "POST", body: { content: box.value } });
      if (!result.ok) return say(status, describeError(result));
      announce(`Saved ${open.name} v${result.data.version}.`);
      await show(open.name);
    });
    return add;
  }

  function labelForm() {
    const name = el("input", { value: "production", "aria-label": "Label", class: "label-name" });
    const select = el("select", { "aria-label": "Version for the label" });
    versionOptions(select);
    const status = el("p", { class: "form-error", role: "alert", hidden: true });
    const setLabel = el("form", { class: "template-label", novalidate: true }, el("h4", { text: "Label" }), name, select, el("button", { type: "submit", class: "secondary", text: "Point label here" }), status);
    setLabel.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await api(path(open.name, `labels/${encodeURIComponent(name.value.trim())}/`), { method: "PUT", body: { version: Number(select.value) } });
      if (!result.ok) return say(status, describeError(result));
      announce(`${result.data.label} now points at v${result.data.version}.`);
      await show(open.name);
    });
    return setLabel;
  }

  function diffForm() {
    const from = el("select", { "aria-label": "Diff from version" });
    const to = el("select", { "aria-label": "Diff to version" });
    versionOptions(from, { chosen: Math.max(1, open.latest_version - 1) });
    versionOptions(to, { chosen: open.latest_version });
    const output = el("pre", { class: "diff", hidden: true });
    const diff = el("form", { class: "template-diff", novalidate: true }, el("h4", { text: "Diff" }), from, to, el("button", { type: "submit", class: "secondary", text: "Show diff" }), output);
    diff.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await api(`${path(open.name, "diff/")}?from=${from.value}&to=${to.value}`);
      output.hidden = false;
      output.textContent = result.ok ? result.data.diff || "(no difference)" : describeError(result);
    });
    return diff;
  }

  function render() {
    if (!open) {
      detail.hidden = true;
      return detail.replaceChildren();
    }
    const labels = Object.entries(open.labels).map(([label, number]) => `${label} → v${number}`).join(", ");
    const versions = el(
      "ol",
      { class: "template-versions" },
      ...open.versions.map((version) =>
        el("li", {}, el("strong", { text: `v${version.version}` }), ` ${formatWhen(version.created_at)}`, el("pre", { class: "template-content", text: version.content })),
      ),
    );
    detail.replaceChildren(
      el("h3", { text: open.name }),
      el("p", { class: "muted template-labels", text: labels ? `Labels: ${labels}` : "No labels yet." }),
      versions,
      runForm(),
      versionForm(),
      labelForm(),
      diffForm(),
    );
    detail.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { name: data.get("name").trim(), content: data.get("content") };
    if (data.get("system").trim()) body.system = data.get("system").trim();
    const result = await api("/templates/", { method: "POST", body });
    if (!result.ok) return say(error, describeError(result));
    form.reset();
    announce(`Template ${result.data.name} created.`);
    await show(result.data.name);
  });

  return {
    load,
    // The versions of a template, for comparisons: [] when it is not one of the user's.
    async versions(name) {
      const result = await api(path(name));
      return result.ok ? result.data.versions.map((v) => v.version) : [];
    },
    clear() {
      open = null;
      list.replaceChildren();
      render();
    },
  };
}
