import assert from "node:assert/strict";
import { test } from "node:test";

import { isSignInProblem, problemMessageKey, signInMessageKey } from "../src/problems.js";
import { escapeHtml, paymentMessage, safeLink } from "../src/reply-html.js";
import { CATALOGUES, chooseLanguage, createStrings } from "../src/strings.js";

const t = createStrings("en");
const INVOICE = {
  number: "DEMO-<000012>",
  payment_link: "https://pay.example/i/abc?x=1&y=\"2\"",
};

test("the reply holds the escaped summary and the link as a button", () => {
  const { html, text } = paymentMessage({
    invoice: INVOICE,
    customerName: "Eve <script>alert(1)</script>",
    senderName: "Mia & Co",
    total: "$1,020.00",
    dueDate: "Dec 15, 2026",
    t,
  });
  assert.ok(html.includes("Hello Eve &lt;script&gt;alert(1)&lt;/script&gt;,"));
  assert.ok(html.includes("Here is invoice DEMO-&lt;000012&gt; for $1,020.00, due Dec 15, 2026."));
  assert.ok(html.includes('href="https://pay.example/i/abc?x=1&amp;y=%222%22"'));
  assert.ok(html.includes("Pay invoice"));
  assert.ok(html.includes("Mia &amp; Co"));
  assert.ok(!html.includes("<script>"));
  assert.ok(text.includes("Pay invoice: https://pay.example/i/abc?x=1&y=%222%22"));
});

test("only http(s) links are offered to the customer", () => {
  assert.equal(safeLink("javascript:alert(1)"), null);
  assert.equal(safeLink("not a url"), null);
  assert.equal(safeLink("https://pay.example/x"), "https://pay.example/x");
  const { html } = paymentMessage({ invoice: { number: "1", payment_link: "javascript:x" }, customerName: "", senderName: "", total: "1", dueDate: "d", t });
  assert.ok(!html.includes("href"));
  assert.ok(html.includes("Hello,"));
  assert.equal(escapeHtml(`<a href='x'>&"`), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
});

test("languages: German for de-*, English otherwise; both catalogues have every key", () => {
  assert.equal(chooseLanguage("de-AT"), "de");
  assert.equal(chooseLanguage("fr-FR"), "en");
  assert.equal(chooseLanguage(undefined), "en");
  assert.deepEqual(Object.keys(CATALOGUES.de).sort(), Object.keys(CATALOGUES.en).sort());
  const de = createStrings("de-DE");
  assert.equal(de("result.heading", { number: "X-1" }), "Rechnung X-1");
  assert.equal(t("missing.key"), "missing.key");
  for (const [key, text] of Object.entries(CATALOGUES.en)) {
    const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(placeholders(CATALOGUES.de[key]), placeholders(text), key);
  }
});

test("each sign-in problem has its own sentence", () => {
  assert.equal(signInMessageKey({ problemType: "/problems/tenant-not-allowed" }), "signin.tenant");
  assert.equal(signInMessageKey({ problemType: "/problems/personal-accounts-not-allowed" }), "signin.personal");
  assert.equal(signInMessageKey({ problemType: "/problems/consent-required" }), "signin.consent");
  assert.equal(signInMessageKey({ problemType: "/problems/session-expired" }), "signin.expired");
  assert.equal(signInMessageKey({ code: "consent_required" }), "signin.consent");
  assert.equal(signInMessageKey({ code: "invalid_grant", message: "AADSTS65001: The user or administrator has not consented" }), "signin.consent");
  assert.equal(signInMessageKey({ code: 13002 }), "signin.cancelled");
  assert.equal(signInMessageKey({ code: 12006 }), "dialog.12006");
  assert.equal(signInMessageKey({ code: "interaction_required" }), null);
  assert.equal(signInMessageKey({ code: "something_new" }), "signin.failed");
  const keys = ["signin.tenant", "signin.personal", "signin.consent", "signin.expired"].map((k) => t(k));
  assert.equal(new Set(keys).size, 4);
  assert.ok(t("signin.consent").includes("Grant admin consent"));
});

test("API problems are explained by type and status", () => {
  assert.equal(problemMessageKey(503, { type: "/problems/upstream-unavailable", detail: "x" }), "problem.upstream");
  assert.equal(problemMessageKey(502, { type: "/problems/merchant-credentials-rejected" }), "problem.credentials");
  assert.equal(problemMessageKey(0, {}), "problem.network");
  assert.equal(problemMessageKey(409, { type: "about:blank" }), "problem.inFlight");
  assert.equal(problemMessageKey(409, { type: "/problems/action-not-allowed", detail: "Paid." }), null);
  assert.equal(problemMessageKey(500, { type: "about:blank" }), "problem.server");
  assert.equal(problemMessageKey(400, { type: "/problems/invalid-request" }), null);
  assert.ok(isSignInProblem(401, {}));
  assert.ok(isSignInProblem(403, { type: "/problems/tenant-not-allowed" }));
  assert.ok(!isSignInProblem(403, { type: "/problems/forbidden" }));
});
