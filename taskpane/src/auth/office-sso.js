// Legacy Office SSO (Office.auth.getAccessToken, IdentityAPI 1.3) for clients without NAA.

import { SignInError } from "./errors.js";
import { fromToken } from "./tokens.js";

// getAccessToken errors after which this client cannot do Office SSO; the dialog may work.
const UNAVAILABLE = new Set([13000, 13001, 13003, 13004, 13005, 13006, 13007, 13010, 13012, 50001]);

export function officeSsoSupported(office, methods) {
  return methods.has("office_sso") && typeof office?.auth?.getAccessToken === "function";
}

export const OFFICE_SSO_UNAVAILABLE = "office_sso_unavailable";

/** A token from Office; prompts only when `interactive`. A client that cannot do SSO throws
 * "office_sso_unavailable" (the dialog may still work). */
export async function officeSsoToken(office, { interactive }) {
  try {
    const token = await office.auth.getAccessToken({
      allowSignInPrompt: interactive,
      allowConsentPrompt: interactive,
      forMSGraphAccess: false,
    });
    return fromToken(token, "office");
  } catch (error) {
    const code = Number(error?.code);
    if (UNAVAILABLE.has(code)) {
      throw new SignInError(OFFICE_SSO_UNAVAILABLE, { cause: error });
    }
    throw new SignInError(code || "office_sso_failed", { message: error?.message ?? "", cause: error });
  }
}
