// Sign-in for the taskpane: an access token for our API, without getting in the way.
//
// On open, only silent methods run: the session kept from an earlier dialog sign-in (renewed
// at the backend), NAA's silent token, Office SSO without prompts. When they cannot sign the
// user in, getToken() rejects with "interaction_required" and the pane shows a Sign in button;
// signIn() — run from that click — may then show NAA's popup, Office's prompt or the dialog.
// Tokens are renewed silently before they expire; a timer never opens a window.

import { dialogSignIn, dialogSupported } from "./dialog.js";
import { interactionRequired, SignInError } from "./errors.js";
import { createNaa, naaSupported } from "./naa.js";
import { OFFICE_SSO_UNAVAILABLE, officeSsoSupported, officeSsoToken } from "./office-sso.js";
import { refreshSession, sessionStore } from "./session.js";

export { INTERACTION_REQUIRED, SignInError } from "./errors.js";

const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * @param {{config: object, office: object|null, storage: Storage|null}} options config from
 *   GET /api/v1/auth/config; office the global Office object (null outside Outlook);
 *   storage sessionStorage, where the dialog's session token is kept.
 */
export function createAuth({ config, office, storage }) {
  const methods = new Set(config.methods ?? ["dialog"]);
  const sessions = sessionStore(storage);
  const naa = naaSupported(office, methods) ? createNaa(config) : null;
  let officeSso = officeSsoSupported(office, methods);
  let current = sessions.load();
  let inflight = null;
  let renewTimer = null;

  const fresh = () => current !== null && current.expiresAt - Date.now() > RENEW_BEFORE_MS;

  async function silent({ forceRefresh }) {
    if (current?.source === "session") return renewSession();
    if (naa) return naa.silent({ forceRefresh });
    if (officeSso) {
      try {
        return await officeSsoToken(office, { interactive: false });
      } catch (error) {
        if (error.code !== OFFICE_SSO_UNAVAILABLE) throw error;
        officeSso = false; // this client cannot; don't ask it again in this pane
      }
    }
    throw sessions.expired() ? new SignInError("session_expired") : interactionRequired();
  }

  async function renewSession() {
    try {
      return await refreshSession(config.session_refresh_url, current);
    } catch (error) {
      sessions.clear();
      current = null;
      throw error;
    }
  }

  async function interactive() {
    if (naa) {
      const state = await naa.interactive();
      if (state) return state;
    } else if (officeSso) {
      try {
        return await officeSsoToken(office, { interactive: true });
      } catch (error) {
        if (error.code !== OFFICE_SSO_UNAVAILABLE) throw error;
        officeSso = false;
      }
    }
    if (!dialogSupported(office, methods)) throw new SignInError("dialog_unsupported");
    return dialogSignIn(config, office);
  }

  function remember(state) {
    current = state;
    if (state.source === "session") sessions.save(state);
    clearTimeout(renewTimer);
    const untilRenewal = state.expiresAt - Date.now() - RENEW_BEFORE_MS;
    if (untilRenewal > 0) {
      renewTimer = setTimeout(() => {
        acquire(() => silent({ forceRefresh: true })).catch(() => {
          // Silent renewal failed: the next call asks the user to sign in.
        });
      }, untilRenewal);
    }
    return state.token;
  }

  // One acquisition at a time (a second dialog would fail with 12007).
  function acquire(run) {
    inflight ??= run()
      .then(remember)
      .finally(() => {
        inflight = null;
      });
    return inflight;
  }

  return {
    /** A token for the API without any window; rejects with a SignInError otherwise.
     * `rejected`: the token the API just refused. Calls made together all get that 401; once
     * one of them has a new token the others use it instead of asking again. */
    getToken({ forceRefresh = false, rejected = null } = {}) {
      const renewed = forceRefresh && current !== null && current.token !== rejected;
      if ((!forceRefresh || renewed) && fresh()) return Promise.resolve(current.token);
      return acquire(() => silent({ forceRefresh }));
    },
    /** Interactive sign-in: call only from a user's click. */
    signIn() {
      return acquire(interactive);
    },
    /** The API refused our token for good (e.g. the session was revoked): forget it. */
    forget() {
      if (current?.source === "session") sessions.clear();
      current = null;
    },
    account: () => current?.account ?? null,
    canShowDialog: () => dialogSupported(office, methods) || Boolean(naa) || officeSso,
  };
}
