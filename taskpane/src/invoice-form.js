// The editable invoice draft: filled from /api/v1/prefill, each field with a "why" hint that
// quotes the email text it came from. All email-derived text goes through textContent/value.

import { h } from "./dom.js";
import { formatMinor, lineTotalMinor, minorDigits } from "./money.js";

// Below this the extractor is guessing: the hint asks the user to check the field.
const LOW_CONFIDENCE = 0.5;
const COMMON_CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "INR", "JPY", "CHF", "SGD", "NZD"];
const REFERENCE_LABELS = { order: "Order", po: "PO", quote: "Quote" };

function currencyCodes(selected) {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("currency") : [];
  const codes = [...COMMON_CURRENCIES, ...known.filter((code) => !COMMON_CURRENCIES.includes(code))];
  return codes.includes(selected) ? codes : [selected, ...codes];
}

/** "From the email: “…”", or null when the value did not come from the email. */
function whyHint(extracted) {
  if (!extracted?.source) return null;
  const low = extracted.confidence < LOW_CONFIDENCE;
  return h(
    "p",
    { className: low ? "why why-low" : "why" },
    low ? "Please check. Found in the email: " : "From the email: ",
    h("q", {}, extracted.source),
  );
}

function field(label, name, control, extracted) {
  control.id = `field-${name.replace(".", "-")}`;
  control.name = name;
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: control.id }, label),
    control,
    whyHint(extracted),
  );
}

function textInput(extracted, props = {}) {
  return h("input", { type: "text", value: extracted?.value ?? "", ...props });
}

function numberInput(value, className, label) {
  return h("input", {
    type: "text",
    inputMode: "decimal",
    value: value ?? "",
    className,
    attrs: { "aria-label": label },
  });
}

function lineItemRow(item, onChange) {
  const row = h(
    "li",
    { className: "line-item" },
    h("input", {
      type: "text",
      value: item.name ?? "",
      className: "line-name",
      placeholder: "Item or service",
      attrs: { "aria-label": "Item" },
    }),
    h(
      "div",
      { className: "line-numbers" },
      numberInput(item.quantity ?? "1", "line-quantity", "Quantity"),
      h("span", { className: "times", attrs: { "aria-hidden": "true" } }, "×"),
      numberInput(item.unit_price, "line-unit-price", "Unit price"),
      h("output", { className: "line-total" }),
      h("button", {
        type: "button",
        className: "icon-button line-remove",
        title: "Remove line",
        textContent: "✕",
        attrs: { "aria-label": "Remove line" },
        onclick: () => {
          row.remove();
          onChange();
        },
      }),
    ),
    whyHint(item),
  );
  row.addEventListener("input", onChange);
  return row;
}

/** Lines to start from: the extracted ones, else one line for the total the email states. */
function initialLineItems(draft) {
  if (draft.line_items?.length) return draft.line_items;
  const total = draft.total;
  if (!total?.value) return [{ name: "", quantity: "1", unit_price: "" }];
  const { confidence, source } = total;
  const name = draft.description?.value || "Amount due";
  return [{ name, quantity: "1", unit_price: String(total.value), confidence, source }];
}

function totalsUpdater(lines, currencySelect, totalOutput, locale) {
  return () => {
    const currency = currencySelect.value;
    const digits = minorDigits(currency);
    let total = 0n;
    let complete = true;
    for (const row of lines.querySelectorAll(".line-item")) {
      const quantity = row.querySelector(".line-quantity").value;
      const minor = lineTotalMinor(quantity, row.querySelector(".line-unit-price").value, digits);
      row.querySelector(".line-total").textContent =
        minor === null ? "–" : formatMinor(minor, currency, locale);
      if (minor === null) complete = false;
      else total += minor;
    }
    totalOutput.textContent = complete ? formatMinor(total, currency, locale) : "–";
  };
}

function referencesList(references) {
  if (!references?.length) return null;
  return h(
    "div",
    { className: "references" },
    h("span", { className: "label" }, "References in the email"),
    h(
      "ul",
      {},
      references.map((ref) =>
        h("li", { title: ref.source || "" }, `${REFERENCE_LABELS[ref.kind] || ref.kind} ${ref.value}`),
      ),
    ),
  );
}

/** Replace `form`'s content with the draft's fields; the total follows every edit. */
export function renderInvoiceForm(form, draft, { locale }) {
  const customer = draft.customer || {};
  const currency = draft.currency?.value || "USD";
  const currencySelect = h(
    "select",
    {},
    currencyCodes(currency).map((code) =>
      h("option", { value: code, selected: code === currency }, code),
    ),
  );
  const totalOutput = h("output", { className: "total-amount", id: "invoice-total" });
  const lines = h("ol", { className: "line-items", id: "line-items" });
  const recompute = totalsUpdater(lines, currencySelect, totalOutput, locale);
  const items = initialLineItems(draft);
  lines.append(...items.map((item) => lineItemRow(item, recompute)));
  currencySelect.addEventListener("change", recompute);

  const addLine = h("button", {
    type: "button",
    className: "button button-small",
    id: "add-line",
    textContent: "+ Add line",
    onclick: () => {
      const row = lineItemRow({ quantity: "1" }, recompute);
      lines.append(row);
      recompute();
      row.querySelector(".line-name").focus();
    },
  });

  form.replaceChildren(
    h(
      "fieldset",
      {},
      h("legend", {}, "Customer"),
      field("Name", "customer.name", textInput(customer.name, { autocomplete: "off" }), customer.name),
      field("Email", "customer.email", textInput(customer.email, { type: "email" }), customer.email),
      field("Company", "customer.company", textInput(customer.company), customer.company),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "What you are billing"),
      field(
        "Description",
        "description",
        h("textarea", { rows: 2, value: draft.description?.value ?? "" }),
        draft.description,
      ),
      h("div", { className: "field" }, h("span", { className: "label" }, "Line items"), lines, addLine),
      h(
        "div",
        { className: "field-row" },
        field("Currency", "currency", currencySelect, draft.currency),
        field("Due date", "due_date", h("input", { type: "date", value: draft.due_date?.value ?? "" }), draft.due_date),
      ),
    ),
    h("div", { className: "total" }, h("span", {}, "Total"), totalOutput),
    // When lines were found, the total the email states is a separate check on them.
    draft.line_items?.length ? whyHint(draft.total) : null,
    referencesList(draft.references),
  );
  recompute();
}
