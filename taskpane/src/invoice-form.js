// The editable invoice draft: customer, items, currency, due date and the running total.
// Each field may carry the email text it came from (shown on demand through "From the
// email") and a "Check" hint when the pre-fill was unsure. Email-derived text only ever
// reaches the page through textContent, value and attributes.

import { h } from "./dom.js";
import { linesOverLimit, markTouched, MAX_LINES, totalMinor } from "./form-state.js";
import { formatMinor, lineTotalMinor } from "./money.js";

// Below this the extractor is guessing: the field says "Check".
const LOW_CONFIDENCE = 0.5;

const idOf = (field) => `field-${field.replace(/\./g, "-")}`;
const errorIdOf = (field) => `error-${field.replace(/\./g, "-")}`;

function evidenceNodes(field, evidence, t) {
  if (!evidence) return { hint: null, quote: null, describedBy: [] };
  const quoteId = `evidence-${field.replace(/\./g, "-")}`;
  const quote = h("p", { className: "evidence", id: quoteId }, t("evidence.quote", { text: evidence.source }));
  const low = evidence.confidence < LOW_CONFIDENCE;
  const hint = low
    ? h("span", { className: "check-hint", title: t("evidence.checkLong") }, t("evidence.check"),
        h("span", { className: "visually-hidden" }, `: ${t("evidence.checkLong")}`))
    : null;
  return { hint, quote, describedBy: [quoteId] };
}

function errorSlot(field) {
  return h("p", { className: "field-error", id: errorIdOf(field), hidden: true });
}

