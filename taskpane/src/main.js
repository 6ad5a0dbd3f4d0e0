// Taskpane entry: sign in, show the account, then read the open email and show the invoice
// draft prefilled from it; follow item changes while the pane is pinned.

import { ApiError, createApi } from "./api.js";
import { createAuth, SignInError } from "./auth.js";
import { byId } from "./dom.js";
import { renderInvoiceForm } from "./invoice-form.js";
import { OfficeCallError, readCurrentItem } from "./office-item.js";
import {
  showAccount,
  showEmpty,
  showError,
  showLoading,
  showMerchants,
  showSignIn,
  showSource,
  showView,
} from "./views.js";

const office = window.Office;

/** Office SSO and MSAL reject with their own error objects, which carry a code. */
function authErrorCode(error) {
  if (error instanceof ApiError || error instanceof OfficeCallError) return undefined;
  return error?.code ?? error?.errorCode;
}

/** Failures that signing in again can fix, as opposed to problems with the email or server. */
function needsSignIn(error) {
  return (
    error instanceof SignInError ||
    (error instanceof ApiError && error.status === 401) ||
    authErrorCode(error) !== undefined
  );
}

function signInMessage(error) {
  if (error instanceof SignInError) return error.message;
  if (error instanceof ApiError) {
    return `Your account was not accepted: ${error.problem?.detail || "sign in again."}`;
  }
  return `Sign-in failed (code ${authErrorCode(error)}). Try again.`;
}

/** Any other failure in the error view's problem-details shape. */
function problemOf(error) {
  if (error instanceof ApiError) return error.problem;
  if (error instanceof OfficeCallError) {
    return { title: "Outlook could not give us this email", detail: error.message };
  }
  return { title: "Something went wrong", detail: error?.message || String(error) };
}

/** What the merchant profile says when the email does not: currency and payment terms. */
function merchantDefaults(profile) {
  if (!profile) return {};
  return { default_currency: profile.default_currency, due_days: profile.default_due_days };
}

async function fetchAuthConfig() {
  const response = await fetch("/api/v1/auth/config", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`sign-in settings unavailable (HTTP ${response.status})`);
  return response.json();
}

function createPane(auth, api) {
  let signedIn = false;
  let merchant = null;
  // Each load gets a number; a slow prefill for an item the user already left is dropped.
  let generation = 0;

  async function loadItem() {
    if (!signedIn) return;
    const mine = ++generation;
    try {
      showLoading("Reading the email…");
      const email = await readCurrentItem(office);
      if (mine !== generation) return;
      if (!email) {
        showEmpty(
          office.context.mailbox
            ? "Select an email to draft an invoice from it."
            : "Open the add-in from an email in Outlook to draft an invoice.",
        );
        return;
      }
      showLoading("Filling in the invoice…");
      const draft = await api.post("/api/v1/prefill", { ...email, ...merchantDefaults(merchant) });
      if (mine !== generation) return;
      showSource(email);
      renderInvoiceForm(byId("invoice-form"), draft, { locale: email.locale });
      showView("invoice");
    } catch (error) {
      if (mine === generation) showFailure(error, loadItem);
    }
  }

  function showFailure(error, retry) {
    if (!needsSignIn(error)) {
      showError(problemOf(error), retry);
      return;
    }
    signedIn = false;
    showAccount(null);
    showSignIn(signInMessage(error));
  }

  async function signIn() {
    showLoading("Signing in…");
    try {
      const me = await api.get("/api/v1/me");
      showAccount(auth.account() ?? { name: me.user.name, username: me.user.username });
      merchant = showMerchants(me.merchant_profiles ?? [], (profile) => {
        merchant = profile;
        loadItem();
      });
      signedIn = true;
      return true;
    } catch (error) {
      showFailure(error, start);
      return false;
    }
  }

  async function start() {
    if (signedIn || (await signIn())) await loadItem();
  }

  byId("signin-button").addEventListener("click", start);
  return { start, loadItem };
}

const reload = () => window.location.reload();

async function main() {
  if (!office) {
    const problem = {
      title: "Outlook's add-in library did not load",
      detail: "Your network may block appsforoffice.microsoft.com.",
    };
    showError(problem, reload);
    return;
  }
  await office.onReady();
  let config;
  try {
    config = await fetchAuthConfig();
  } catch (error) {
    showError(problemOf(error), reload);
    return;
  }
  const auth = createAuth({ config, office });
  const pane = createPane(auth, createApi(auth));
  // Pinned panes stay open across items (Mailbox 1.5); the new item may be null.
  if (office.context.mailbox && office.context.requirements.isSetSupported("Mailbox", "1.5")) {
    office.context.mailbox.addHandlerAsync(office.EventType.ItemChanged, () => pane.loadItem());
  }
  await pane.start();
}

main();
