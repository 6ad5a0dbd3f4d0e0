// Sign-in for the taskpane: an access token for our API, kept in memory only.
//
// Order of attempts (config.methods from GET /api/v1/auth/config says which are allowed):
// 1. Nested App Authentication (MSAL) when Office supports NestedAppAuth 1.1:
//    acquireTokenSilent, then acquireTokenPopup when interaction is required.
// 2. Legacy Office SSO (Office.auth.getAccessToken) for older clients.
// 3. The backend's sign-in dialog (Office dialog API, or a popup window outside Office),
//    which returns a backend session token; it is renewed silently at the backend.
//
// Tokens are renewed silently shortly before they expire; a timer never opens a window.

import {
  BrowserAuthError,
  createNestablePublicClientApplication,
  InteractionRequiredAuthError,
} from "@azure/msal-browser";

const RENEW_BEFORE_MS = 5 * 60 * 1000;
const DIALOG_SIZE = { height: 60, width: 30 };
const POPUP_FEATURES = "popup,width=480,height=640";
const POPUP_POLL_MS = 500;

// Popups that Office cannot show (older Outlook): MSAL's popup errors that mean "use the dialog".
const POPUP_UNAVAILABLE = new Set(["popup_window_error", "empty_window_error"]);

// Office.auth.getAccessToken errors after which the dialog may still work.
const OFFICE_SSO_FALLBACK = new Set([
  13000, 13001, 13003, 13004, 13005, 13006, 13007, 13010, 13012, 50001,
]);

const OFFICE_SSO_MESSAGES = {
  13002: "Sign-in was cancelled.",
  13008: "Another sign-in is still in progress; try again in a moment.",
  13013: "Too many sign-in attempts in a short time; wait a moment and try again.",
};

const DIALOG_MESSAGES = {
  12002: "The sign-in page could not be loaded.",
  12003: "The sign-in page must be served over HTTPS.",
  12004: "The sign-in page's domain is not trusted by this add-in.",
  12005: "The sign-in page must be served over HTTPS.",
  12006: "The sign-in window was closed before sign-in finished.",
  12007: "A sign-in window is already open.",
  12009: "The sign-in window was blocked. Allow it and try again.",
  12011: "The browser blocked the sign-in window. Allow pop-ups for this site and try again.",
};

/** A sign-in that did not succeed; `code` is the Office/MSAL/backend error code, if any. */
export class SignInError extends Error {
  constructor(message, { code = null, cause = undefined } = {}) {
    super(message, { cause });
    this.name = "SignInError";
    this.code = code;
  }
}

