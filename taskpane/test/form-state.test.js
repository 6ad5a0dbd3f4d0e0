import assert from "node:assert/strict";
import { test } from "node:test";

import {
  attemptEnded,
  createBody,
  draftFromPrefill,
  draftStore,
  keyForAttempt,
  linesOverLimit,
  markTouched,
  MAX_LINES,
  mergePrefill,
  totalMinor,
  validateDraft,
} from "../src/form-state.js";
import { createStrings } from "../src/strings.js";

const PREFILL = {
  customer: {
    name: { value: "Carla Customer", confidence: 0.9, source: "Carla Customer" },
    email: { value: "carla@acme.example", confidence: 0.99, source: "carla@acme.example" },
    company: { value: "Acme Corp", confidence: 0.4, source: "Acme Corp" },
  },
  description: { value: "Website redesign", confidence: 0.7, source: "Invoice request: website redesign" },
  line_items: [
    { name: "Logo design", quantity: "2", unit_price: "450.00", confidence: 0.8, source: "2 x Logo design at $450.00" },
    { name: "Hosting", quantity: "1", unit_price: "120.00", confidence: 0.8, source: "1 x Hosting at $120.00" },
  ],
  total: { value: "1020.00", confidence: 0.9, source: "Total $1,020.00" },
  currency: { value: "USD", confidence: 0.9, source: "$" },
  due_date: { value: "2026-12-15", confidence: 0.8, source: "due by December 15, 2026" },
  references: [{ kind: "po", value: "4471", confidence: 0.9, source: "PO 4471" }],
};

let counter = 0;
const random = { randomUUID: () => `uuid-${++counter}` };
const fresh = (overrides = {}) => ({
  ...draftFromPrefill(PREFILL, { itemKey: "read:1", merchantProfileId: "m1", random }),
  ...overrides,
});

test("a draft holds the pre-filled values and where each came from", () => {
  const draft = fresh();
  assert.equal(draft.fields["customer.email"], "carla@acme.example");
  assert.equal(draft.fields.due_date, "2026-12-15");
  assert.deepEqual(draft.lines[0], { name: "Logo design", quantity: "2", unit_price: "450.00" });
  assert.deepEqual(draft.evidence["customer.company"], { confidence: 0.4, source: "Acme Corp" });
  assert.equal(draft.evidence["line_items.1"].source, "1 x Hosting at $120.00");
  assert.equal(draft.mode, "send");
  assert.match(draft.idempotencyKey, /^draft-uuid-\d+$/);
  assert.equal(totalMinor(draft, 2), 102000n);
});

test("without line items the stated total becomes one line", () => {
  const draft = draftFromPrefill({ ...PREFILL, line_items: [] }, { itemKey: "k", random });
  assert.deepEqual(draft.lines, [{ name: "Website redesign", quantity: "1", unit_price: "1020.00" }]);
  assert.equal(draft.evidence["line_items.0"].source, "Total $1,020.00");
});

test("validation names each bad field with a message key", () => {
  const draft = fresh();
  draft.fields["customer.email"] = "carla at acme";
  draft.fields.due_date = "";
  draft.lines[0].unit_price = "4.505";
  draft.lines[1].quantity = "0";
  draft.lines[1].name = " ";
  assert.deepEqual(validateDraft(draft, 2), [
    { field: "customer.email", key: "error.email" },
    { field: "due_date", key: "error.date" },
    { field: "line_items.0.unit_price", key: "error.amount" },
    { field: "line_items.1.name", key: "error.required" },
    { field: "line_items.1.quantity", key: "error.quantity" },
  ]);
  assert.deepEqual(validateDraft(fresh(), 2), []);
  const yen = fresh();
  yen.lines[0].unit_price = "450.50";
  assert.deepEqual(validateDraft(yen, 0), [{ field: "line_items.0.unit_price", key: "error.amountWhole" }]);
  const empty = fresh({ lines: [] });
  assert.deepEqual(validateDraft(empty, 2), [{ field: "line_items", key: "error.noLines" }]);
});