export function createInvoiceForm({ container, t, locale, currencies, onChange }) {
  let draft = null;

  const changed = (name) => {
    markTouched(draft, name);
    clearError(name);
    updateTotals();
    onChange(draft);
  };

  function field(label, name, control) {
    const { hint, quote, describedBy } = evidenceNodes(name, draft.evidence[name], t);
    control.id = idOf(name);
    control.name = name;
    control.setAttribute("aria-describedby", [errorIdOf(name), ...describedBy].join(" "));
    control.addEventListener("input", () => {
      draft.fields[name] = control.value;
      changed(name);
    });
    return h(
      "div",
      { className: "field", dataset: { field: name } },
      h("div", { className: "label-row" }, h("label", { htmlFor: control.id }, label), hint),
      control,
      errorSlot(name),
      quote,
    );
  }

  const textInput = (name, props = {}) => h("input", { type: "text", value: draft.fields[name], ...props });

  function lineRow(line, index) {
    const n = index + 1;
    const prefix = `line_items.${index}`;
    const input = (key, props) => {
      const control = h("input", {
        type: "text",
        value: line[key],
        id: idOf(`${prefix}.${key}`),
        name: `${prefix}.${key}`,
        className: `line-${key.replace("_", "-")}`,
        ...props,
      });
      control.setAttribute("aria-describedby", errorIdOf(`${prefix}.${key}`));
      control.addEventListener("input", () => {
        line[key] = control.value;
        changed("lines");
        clearError(`${prefix}.${key}`);
      });
      return control;
    };
    const { hint, quote } = evidenceNodes(prefix, draft.evidence[prefix], t);
    const label = (key, text) => h("label", { className: "visually-hidden", htmlFor: idOf(`${prefix}.${key}`) }, text);
    return h(
      "li",
      { className: "line-item", dataset: { index } },
      h(
        "div",
        { className: "line-main" },
        label("name", t("line.name", { n })),
        input("name", { autocomplete: "off", placeholder: t("line.name", { n }) }),
        hint,
        h("button", {
          type: "button",
          className: "icon-button line-remove",
          textContent: "✕",
          title: t("line.remove", { n }),
          attrs: { "aria-label": t("line.remove", { n }) },
          onclick: () => removeLine(index),
        }),
      ),
      h(
        "div",
        { className: "line-numbers" },
        label("quantity", t("line.quantity", { n })),
        input("quantity", { inputMode: "decimal" }),
        h("span", { className: "times", attrs: { "aria-hidden": "true" } }, "×"),
        label("unit_price", t("line.unitPrice", { n })),
        input("unit_price", { inputMode: "decimal" }),
        h("output", { className: "line-total", attrs: { "aria-live": "off" } }),
      ),
      errorSlot(`${prefix}.name`),
      errorSlot(`${prefix}.quantity`),
      errorSlot(`${prefix}.unit_price`),
      quote,
    );
  }

  function renderLines() {
    const list = container.querySelector("#line-items");
    list.replaceChildren(...draft.lines.map(lineRow));
    container.querySelector("#add-line").disabled = draft.lines.length >= MAX_LINES;
    const overLimit = linesOverLimit(draft.lines);
    const notice = container.querySelector("#lines-notice");
    notice.textContent = overLimit ? t(overLimit.key, overLimit.params) : "";
    notice.hidden = !overLimit;
    updateTotals();
  }

  function removeLine(index) {
    draft.lines.splice(index, 1);
    renderLines();
    changed("lines");
    const names = container.querySelectorAll(".line-name");
    (names[Math.min(index, names.length - 1)] ?? container.querySelector("#add-line")).focus();
  }

  function addLine() {
    draft.lines.push({ name: "", quantity: "1", unit_price: "" });
    renderLines();
    changed("lines");
    container.querySelector(".line-item:last-child .line-name").focus();
  }

  function updateTotals() {
    const currency = draft.fields.currency;
    const digits = currencies.digits(currency);
    container.querySelectorAll(".line-item").forEach((row, index) => {
      const line = draft.lines[index];
      const minor = lineTotalMinor(line.quantity, line.unit_price, digits);
      row.querySelector(".line-total").textContent = minor === null ? "–" : formatMinor(minor, currency, digits, locale);
    });
    const total = totalMinor(draft, digits);
    container.querySelector("#invoice-total").textContent =
      total === null ? "–" : formatMinor(total, currency, digits, locale);
  }

  function currencySelect() {
    const current = draft.fields.currency;
    const codes = currencies.codes.includes(current) || !current ? currencies.codes : [current, ...currencies.codes];
    return h(
      "select",
      {},
      codes.map((code) => h("option", { value: code, selected: code === current, title: currencies.name(code, locale) }, code)),
    );
  }

  function references() {
    if (!draft.references.length) return null;
    const label = (kind) => (["order", "po", "quote"].includes(kind) ? t(`ref.${kind}`) : kind);
    return h(
      "div",
      { className: "references evidence" },
      h("span", { className: "label" }, t("references.label")),
      h("ul", {}, draft.references.map((ref) => h("li", { title: ref.source || "" }, `${label(ref.kind)} ${ref.value}`))),
    );
  }

  function render(next) {
    draft = next;
    container.replaceChildren(
      h(
        "fieldset",
        {},
        h("legend", {}, t("legend.customer")),
        field(t("field.name"), "customer.name", textInput("customer.name", { autocomplete: "off" })),
        field(t("field.email"), "customer.email", textInput("customer.email", { type: "email", autocomplete: "off" })),
        field(t("field.company"), "customer.company", textInput("customer.company", { autocomplete: "off" })),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, t("legend.billing")),
        field(t("field.description"), "description", h("textarea", { rows: 2, value: draft.fields.description })),
        h(
          "div",
          { className: "field", dataset: { field: "line_items" } },
          h("span", { className: "label", id: "lines-label" }, t("lines.label")),
          h("p", { className: "lines-notice", id: "lines-notice", hidden: true, attrs: { role: "status" } }),
          h("ol", { className: "line-items", id: "line-items", attrs: { "aria-labelledby": "lines-label" } }),
          errorSlot("line_items"),
          h("button", { type: "button", className: "button button-small", id: "add-line", textContent: `+ ${t("lines.add")}`, onclick: addLine }),
        ),
        h(
          "div",
          { className: "field-row" },
          field(t("field.currency"), "currency", currencySelect()),
          field(t("field.dueDate"), "due_date", h("input", { type: "date", value: draft.fields.due_date })),
        ),
        h(
          "div",
          { className: "total", dataset: { field: "total" } },
          h("span", { id: "total-label" }, t("total.label")),
          h("output", { className: "total-amount", id: "invoice-total", attrs: { "aria-labelledby": "total-label" } }),
        ),
        errorSlot("total"),
        references(),
      ),
    );
    container.querySelector(`#${idOf("currency")}`).addEventListener("change", updateTotals);
    renderLines();
  }

  function clearError(name) {
    const slot = container.querySelector(`#${errorIdOf(name)}`);
    if (!slot || slot.hidden) return;
    slot.hidden = true;
    slot.textContent = "";
    container.querySelector(`#${idOf(name)}`)?.removeAttribute("aria-invalid");
  }

  /** Messages next to their fields ([{field, message}]); returns those with no field here. */
  function showErrors(errors) {
    const unplaced = [];
    for (const { field: name, message } of errors) {
      const slot = container.querySelector(`#${errorIdOf(name)}`);
      if (!slot) {
        unplaced.push({ field: name, message });
        continue;
      }
      slot.textContent = message;
      slot.hidden = false;
      container.querySelector(`#${idOf(name)}`)?.setAttribute("aria-invalid", "true");
    }
    const first = container.querySelector('[aria-invalid="true"]');
    first?.focus();
    return unplaced;
  }

  function clearErrors() {
    for (const slot of container.querySelectorAll(".field-error:not([hidden])")) {
      slot.hidden = true;
      slot.textContent = "";
    }
    for (const control of container.querySelectorAll('[aria-invalid="true"]')) control.removeAttribute("aria-invalid");
  }

  return { render, showErrors, clearErrors };
}
