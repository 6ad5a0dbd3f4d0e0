// The invoice draft as plain data: made from the pre-fill answer, edited field by field,
// checked before it is sent, turned into the POST /api/v1/invoices body, and kept in
// sessionStorage per Outlook item so that errors, item switches and reloads lose nothing.

import { lineTotalMinor, minorToDecimal, toMinor } from "./money.js";

export const MODES = ["draft", "deliverable_draft", "send", "publish"];
export const DEFAULT_MODE = "send";
// Cybersource accepts at most 30 line items per invoice; a longer order is drafted whole and
// the merchant combines or removes lines before it can be created.
export const MAX_LINES = 30;
export const TEXT_FIELDS = ["customer.name", "customer.email", "customer.company", "description", "currency", "due_date"];
const STORE_PREFIX = "invoice-draft:v1:";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DESCRIPTION = 2000;

/** A fresh idempotency key (8–255 visible ASCII characters, one per draft). */
export function newIdempotencyKey(random = globalThis.crypto) {
  return `draft-${random.randomUUID()}`;
}

function extractedValue(extracted) {
  return extracted?.value === null || extracted?.value === undefined ? "" : String(extracted.value);
}

function evidenceOf(extracted) {
  return extracted?.source ? { confidence: extracted.confidence ?? 0, source: extracted.source } : null;
}

/** Lines to start from: the extracted ones, else one line for the total the email states. */
function initialLines(prefill) {
  if (prefill.line_items?.length) {
    return prefill.line_items.map((item) => ({
      name: item.name ?? "",
      quantity: String(item.quantity ?? "1"),
      unit_price: String(item.unit_price ?? ""),
    }));
  }
  const total = extractedValue(prefill.total);
  const name = extractedValue(prefill.description) || "";
  return [{ name, quantity: "1", unit_price: total }];
}

function lineEvidence(prefill) {
  const evidence = {};
  if (prefill.line_items?.length) {
    prefill.line_items.forEach((item, index) => {
      const found = evidenceOf(item);
      if (found) evidence[`line_items.${index}`] = found;
    });
  } else if (evidenceOf(prefill.total)) {
    evidence["line_items.0"] = evidenceOf(prefill.total);
  }
  return evidence;
}

/** The draft the pre-fill answer describes, for the item `itemKey` and merchant profile. */
export function draftFromPrefill(prefill, { itemKey, merchantProfileId, random } = {}) {
  const customer = prefill.customer ?? {};
  const sources = {
    "customer.name": customer.name,
    "customer.email": customer.email,
    "customer.company": customer.company,
    description: prefill.description,
    currency: prefill.currency,
    due_date: prefill.due_date,
    total: prefill.total,
  };
  const fields = {};
  const evidence = lineEvidence(prefill);
  for (const [name, extracted] of Object.entries(sources)) {
    if (name !== "total") fields[name] = extractedValue(extracted);
    const found = evidenceOf(extracted);
    if (found) evidence[name] = found;
  }
  return {
    itemKey,
    merchantProfileId: merchantProfileId ?? null,
    idempotencyKey: newIdempotencyKey(random),
    mode: DEFAULT_MODE,
    fields,
    lines: initialLines(prefill),
    evidence,
    references: prefill.references ?? [],
    touched: [],
    attempt: null,
    invoiceId: null,
  };
}

/** The merchant typed into `name` (a field name or "lines"): a new pre-fill keeps it. */
export function markTouched(draft, name) {
  if (!draft.touched.includes(name)) draft.touched.push(name);
}

/** A new pre-fill (another merchant account: other currency and terms) merged into `draft`:
 * whatever the merchant edited stays as they left it. */
export function mergePrefill(draft, fresh) {
  const fields = { ...fresh.fields };
  for (const name of draft.touched) if (name in draft.fields) fields[name] = draft.fields[name];
  return {
    ...draft,
    merchantProfileId: fresh.merchantProfileId,
    fields,
    lines: draft.touched.includes("lines") ? draft.lines : fresh.lines,
    evidence: { ...fresh.evidence },
  };
}

/** The total in minor units, or null while a line is incomplete. */
export function totalMinor(draft, digits) {
  let total = 0n;
  for (const line of draft.lines) {
    const minor = lineTotalMinor(line.quantity, line.unit_price, digits);
    if (minor === null) return null;
    total += minor;
  }
  return total;
}

/** The notice a draft with more lines than Cybersource accepts shows above its items, as
 * {key, params} for strings.js; null when the lines fit. */
