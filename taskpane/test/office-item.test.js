import assert from "node:assert/strict";
import { test } from "node:test";

import { itemKey, readCurrentItem, sourceEmail } from "../src/office-item.js";
import { insertAtCursor, replyWithHtml } from "../src/office-write.js";

const ok = (value) => ({ status: "succeeded", value });
const fail = (code) => ({ status: "failed", error: { code, message: `error ${code}` } });

function fakeOffice({ item, sets = { Mailbox: "1.9" }, bodyType = "html" }) {
  const calls = [];
  const office = {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Html: "html", Text: "text" },
    context: {
      displayLanguage: "de-DE",
      requirements: { isSetSupported: (name, version) => name in sets && Number(sets[name]) >= Number(version) },
      mailbox: {
        item,
        userProfile: { displayName: "Mia", emailAddress: "mia@merchant.example", timeZone: "Pacific Standard Time" },
      },
    },
  };
  if (item) {
    item.body ??= {};
    Object.assign(item.body, {
      getTypeAsync: (done) => done(ok(bodyType)),
      setSelectedDataAsync: (data, options, done) => {
        calls.push(["setSelectedDataAsync", data, options]);
        done(ok());
      },
    });
    item.displayReplyFormAsync = (data, done) => {
      calls.push(["displayReplyFormAsync", data]);
      done(ok());
    };
    item.displayReplyForm = (data) => calls.push(["displayReplyForm", data]);
  }
  return { office, calls };
}

const READ_ITEM = {
  itemId: "AAMk1",
  conversationId: "conv1",
  internetMessageId: "<m1@acme.example>",
  subject: "Invoice request",
  from: { displayName: "Carla", emailAddress: "carla@acme.example" },
  sender: { displayName: "Carla", emailAddress: "carla@acme.example" },
  to: [{ displayName: "Mia", emailAddress: "mia@merchant.example" }],
  cc: [],
  dateTimeCreated: new Date("2026-11-20T09:30:00Z"),
};

test("a read item becomes the prefill request, HTML body first", async () => {
  const item = { ...READ_ITEM, body: { getAsync: (type, done) => done(ok(`<p>${type}</p>`)) } };
  const { office } = fakeOffice({ item });
  const email = await readCurrentItem(office);
  assert.equal(email.mode, "read");
  assert.equal(email.body, "<p>html</p>");
  assert.equal(email.body_type, "html");
  assert.deepEqual(email.from, { email: "carla@acme.example", name: "Carla" });
  assert.equal(email.item_date, "2026-11-20T09:30:00.000Z");
  assert.equal(email.locale, "de-DE");
  // A Windows zone name is replaced by the webview's IANA one.
  assert.equal(email.time_zone, Intl.DateTimeFormat().resolvedOptions().timeZone);
});

test("a body that fails as HTML is read as text", async () => {
  const item = { ...READ_ITEM, body: { getAsync: (type, done) => done(type === "html" ? fail(5001) : ok("plain")) } };
  const { office } = fakeOffice({ item });
  const email = await readCurrentItem(office);
  assert.deepEqual([email.body, email.body_type], ["plain", "text"]);
});

test("compose items are read through getAsync and keyed by conversation", async () => {
  const getter = (value) => ({ getAsync: (done) => done(ok(value)) });
  const item = {
    conversationId: "conv9",
    subject: getter("Your invoice"),
    to: getter([{ displayName: "Dean", emailAddress: "dean@globex.example" }]),
    cc: getter([]),
    from: getter({ displayName: "Mia", emailAddress: "mia@merchant.example" }),
    body: { getAsync: (type, done) => done(ok("<p>hi</p>")) },
  };
  const { office } = fakeOffice({ item });
  const email = await readCurrentItem(office);
  assert.equal(email.mode, "compose");
  assert.deepEqual(email.to, [{ email: "dean@globex.example", name: "Dean" }]);
  assert.equal(itemKey(item), "compose:conv9");
  assert.equal(sourceEmail(item), null);
});

test("no item, no request", async () => {
  const { office } = fakeOffice({ item: null });
  assert.equal(await readCurrentItem(office), null);
  assert.equal(itemKey(null), null);
});

test("read items are keyed by id and recorded as the invoice's source", () => {
  assert.equal(itemKey(READ_ITEM), "read:AAMk1");
  assert.deepEqual(sourceEmail(READ_ITEM), {
    item_id: "AAMk1",
    conversation_id: "conv1",
    internet_message_id: "<m1@acme.example>",
    subject: "Invoice request",
  });
});

test("reply uses displayReplyFormAsync on Mailbox 1.9 and displayReplyForm before", async () => {
  const modern = fakeOffice({ item: { ...READ_ITEM } });
  assert.equal(await replyWithHtml(modern.office, "<p>x</p>"), "async");
  assert.deepEqual(modern.calls, [["displayReplyFormAsync", { htmlBody: "<p>x</p>" }]]);
  const old = fakeOffice({ item: { ...READ_ITEM }, sets: { Mailbox: "1.8" } });
  assert.equal(await replyWithHtml(old.office, "<p>x</p>"), "sync");
  assert.deepEqual(old.calls, [["displayReplyForm", { htmlBody: "<p>x</p>" }]]);
});

test("insert puts HTML into HTML bodies and text into text bodies", async () => {
  const html = fakeOffice({ item: {}, bodyType: "html" });
  assert.equal(await insertAtCursor(html.office, { html: "<b>h</b>", text: "t" }), "html");
  assert.deepEqual(html.calls, [["setSelectedDataAsync", "<b>h</b>", { coercionType: "html" }]]);
  const text = fakeOffice({ item: {}, bodyType: "text" });
  assert.equal(await insertAtCursor(text.office, { html: "<b>h</b>", text: "t" }), "text");
  assert.deepEqual(text.calls, [["setSelectedDataAsync", "t", { coercionType: "text" }]]);
});
