// Taskpane entry: Office ready, language and theme, then sign-in and the open item; pinned
// panes follow the selected item.

import { createApi } from "./api.js";
import { createAuth } from "./auth/index.js";
import { createPane } from "./pane.js";
import { chooseLanguage, createStrings } from "./strings.js";
import { applyTheme, showError, showUnsupported, translatePage } from "./views.js";

const office = window.Office;
// Fetched while Office.js starts: the pane needs it first.
const authConfig = fetch("/api/v1/auth/config", { headers: { Accept: "application/json" } }).then((response) => {
  if (!response.ok) throw new Error(`sign-in settings unavailable (HTTP ${response.status})`);
  return response.json();
});

function sessionStorageOrNull() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage blocked: drafts and the session live in memory only
  }
}

async function main() {
  const reload = () => window.location.reload();
  if (!office) {
    const t = createStrings(navigator.language);
    showError({ title: t("officejs.title"), detail: t("officejs.detail") }, reload, t);
    return;
  }
  await office.onReady();
  const displayLanguage = office.context?.displayLanguage || navigator.language;
  const language = chooseLanguage(displayLanguage);
  const t = createStrings(language);
  translatePage(t, language);
  applyTheme(office);
  const mailbox = office.context?.mailbox;
  if (mailbox && !office.context.requirements.isSetSupported("Mailbox", "1.3")) {
    showUnsupported(t("unsupported.mailbox"));
    return;
  }
  let config;
  try {
    config = await authConfig;
  } catch (error) {
    showError({ title: t("error.heading"), detail: error.message }, reload, t);
    return;
  }
  const storage = sessionStorageOrNull();
  const auth = createAuth({ config, office, storage });
  const pane = createPane({ office, auth, api: createApi(auth), t, locale: displayLanguage, storage });
  // Pinned panes stay open across items (Mailbox 1.5); the new item may be null.
  if (mailbox && office.context.requirements.isSetSupported("Mailbox", "1.5")) {
    mailbox.addHandlerAsync(office.EventType.ItemChanged, () => pane.loadItem());
  }
  await pane.start();
}

main();