export function linesOverLimit(lines) {
  const extra = lines.length - MAX_LINES;
  if (extra <= 0) return null;
  return { key: extra === 1 ? "lines.overLimitOne" : "lines.overLimit", params: { max: MAX_LINES, n: extra } };
}

function lineErrors(line, index, digits) {
  const errors = [];
  const at = (field, key) => errors.push({ field: `line_items.${index}.${field}`, key });
  if (!line.name.trim()) at("name", "error.required");
  const quantity = toMinor(line.quantity, 6);
  if (quantity === null || quantity <= 0n) at("quantity", "error.quantity");
  if (toMinor(line.unit_price, digits) === null) at("unit_price", digits ? "error.amount" : "error.amountWhole");
  return errors;
}

/** What must be fixed before sending: [{field, key, params?}] with `key` a strings.js
 * message key and `params` its placeholders. */
export function validateDraft(draft, digits) {
  const { fields } = draft;
  const errors = [];
  if (!fields["customer.name"].trim()) errors.push({ field: "customer.name", key: "error.required" });
  if (!EMAIL.test(fields["customer.email"].trim())) errors.push({ field: "customer.email", key: "error.email" });
  if (!fields.description.trim()) errors.push({ field: "description", key: "error.required" });
  if (fields.description.length > MAX_DESCRIPTION) errors.push({ field: "description", key: "error.tooLong" });
  if (!/^[A-Z]{3}$/.test(fields.currency)) errors.push({ field: "currency", key: "error.required" });
  if (!ISO_DATE.test(fields.due_date)) errors.push({ field: "due_date", key: "error.date" });
  if (draft.lines.length === 0) errors.push({ field: "line_items", key: "error.noLines" });
  const overLimit = linesOverLimit(draft.lines);
  if (overLimit) errors.push({ field: "line_items", ...overLimit });
  draft.lines.forEach((line, index) => errors.push(...lineErrors(line, index, digits)));
  const total = errors.length ? null : totalMinor(draft, digits);
  if (total !== null && total <= 0n) errors.push({ field: "total", key: "error.zeroTotal" });
  return errors;
}

function quantityValue(text) {
  const minor = toMinor(text, 6);
  return Number(minorToDecimal(minor, 6));
}

/** The POST /api/v1/invoices body for a valid draft. */
export function createBody(draft, { digits, sourceEmail = null }) {
  const { fields } = draft;
  return {
    merchant_profile_id: draft.merchantProfileId,
    mode: draft.mode,
    customer: {
      name: fields["customer.name"].trim(),
      email: fields["customer.email"].trim(),
      company: fields["customer.company"].trim(),
    },
    description: fields.description.trim(),
    line_items: draft.lines.map((line) => ({
      name: line.name.trim(),
      quantity: quantityValue(line.quantity),
      unit_price: minorToDecimal(toMinor(line.unit_price, digits), digits),
    })),
    currency: fields.currency,
    total: minorToDecimal(totalMinor(draft, digits), digits),
    due_date: fields.due_date,
    source_email: sourceEmail,
  };
}

/**
 * The idempotency key to send `body` with. It stays the draft's key — a retry after a timeout
 * or a 5xx must not create a second invoice — and is replaced only when the last attempt was
 * refused outright (4xx: nothing was created) and the merchant changed something since.
 */
export function keyForAttempt(draft, body, random) {
  const json = JSON.stringify(body);
  if (draft.attempt?.refused && draft.attempt.body !== json) draft.idempotencyKey = newIdempotencyKey(random);
  draft.attempt = { body: json, refused: false };
  return draft.idempotencyKey;
}

/** Record how the last attempt ended: `status` 4xx means nothing was created. */
export function attemptEnded(draft, status) {
  if (draft.attempt) draft.attempt.refused = status >= 400 && status < 500 && status !== 409;
}

/** Drafts per Outlook item in `storage` (sessionStorage); failures to store are not fatal. */
export function draftStore(storage) {
  const keyOf = (itemKey) => STORE_PREFIX + itemKey;
  return {
    load(itemKey) {
      try {
        const text = storage?.getItem(keyOf(itemKey));
        return text ? JSON.parse(text) : null;
      } catch {
        return null;
      }
    },
    save(draft) {
      try {
        storage?.setItem(keyOf(draft.itemKey), JSON.stringify(draft));
        return true;
      } catch {
        return false; // full or disabled storage: the draft still lives in memory
      }
    },
    remove(itemKey) {
      try {
        storage?.removeItem(keyOf(itemKey));
      } catch {
        // nothing to do
      }
    },
  };
}
