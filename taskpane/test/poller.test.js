import assert from "node:assert/strict";
import { test } from "node:test";

import { createPoller, invoiceIsFinal } from "../src/poller.js";

function fakeTimers() {
  const pending = [];
  return {
    pending,
    setTimeout(fn, ms) {
      const handle = { fn, ms, cleared: false };
      pending.push(handle);
      return handle;
    },
    clearTimeout(handle) {
      handle.cleared = true;
    },
    async fire() {
      const handle = pending.shift();
      assert.ok(handle, "a poll was scheduled");
      if (!handle.cleared) await handle.fn();
    },
  };
}

test("polls with the last ETag, reports changes, stops once the invoice is final", async () => {
  const timers = fakeTimers();
  const calls = [];
  const answers = [
    { changed: true, body: { status: "PARTIAL" }, etag: '"a"' },
    { changed: false },
    { changed: true, body: { status: "PAID" }, etag: '"b"' },
  ];
  const seen = [];
  const poller = createPoller({
    timers,
    intervalMs: 1000,
    isFinal: invoiceIsFinal,
    fetchIfChanged: async (path, etag) => {
      calls.push([path, etag]);
      return answers.shift();
    },
    onChange: (body) => seen.push(body.status),
  });
  poller.start("/api/v1/invoices/inv_1", { status: "SENT" });
  assert.equal(timers.pending[0].ms, 1000);
  await timers.fire();
  await timers.fire();
  await timers.fire();
  assert.deepEqual(calls, [
    ["/api/v1/invoices/inv_1", null],
    ["/api/v1/invoices/inv_1", '"a"'],
    ["/api/v1/invoices/inv_1", '"a"'],
  ]);
  assert.deepEqual(seen, ["PARTIAL", "PAID"]);
  assert.equal(timers.pending.length, 0, "nothing scheduled after PAID");
});

test("a final invoice is never polled; stop drops a late answer", async () => {
  const timers = fakeTimers();
  const poller = createPoller({
    timers,
    isFinal: invoiceIsFinal,
    fetchIfChanged: async () => ({ changed: true, body: { status: "PAID" } }),
    onChange: () => assert.fail("no change expected"),
  });
  poller.start("/x", { status: "CANCELED" });
  assert.equal(timers.pending.length, 0);

  let release;
  const slow = createPoller({
    timers,
    fetchIfChanged: () => new Promise((resolve) => (release = resolve)),
    onChange: () => assert.fail("stopped: the late answer is dropped"),
  });
  slow.start("/y");
  const firing = timers.fire();
  slow.stop();
  release({ changed: true, body: {} });
  await firing;
  assert.equal(timers.pending.length, 0);
});

test("a hidden pane and a failed poll only skip a turn", async () => {
  const timers = fakeTimers();
  let hidden = true;
  let fetched = 0;
  const poller = createPoller({
    timers,
    isHidden: () => hidden,
    fetchIfChanged: async () => {
      fetched += 1;
      throw new Error("offline");
    },
    onChange: () => {},
  });
  poller.start("/z");
  await timers.fire();
  assert.equal(fetched, 0);
  hidden = false;
  await timers.fire();
  assert.equal(fetched, 1);
  assert.equal(timers.pending.length, 1, "tried again later");
  poller.stop();
});
