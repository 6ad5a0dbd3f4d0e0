// The pane shows one view at a time: loading, sign-in, error, empty (no item) or the invoice.

import { byId, h, setText } from "./dom.js";

const VIEWS = ["loading", "signin", "error", "empty", "invoice"];

export function showView(name) {
  for (const view of VIEWS) byId(`view-${view}`).hidden = view !== name;
}

export function showLoading(text) {
  setText("loading-text", text);
  showView("loading");
}

export function showEmpty(text) {
  setText("empty-text", text);
  showView("empty");
}

/** `signInError`: null for a first sign-in, else what went wrong with the last attempt. */
export function showSignIn(signInError) {
  const notice = byId("signin-error");
  notice.textContent = signInError ?? "";
  notice.hidden = !signInError;
  showView("signin");
}

/** A problem-details body (title, detail, errors[{field, detail}]) or the same shape made up;
 * "Try again" runs `onRetry`. */
export function showError({ title, detail, errors = [], request_id: requestId }, onRetry) {
  byId("error-retry").onclick = onRetry;
  setText("error-title", title || "Something went wrong");
  setText("error-detail", detail);
  // Quoted to support, who can find the request in the server logs.
  setText("error-reference", requestId ? `Reference: ${requestId}` : "");
  byId("error-fields").replaceChildren(
    ...errors.map((error) =>
      h("li", { dataset: { field: error.field } }, h("strong", {}, error.field), ": ", error.detail),
    ),
  );
  showView("error");
}

export function showAccount(account) {
  byId("account").hidden = !account;
  setText("account-name", account?.name);
  setText("account-username", account?.username);
}

/** Merchant profiles from /api/v1/me: a picker when there are several, a label for one.
 * Calls `onChange(profile)` on a change; returns the profile selected first (or null). */
export function showMerchants(profiles, onChange) {
  const select = byId("merchant-select");
  byId("merchant").hidden = profiles.length === 0;
  select.replaceChildren(
    ...profiles.map((profile) => {
      const sandbox = profile.environment !== "production";
      const label = sandbox ? `${profile.display_name} (${profile.environment})` : profile.display_name;
      return h("option", { value: profile.id }, label);
    }),
  );
  select.disabled = profiles.length < 2;
  select.onchange = () => onChange(profiles.find((profile) => profile.id === select.value));
  return profiles[0] ?? null;
}

/** One line naming the email the draft comes from: its sender, or the recipient of a draft. */
export function showSource(email) {
  const [direction, person] = email.mode === "compose" ? ["To", email.to[0]] : ["From", email.from];
  const subject = email.subject ? `“${email.subject}”` : "(no subject)";
  const who = person ? `${direction} ${person.name || person.email}: ` : "";
  setText("source-line", who + subject);
}