test("a long order keeps every line and cannot be created until it fits Cybersource's limit", () => {
  const item = (n) => ({ name: `Part ${n}`, quantity: "1", unit_price: "2.00", confidence: 0.8, source: `Part ${n}` });
  const long = { ...PREFILL, line_items: Array.from({ length: MAX_LINES + 4 }, (_, n) => item(n)) };
  const draft = draftFromPrefill(long, { itemKey: "k", merchantProfileId: "m1", random });
  assert.equal(draft.lines.length, 34);
  assert.equal(draft.evidence["line_items.33"].source, "Part 33");
  assert.equal(totalMinor(draft, 2), 6800n);
  const notice = { key: "lines.overLimit", params: { max: 30, n: 4 } };
  assert.deepEqual(linesOverLimit(draft.lines), notice);
  assert.deepEqual(validateDraft(draft, 2), [{ field: "line_items", ...notice }]);
  const t = createStrings("en");
  assert.equal(t(notice.key, notice.params), "Cybersource accepts 30 lines per invoice; combine or remove 4 lines.");

  draft.lines.splice(0, 3);
  assert.deepEqual(linesOverLimit(draft.lines), { key: "lines.overLimitOne", params: { max: 30, n: 1 } });
  assert.equal(createStrings("en")("lines.overLimitOne", { max: 30, n: 1 }), "Cybersource accepts 30 lines per invoice; combine or remove 1 line.");
  draft.lines.splice(0, 1);
  assert.equal(linesOverLimit(draft.lines), null);
  assert.deepEqual(validateDraft(draft, 2), []);
});

test("the create body has decimal strings, the exact total and the source email", () => {
  const draft = fresh({ mode: "publish" });
  draft.lines[1].unit_price = "0,10";
  draft.lines[1].quantity = "3";
  const source = { item_id: "AAMk", conversation_id: "c", internet_message_id: "<m@x>", subject: "s" };
  assert.deepEqual(createBody(draft, { digits: 2, sourceEmail: source }), {
    merchant_profile_id: "m1",
    mode: "publish",
    customer: { name: "Carla Customer", email: "carla@acme.example", company: "Acme Corp" },
    description: "Website redesign",
    line_items: [
      { name: "Logo design", quantity: 2, unit_price: "450.00" },
      { name: "Hosting", quantity: 3, unit_price: "0.10" },
    ],
    currency: "USD",
    total: "900.30",
    due_date: "2026-12-15",
    source_email: source,
  });
});

test("the idempotency key survives retries and changes only after a refusal and an edit", () => {
  const draft = fresh();
  const first = draft.idempotencyKey;
  const body = createBody(draft, { digits: 2 });
  assert.equal(keyForAttempt(draft, body, random), first);
  attemptEnded(draft, 503); // may have been created: the retry must reuse the key
  const edited = { ...body, total: "1.00" };
  assert.equal(keyForAttempt(draft, edited, random), first);
  attemptEnded(draft, 409);
  assert.equal(keyForAttempt(draft, edited, random), first);
  attemptEnded(draft, 422); // refused: nothing was created
  assert.equal(keyForAttempt(draft, edited, random), first, "same body again keeps the key");
  attemptEnded(draft, 400);
  const second = keyForAttempt(draft, body, random);
  assert.notEqual(second, first);
});

test("changing merchant account keeps what the merchant typed", () => {
  const draft = fresh();
  draft.fields["customer.name"] = "Carla C.";
  markTouched(draft, "customer.name");
  draft.lines[0].unit_price = "500";
  markTouched(draft, "lines");
  const other = draftFromPrefill(
    { ...PREFILL, currency: { value: "EUR" }, due_date: { value: "2027-01-05" } },
    { itemKey: "read:1", merchantProfileId: "m2", random },
  );
  const merged = mergePrefill(draft, other);
  assert.equal(merged.merchantProfileId, "m2");
  assert.equal(merged.fields["customer.name"], "Carla C.");
  assert.equal(merged.fields.currency, "EUR");
  assert.equal(merged.fields.due_date, "2027-01-05");
  assert.equal(merged.lines[0].unit_price, "500");
  assert.equal(merged.idempotencyKey, draft.idempotencyKey);
});

test("drafts are kept per item and survive broken storage", () => {
  const memory = new Map();
  const storage = {
    getItem: (k) => memory.get(k) ?? null,
    setItem: (k, v) => memory.set(k, v),
    removeItem: (k) => memory.delete(k),
  };
  const store = draftStore(storage);
  const a = fresh();
  const b = { ...fresh(), itemKey: "read:2" };
  b.fields = { ...b.fields, "customer.name": "Dean" };
  assert.ok(store.save(a));
  assert.ok(store.save(b));
  assert.equal(store.load("read:1").fields["customer.name"], "Carla Customer");
  assert.equal(store.load("read:2").fields["customer.name"], "Dean");
  store.remove("read:1");
  assert.equal(store.load("read:1"), null);
  const full = draftStore({
    getItem: () => "{not json",
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
    removeItem: () => {},
  });
  assert.equal(full.save(a), false);
  assert.equal(full.load("read:1"), null);
});
