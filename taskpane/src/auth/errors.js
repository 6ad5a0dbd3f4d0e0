// A sign-in that did not succeed. `code` is the Office, MSAL, dialog or backend reason
// (problems.js turns it into a sentence); "interaction_required" means "ask the user to
// click Sign in", which is not an error worth explaining.

export const INTERACTION_REQUIRED = "interaction_required";

export class SignInError extends Error {
  constructor(code, { problemType = null, message = "", cause = undefined } = {}) {
    super(message || String(code), { cause });
    this.name = "SignInError";
    this.code = code;
    this.problemType = problemType;
  }
}

export const interactionRequired = (cause) => new SignInError(INTERACTION_REQUIRED, { cause });
