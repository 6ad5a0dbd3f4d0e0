// The backend's sign-in dialog (Office dialog API, or a popup window outside Office). It is
// opened only after the user clicks Sign in, and hands back a backend session token.

import { SignInError } from "./errors.js";
import { fromSession } from "./session.js";

const DIALOG_SIZE = { height: 60, width: 30 };
const POPUP_FEATURES = "popup,width=480,height=640";
const POPUP_POLL_MS = 500;

/** Whether this client can show the dialog at all (Dialog API 1.1, or a plain browser). */
export function dialogSupported(office, methods) {
  if (!methods.has("dialog")) return false;
  if (!office?.context?.mailbox) return true; // a plain browser: a popup window
  return Boolean(office.context.requirements?.isSetSupported?.("DialogApi", "1.1") && office.context.ui?.displayDialogAsync);
}

function dialogUrl(config, office, via) {
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

function officeDialog(config, office, origin) {
  const failed = office.AsyncResultStatus.Failed;
  return new Promise((resolve, reject) => {
    office.context.ui.displayDialogAsync(dialogUrl(config, office, "office"), DIALOG_SIZE, (result) => {
      if (result.status === failed) {
        reject(new SignInError(result.error?.code ?? "dialog_failed"));
        return;
      }
      const dialog = result.value;
      dialog.addEventHandler(office.EventType.DialogMessageReceived, (arg) => {
        if (arg.origin && arg.origin !== origin) return;
        dialog.close();
        resolve(parseMessage(arg.message));
      });
      dialog.addEventHandler(office.EventType.DialogEventReceived, (arg) => {
        reject(new SignInError(arg.error ?? "dialog_failed"));
      });
    });
  });
}

function popupWindow(config, office, origin) {
  return new Promise((resolve, reject) => {
    const popup = window.open(dialogUrl(config, office, "window"), "addin-sign-in", POPUP_FEATURES);
    if (!popup) {
      reject(new SignInError(12011));
      return;
    }
    const finish = () => {
      window.removeEventListener("message", onMessage);
      clearInterval(poll);
    };
    const onMessage = (event) => {
      if (event.origin !== origin || event.source !== popup) return;
      finish();
      resolve(parseMessage(event.data));
    };
    const poll = setInterval(() => {
      if (!popup.closed) return;
      finish();
      reject(new SignInError(12006));
    }, POPUP_POLL_MS);
    window.addEventListener("message", onMessage);
  });
}

/** Signs in through the dialog; the session token state, or a SignInError with its reason. */
export async function dialogSignIn(config, office) {
  const origin = new URL(config.dialog_url).origin;
  const inOffice = Boolean(office?.context?.mailbox);
  const message = inOffice ? await officeDialog(config, office, origin) : await popupWindow(config, office, origin);
  if (message?.type === "session" && typeof message.token === "string") return fromSession(message);
  throw new SignInError(message?.error ?? "sign_in_failed", { message: message?.message ?? "" });
}