/** The (unverified) claims of a JWT: only used for its expiry and the account's name. */
function jwtClaims(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

function accountFromClaims(claims) {
  const username = claims.preferred_username || claims.upn || claims.unique_name || claims.email;
  return claims.name || username ? { name: claims.name ?? "", username: username ?? "" } : null;
}

function fromToken(token, expiresAt = null) {
  const claims = jwtClaims(token);
  return {
    token,
    expiresAt: expiresAt ?? (claims.exp ? claims.exp * 1000 : Date.now()),
    account: accountFromClaims(claims),
  };
}

/** A backend session token as the dialog and the refresh endpoint hand it out. */
function fromSession({ token, expires_in: expiresIn }) {
  return { ...fromToken(token, Date.now() + expiresIn * 1000), source: "session" };
}

/**
 * @param {{config: object, office: object|null}} options config from GET /api/v1/auth/config;
 *   office is the global Office object, or null outside Outlook.
 * @returns {{getToken: (options?: {forceRefresh?: boolean}) => Promise<string>,
 *            account: () => ({name: string, username: string}|null)}}
 */
export function createAuth({ config, office }) {
  const methods = new Set(config.methods ?? ["dialog"]);
  const dialogOrigin = new URL(config.dialog_url).origin;
  let current = null; // { token, expiresAt, account, source: "naa" | "office" | "session" }
  let inflight = null; // { promise, interactive }
  let renewTimer = null;
  let officeSsoFailed = false;
  let pcaPromise = null;

  const naaSupported = () =>
    methods.has("naa") &&
    Boolean(office?.context?.requirements?.isSetSupported?.("NestedAppAuth", "1.1"));
  const officeSsoSupported = () =>
    methods.has("office_sso") && !officeSsoFailed && typeof office?.auth?.getAccessToken === "function";

  function publicClient() {
    pcaPromise ??= createNestablePublicClientApplication({
      auth: { clientId: config.client_id, authority: config.authority },
      cache: { cacheLocation: "memoryStorage" },
    });
    return pcaPromise;
  }

  async function viaNaa({ forceRefresh, interactive }) {
    const pca = await publicClient();
    const account = pca.getActiveAccount() ?? pca.getAllAccounts()[0];
    let result;
    try {
      result = await pca.acquireTokenSilent({ scopes: config.scopes, account, forceRefresh });
    } catch (error) {
      const needsInteraction =
        error instanceof InteractionRequiredAuthError ||
        (error instanceof BrowserAuthError && error.errorCode === "no_account_error");
      if (!needsInteraction || !interactive) throw error;
      try {
        result = await pca.acquireTokenPopup({ scopes: config.scopes });
      } catch (popupError) {
        if (popupError instanceof BrowserAuthError && POPUP_UNAVAILABLE.has(popupError.errorCode)) {
          return viaDialog({ forceRefresh, interactive });
        }
        if (popupError instanceof BrowserAuthError && popupError.errorCode === "user_cancelled") {
          throw new SignInError("Sign-in was cancelled.", { code: "user_cancelled", cause: popupError });
        }
        throw popupError;
      }
    }
    pca.setActiveAccount(result.account);
    const state = fromToken(result.accessToken, result.expiresOn?.getTime() ?? null);
    if (result.account) state.account = { name: result.account.name ?? "", username: result.account.username };
    return { ...state, source: "naa" };
  }

  async function viaOfficeSso({ forceRefresh, interactive }) {
    try {
      const token = await office.auth.getAccessToken({
        allowSignInPrompt: interactive,
        allowConsentPrompt: interactive,
        forMSGraphAccess: false,
      });
      return { ...fromToken(token), source: "office" };
    } catch (error) {
      const code = Number(error?.code);
      if (OFFICE_SSO_MESSAGES[code]) {
        throw new SignInError(OFFICE_SSO_MESSAGES[code], { code, cause: error });
      }
      if (!OFFICE_SSO_FALLBACK.has(code) || !methods.has("dialog")) throw error;
      officeSsoFailed = true; // this client cannot do it; don't ask again in this session
      return viaDialog({ forceRefresh, interactive });
    }
  }

  async function refreshSession() {
    const response = await fetch(config.session_refresh_url, {
      method: "POST",
      headers: { Accept: "application/json", Authorization: `Bearer ${current.token}` },
    });
    if (!response.ok) throw new SignInError("The session could not be renewed.", { code: response.status });
    return fromSession(await response.json());
  }

  async function viaDialog({ forceRefresh, interactive }) {
    // A session still valid and not rejected by the backend is renewed without a window.
    if (current?.source === "session" && !forceRefresh && current.expiresAt > Date.now()) {
      try {
        return await refreshSession();
      } catch (error) {
        if (!interactive) throw error;
      }
    }
    if (!interactive) throw new SignInError("Sign-in is needed.", { code: "interaction_required" });
    if (!methods.has("dialog")) throw new SignInError("No sign-in method is available here.");
    const message = office?.context?.ui?.displayDialogAsync ? await officeDialog() : await popupWindow();
    if (message?.type === "session" && typeof message.token === "string") return fromSession(message);
    throw new SignInError(message?.message || "Sign-in did not complete.", { code: message?.error ?? null });
  }

  function dialogUrl(via) {
    const url = new URL(config.dialog_url);
    url.searchParams.set("via", via);
    const email = office?.context?.mailbox?.userProfile?.emailAddress;
    if (email) url.searchParams.set("login_hint", email);
    return url.toString();
  }

  function parseMessage(raw) {
    try {
      return typeof raw === "string" ? JSON.parse(raw) : raw;
    } catch {
      return null;
    }
  }

  function officeDialog() {
    const failed = office.AsyncResultStatus?.Failed ?? "failed";
    const messageEvent = office.EventType?.DialogMessageReceived ?? "dialogMessageReceived";
    const closedEvent = office.EventType?.DialogEventReceived ?? "dialogEventReceived";
    return new Promise((resolve, reject) => {
      office.context.ui.displayDialogAsync(dialogUrl("office"), DIALOG_SIZE, (result) => {
        if (result.status === failed) {
          const code = result.error?.code;
          reject(new SignInError(DIALOG_MESSAGES[code] ?? "The sign-in window could not be opened.", { code }));
          return;
        }
        const dialog = result.value;
        dialog.addEventHandler(messageEvent, (arg) => {
          if (arg.origin && arg.origin !== dialogOrigin) return;
          dialog.close();
          resolve(parseMessage(arg.message));
        });
        dialog.addEventHandler(closedEvent, (arg) => {
          const code = arg.error;
          reject(new SignInError(DIALOG_MESSAGES[code] ?? "Sign-in did not complete.", { code }));
        });
      });
    });
  }

  function popupWindow() {
    return new Promise((resolve, reject) => {
      const popup = window.open(dialogUrl("window"), "addin-sign-in", POPUP_FEATURES);
      if (!popup) {
        reject(new SignInError(DIALOG_MESSAGES[12011], { code: 12011 }));
        return;
      }
      const finish = () => {
        window.removeEventListener("message", onMessage);
        clearInterval(poll);
      };
      const onMessage = (event) => {
        if (event.origin !== dialogOrigin || event.source !== popup) return;
        finish();
        resolve(parseMessage(event.data));
      };
      const poll = setInterval(() => {
        if (!popup.closed) return;
        finish();
        reject(new SignInError(DIALOG_MESSAGES[12006], { code: 12006 }));
      }, POPUP_POLL_MS);
      window.addEventListener("message", onMessage);
    });
  }

  function acquire(options) {
    if (naaSupported()) return viaNaa(options);
    if (officeSsoSupported()) return viaOfficeSso(options);
    return viaDialog(options);
  }

  function remember(state) {
    current = state;
    clearTimeout(renewTimer);
    const untilRenewal = state.expiresAt - Date.now() - RENEW_BEFORE_MS;
    if (untilRenewal > 0) {
      renewTimer = setTimeout(() => {
        renew({ forceRefresh: false, interactive: false }).catch(() => {
          // Silent renewal failed: the next call signs in interactively.
        });
      }, untilRenewal);
    }
    return state.token;
  }

  // One acquisition at a time (a second dialog would fail with 12007); a caller who may
  // interact does not inherit the failure of a silent renewal in flight.
  function renew(options) {
    if (inflight && (inflight.interactive || !options.interactive)) return inflight.promise;
    const previous = inflight?.promise.catch(() => null) ?? Promise.resolve();
    const promise = previous
      .then(() => (fresh() && !options.forceRefresh ? current : acquire(options)))
      .then(remember)
      .finally(() => {
        if (inflight?.promise === promise) inflight = null;
      });
    inflight = { promise, interactive: options.interactive };
    return promise;
  }

  function fresh() {
    return current !== null && current.expiresAt - Date.now() > RENEW_BEFORE_MS;
  }

  return {
    async getToken({ forceRefresh = false } = {}) {
      if (!forceRefresh && fresh()) return current.token;
      return renew({ forceRefresh, interactive: true });
    },
    account() {
      return current?.account ?? null;
    },
  };
}
