// The backend session token from the sign-in dialog: kept in sessionStorage (never
// localStorage) so that the next open of the pane in this Outlook window needs no dialog,
// and renewed at the backend while it is valid (up to 12 hours after sign-in).

import { SignInError } from "./errors.js";
import { fromToken } from "./tokens.js";

const STORAGE_KEY = "addin-session:v1";

/** A session token as the dialog and the refresh endpoint hand it out. */
export function fromSession({ token, expires_in: expiresIn }) {
  return fromToken(token, "session", Date.now() + expiresIn * 1000);
}

export function sessionStore(storage) {
  return {
    load() {
      try {
        const state = JSON.parse(storage?.getItem(STORAGE_KEY) ?? "null");
        return state?.token && state.expiresAt > Date.now() ? state : null;
      } catch {
        return null;
      }
    },
    /** Whether a session was kept here and has run out (worth telling the user). */
    expired() {
      try {
        const state = JSON.parse(storage?.getItem(STORAGE_KEY) ?? "null");
        return Boolean(state?.token) && state.expiresAt <= Date.now();
      } catch {
        return false;
      }
    },
    save(state) {
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify(state));
      } catch {
        // storage disabled: the session lasts as long as this page
      }
    },
    clear() {
      try {
        storage?.removeItem(STORAGE_KEY);
      } catch {
        // nothing kept
      }
    },
  };
}

/** A fresh session token for a valid one; a refusal means the session is over. */
export async function refreshSession(refreshUrl, current) {
  let response;
  try {
    response = await fetch(refreshUrl, {
      method: "POST",
      headers: { Accept: "application/json", Authorization: `Bearer ${current.token}` },
    });
  } catch (error) {
    throw new SignInError("network", { cause: error });
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new SignInError("session_expired", { problemType: problem?.type ?? null });
  }
  return fromSession(await response.json());
}
