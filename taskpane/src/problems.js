// What each failure means for the merchant, as a strings.js key: sign-in problems by the API's
// problem `type` or the sign-in method's error code, other API problems by type and status.

const SIGN_IN_TYPES = {
  "/problems/tenant-not-allowed": "signin.tenant",
  "/problems/personal-accounts-not-allowed": "signin.personal",
  "/problems/consent-required": "signin.consent",
  "/problems/session-expired": "signin.expired",
};

// Codes from the sign-in dialog's result, MSAL (NAA) and Office SSO (getAccessToken).
const SIGN_IN_CODES = {
  not_allowed: "signin.tenant",
  tenant_not_allowed: "signin.tenant",
  personal_not_allowed: "signin.personal",
  consent_required: "signin.consent",
  AADSTS65001: "signin.consent",
  13005: "signin.consent",
  AADSTS50020: "signin.tenant",
  session_expired: "signin.expired",
  flow_expired: "signin.failed",
  user_cancelled: "signin.cancelled",
  access_denied: "signin.cancelled",
  13002: "signin.cancelled",
  13008: "signin.busy",
  13013: "signin.throttled",
  authority_unavailable: "signin.unavailable",
  12002: "dialog.12002",
  12003: "dialog.12004",
  12004: "dialog.12004",
  12005: "dialog.12004",
  12006: "dialog.12006",
  12007: "dialog.12007",
  12009: "dialog.12009",
  12011: "dialog.12011",
};

const QUIET_CODES = new Set(["interaction_required", "login_required", "no_account_error"]);

const PROBLEM_TYPES = {
  "/problems/upstream-unavailable": "problem.upstream",
  "/problems/merchant-credentials-rejected": "problem.credentials",
};

/** The AADSTS code in an MSAL error message ("AADSTS65001: The user or administrator…"). */
function aadstsCode(text) {
  return /\b(AADSTS\d+)\b/.exec(String(text ?? ""))?.[1] ?? null;
}

/**
 * The message key explaining why sign-in failed, or null when there is nothing to explain
 * (the user simply has not signed in yet).
 * @param {{code?: string|number|null, problemType?: string|null, message?: string}} failure
 */
export function signInMessageKey({ code = null, problemType = null, message = "" } = {}) {
  if (problemType && SIGN_IN_TYPES[problemType]) return SIGN_IN_TYPES[problemType];
  if (problemType === "/problems/forbidden") return "signin.noRole";
  const aadsts = aadstsCode(message);
  if (aadsts && SIGN_IN_CODES[aadsts]) return SIGN_IN_CODES[aadsts];
  if (code !== null && SIGN_IN_CODES[code]) return SIGN_IN_CODES[code];
  if (code !== null && QUIET_CODES.has(code)) return null;
  return "signin.failed";
}

/** Whether an API problem is about who is signed in (401, or a 403 for a user with no role). */
export function isSignInProblem(status, problem) {
  return status === 401 || (status === 403 && problem?.type in SIGN_IN_TYPES);
}

/** The message key for any other API problem, or null to show the problem's own detail. */
export function problemMessageKey(status, problem) {
  if (problem?.type && PROBLEM_TYPES[problem.type]) return PROBLEM_TYPES[problem.type];
  if (status === 0) return "problem.network";
  if (status === 409 && problem?.type !== "/problems/action-not-allowed") return "problem.inFlight";
  if (status === 404) return "problem.notFound";
  if (status >= 500) return problem?.detail ? null : "problem.server";
  return null;
}
