// The pane shows one view at a time; these helpers switch between them and fill the simple
// ones (loading, sign-in, unsupported client, error, no item).

import { byId, h, setText } from "./dom.js";

const VIEWS = ["loading", "signin", "unsupported", "error", "empty", "invoice", "result"];

export function showView(name) {
  for (const view of VIEWS) byId(`view-${view}`).hidden = view !== name;
}

/** Static text marked data-i18n="key" in taskpane.html, in the display language. */
export function translatePage(t, language) {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  document.title = t("app.title");
}

/** Tell screen readers about something that happened outside the focus (saved, copied). */
export function announce(text) {
  const announcer = byId("announcer");
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

export function showLoading(text) {
  setText("loading-text", text);
  showView("loading");
}

export function showEmpty(text) {
  setText("empty-text", text);
  showView("empty");
}

export function showUnsupported(text) {
  setText("unsupported-text", text);
  showView("unsupported");
}

/** `message`: null for a plain first sign-in, else why the last attempt failed. */
export function showSignIn(message) {
  const notice = byId("signin-error");
  notice.textContent = message ?? "";
  notice.hidden = !message;
  showView("signin");
}

/** A problem (title, detail, errors[{field, detail}], request_id); "Try again" runs `onRetry`. */
export function showError({ title, detail, errors = [], requestId }, onRetry, t) {
  byId("error-retry").onclick = onRetry;
  setText("error-title", title || t("error.heading"));
  setText("error-detail", detail);
  // Quoted to support, who can find the request in the server logs.
  setText("error-reference", requestId ? t("error.reference", { id: requestId }) : "");
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

/** Office's theme (light, dark, coloured) as the page's light or dark tokens; outside Office
 * the browser's preference. */
export function applyTheme(office) {
  const context = office?.context;
  const theme = context && "officeTheme" in context ? context.officeTheme : null;
  const background = theme?.bodyBackgroundColor;
  const dark = background ? luminance(background) < 0.4 : window.matchMedia?.("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

function luminance(hex) {
  const value = /^#?([0-9a-f]{6})$/i.exec(hex)?.[1];
  if (!value) return 1;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(value.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
