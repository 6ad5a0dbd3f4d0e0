// Nested App Authentication through MSAL. MSAL is about 200 KB: it is imported only when this
// client supports NAA and a token is really needed, never on the first paint.

import { interactionRequired, SignInError } from "./errors.js";
import { fromToken } from "./tokens.js";

// Popups Office cannot show (older Outlook): MSAL's errors that mean "use the dialog".
const POPUP_UNAVAILABLE = new Set(["popup_window_error", "empty_window_error"]);

export function naaSupported(office, methods) {
  return methods.has("naa") && Boolean(office?.context?.requirements?.isSetSupported?.("NestedAppAuth", "1.1"));
}

export function createNaa(config) {
  let loaded = null;

  function load() {
    loaded ??= import("@azure/msal-browser").then(async (msal) => ({
      msal,
      pca: await msal.createNestablePublicClientApplication({
        auth: { clientId: config.client_id, authority: config.authority },
        cache: { cacheLocation: "sessionStorage" },
      }),
    }));
    return loaded;
  }

  function asState(result) {
    const state = fromToken(result.accessToken, "naa", result.expiresOn?.getTime() ?? null);
    if (result.account) state.account = { name: result.account.name ?? "", username: result.account.username };
    return state;
  }

  function failure(error) {
    const code = error?.errorCode ?? error?.code ?? "naa_failed";
    return new SignInError(code, { message: error?.errorMessage ?? error?.message ?? "", cause: error });
  }

  return {
    /** A token without any window; "interaction_required" when MSAL needs the user. */
    async silent({ forceRefresh }) {
      const { msal, pca } = await load();
      const account = pca.getActiveAccount() ?? pca.getAllAccounts()[0];
      try {
        const result = await pca.acquireTokenSilent({ scopes: config.scopes, account, forceRefresh });
        pca.setActiveAccount(result.account);
        return asState(result);
      } catch (error) {
        const needsUser =
          error instanceof msal.InteractionRequiredAuthError ||
          (error instanceof msal.BrowserAuthError && error.errorCode === "no_account_error");
        throw needsUser ? interactionRequired(error) : failure(error);
      }
    },
    /** After a click: MSAL's popup; null when this Outlook cannot show it (use the dialog). */
    async interactive() {
      const { msal, pca } = await load();
      try {
        const result = await pca.acquireTokenPopup({ scopes: config.scopes });
        pca.setActiveAccount(result.account);
        return asState(result);
      } catch (error) {
        if (error instanceof msal.BrowserAuthError && POPUP_UNAVAILABLE.has(error.errorCode)) return null;
        throw failure(error);
      }
    },
  };
}
