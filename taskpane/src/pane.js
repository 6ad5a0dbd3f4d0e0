// The pane's journey: sign in, read the open item, pre-fill (or restore) its draft, create the
// invoice, show the result; follow item changes; explain every failure in its own words.

import { ApiError } from "./api.js";
import { INTERACTION_REQUIRED, SignInError } from "./auth/index.js";
import { createCustomerPanel, customerQuery } from "./customer-panel.js";
import { byId, h, setText } from "./dom.js";
import {
  attemptEnded,
  createBody,
  draftFromPrefill,
  draftStore,
  keyForAttempt,
  mergePrefill,
  validateDraft,
} from "./form-state.js";
import { createInvoiceForm } from "./invoice-form.js";
import { createModePicker } from "./mode-picker.js";
import { currencyTable } from "./money.js";
import { isCompose, itemKey, OfficeCallError, readCurrentItem, sourceEmail } from "./office-item.js";
import { isSignInProblem, problemMessageKey, signInMessageKey } from "./problems.js";
import { createPoller } from "./poller.js";
import { createResultView } from "./result-view.js";
import { showAccount, showEmpty, showError, showLoading, showSignIn, showUnsupported, showView } from "./views.js";

/** One line naming the email: its sender, or the recipient of a message being written. */
function sourceSummary(email, t) {
  const [key, person] = email.mode === "compose" ? ["source.to", email.to[0]] : ["source.from", email.from];
  const subject = email.subject ? `“${email.subject}”` : t("source.noSubject");
  return person ? `${t(key, { who: person.name || person.email })}: ${subject}` : subject;
}

function readFlag(storage, name) {
  try {
    return storage?.getItem(name) === "1";
  } catch {
    return false;
  }
}

function writeFlag(storage, name) {
  try {
    storage?.setItem(name, "1");
  } catch {
    // not kept: asked again next time
  }
}

export function createPane({ office, auth, api, t, locale, storage }) {
  const currencies = currencyTable([]);
  let currenciesReady = Promise.resolve();
  const drafts = draftStore(storage);
  let merchants = [];
  let draft = null;
  let signedIn = false;
  // Servers from before POST /prefill took merchant_profile_id refuse it (remembered for
  // this Outlook window, so the refusal costs one round trip once).
  const OLD_PREFILL = "prefill-without-profile-id";
  let prefillTakesProfile = !readFlag(storage, OLD_PREFILL);
  // Each load gets a number; an answer for an item the user already left is dropped.
  let generation = 0;

  const merchantById = (id) => merchants.find((profile) => profile.id === id) ?? merchants[0] ?? null;
  const save = () => draft && drafts.save(draft);

  function explain(error) {
    if (error instanceof ApiError) {
      const key = problemMessageKey(error.status, error.problem);
      return key ? t(key) : error.problem?.detail || error.problem?.title || t("error.heading");
    }
    if (error instanceof SignInError) return t(signInMessageKey(error) ?? "signin.failed");
    return error?.message || t("error.heading");
  }

  const form = createInvoiceForm({ container: byId("form-fields"), t, locale, currencies, onChange: save });
  const modes = createModePicker({
    t,
    onChange: (mode) => {
      draft.mode = mode;
      save();
    },
  });
  const result = createResultView({
    t,
    locale,
    currencies,
    office,
    api,
    explain,
    onBack: backFrom,
    onChanged: (invoice) => {
      if (draft?.invoiceId === invoice.id) {
        draft.invoice = invoice;
        save();
      }
    },
  });
  const customer = createCustomerPanel({ t, locale, currencies, onOpen: openInvoice });
  // The customer's invoices stay current while the form is open (a payment arrives).
  const customerFollow = createPoller({
    fetchIfChanged: api.getIfChanged,
    isHidden: () => document.visibilityState === "hidden",
    onChange: (summary) => customer.show(summary),
  });

  function needsSignIn(error) {
    return error instanceof SignInError || (error instanceof ApiError && isSignInProblem(error.status, error.problem));
  }

  function showSignInFor(error) {
    signedIn = false;
    showAccount(null);
    const failure =
      error instanceof ApiError
        ? { code: error.status === 401 ? "unauthenticated" : null, problemType: error.problem?.type }
        : error;
    if (failure.code === "dialog_unsupported" || (failure.code === INTERACTION_REQUIRED && !auth.canShowDialog())) {
      showUnsupported(t("unsupported.dialog"));
      return;
    }
    if (error instanceof ApiError) auth.forget();
    const key = signInMessageKey(failure);
    showSignIn(key ? t(key) : null);
  }

  function showFailure(error, retry) {
    if (needsSignIn(error)) {
      showSignInFor(error);
      return;
    }
    const problem = error instanceof ApiError ? error.problem : {};
    const title = error instanceof OfficeCallError ? t("error.heading") : problem.title;
    showError({ title, detail: explain(error), errors: problem.errors ?? [], requestId: problem.request_id }, retry, t);
  }

  async function prefillFor(email, profile) {
    const defaults = profile ? { default_currency: profile.default_currency, due_days: profile.default_due_days } : {};
    if (profile && prefillTakesProfile) {
      try {
        return await api.post("/api/v1/prefill", { ...email, ...defaults, merchant_profile_id: profile.id });
      } catch (error) {
        const unknownField = error instanceof ApiError && error.status === 400 &&
          error.problem?.errors?.some((e) => e.field === "merchant_profile_id");
        if (!unknownField) throw error;
        prefillTakesProfile = false;
        writeFlag(storage, OLD_PREFILL);
      }
    }
    return api.post("/api/v1/prefill", { ...email, ...defaults });
  }

  function showMerchants() {
    const select = byId("merchant-select");
    select.replaceChildren(
      ...merchants.map((profile) => {
        const label = profile.environment === "production" ? profile.display_name : `${profile.display_name} (${profile.environment})`;
        return h("option", { value: profile.id }, label);
      }),
    );
    byId("merchant").hidden = merchants.length < 2;
    byId("merchant-missing").hidden = merchants.length > 0;
  }

  function showForm() {
    form.render(draft);
    modes.set(draft.mode);
    setText("source-line", draft.source);
    if (draft.merchantProfileId) byId("merchant-select").value = draft.merchantProfileId;
    byId("form-error").hidden = true;
    showView("invoice");
    // Read by scripts/bench_taskpane.py: time from the pane's navigation to a filled form.
    performance.mark("invoice-form-shown");
  }

  function context() {
    const item = office.context.mailbox?.item;
    return { mode: item && isCompose(item) ? "compose" : "read", senderName: office.context.mailbox?.userProfile?.displayName ?? "" };
  }

  function openInvoice(invoice) {
    result.show(invoice, context());
  }

  function backFrom(invoice) {
    if (draft?.invoiceId === invoice.id) {
      drafts.remove(draft.itemKey);
      draft = null;
      loadItem();
    } else if (draft) {
      showView("invoice");
    } else {
      loadItem();
    }
  }

  async function loadCustomer(mine) {
    customer.hide();
    customerFollow.stop();
    const email = draft.customerEmail;
    if (!email) return;
    const path = customerQuery(email, draft.sourceEmail);
    try {
      const { body: summary, etag } = await api.getIfChanged(path, null);
      if (mine !== generation) return;
      customer.show(summary);
      customerFollow.start(path, summary, etag);
    } catch {
      // The panel is extra: without it the form works as before.
    }
  }

  async function loadItem() {
    if (!signedIn) return;
    const mine = ++generation;
    customerFollow.stop(); // another item: stop following the last one's invoices
    result.hide();
    const item = office.context.mailbox?.item;
    if (!item) {
      draft = null;
      showEmpty(office.context.mailbox ? t("empty.select") : t("empty.outside"));
      return;
    }
    const stored = drafts.load(itemKey(item));
    if (stored) {
      await currenciesReady;
      if (mine !== generation) return;
      draft = stored;
      if (draft.invoice) return openInvoice(draft.invoice);
      showForm();
      return loadCustomer(mine);
    }
    draft = null;
    try {
      showLoading(t("loading.reading"));
      const email = await readCurrentItem(office);
      if (mine !== generation) return;
      const profile = merchantById(byId("merchant-select").value);
      showLoading(t("loading.prefill"));
      const prefill = await prefillFor(email, profile);
      await currenciesReady;
      if (mine !== generation) return;
      draft = draftFromPrefill(prefill, { itemKey: itemKey(item), merchantProfileId: profile?.id });
      Object.assign(draft, {
        source: sourceSummary(email, t),
        sourceEmail: sourceEmail(item),
        customerEmail: draft.fields["customer.email"],
      });
      save();
      showForm();
      await loadCustomer(mine);
    } catch (error) {
      if (mine === generation) showFailure(error, loadItem);
    }
  }

  /** Another merchant account: its currency and terms, keeping whatever the merchant typed. */
  async function changeMerchant() {
    const profile = merchantById(byId("merchant-select").value);
    if (!draft) return;
    // The account applies at once: a Create clicked before its defaults arrive uses it.
    draft.merchantProfileId = profile.id;
    save();
    const mine = generation;
    try {
      const email = await readCurrentItem(office);
      const prefill = await prefillFor(email, profile);
      if (mine !== generation) return;
      draft = mergePrefill(draft, draftFromPrefill(prefill, { itemKey: draft.itemKey, merchantProfileId: profile.id }));
      save();
      showForm();
    } catch (error) {
      formError(explain(error));
    }
  }

  function formError(text) {
    const notice = byId("form-error");
    notice.textContent = text;
    notice.hidden = !text;
  }

  async function create(event) {
    event.preventDefault();
    form.clearErrors();
    formError("");
    const digits = currencies.digits(draft.fields.currency);
    const problems = validateDraft(draft, digits);
    if (!draft.merchantProfileId) return formError(t("form.noMerchant"));
    if (problems.length) {
      form.showErrors(problems.map(({ field, key, params }) => ({ field, message: t(key, params) })));
      return formError(t("form.fix"));
    }
    const body = createBody(draft, { digits, sourceEmail: draft.sourceEmail });
    const key = keyForAttempt(draft, body);
    save();
    modes.busy(true, draft.mode);
    try {
      const invoice = await api.post("/api/v1/invoices", body, { "Idempotency-Key": key });
      Object.assign(draft, { invoice, invoiceId: invoice.id });
      save();
      openInvoice(invoice);
    } catch (error) {
      if (error instanceof ApiError) attemptEnded(draft, error.status);
      save();
      if (needsSignIn(error)) return showSignInFor(error);
      const fieldErrors = (error.problem?.errors ?? []).map((e) => ({ field: e.field, message: e.detail }));
      const unplaced = form.showErrors(fieldErrors);
      formError([explain(error), ...unplaced.map((e) => `${e.field}: ${e.message}`)].join(" "));
    } finally {
      modes.busy(false, draft.mode);
    }
  }

  async function start() {
    showLoading(t("loading.signingIn"));
    try {
      // The currency table is needed only to show the form: it loads beside /me and pre-fill.
      currenciesReady = api
        .get("/api/v1/currencies")
        .catch(() => null)
        .then((list) => Object.assign(currencies, currencyTable(list?.currencies)));
      const me = await api.get("/api/v1/me");
      showAccount(auth.account() ?? { name: me.user.name, username: me.user.username });
      merchants = me.merchant_profiles ?? [];
      showMerchants();
      signedIn = true;
    } catch (error) {
      showFailure(error, start);
      return;
    }
    await loadItem();
  }

  async function signIn() {
    showLoading(t("loading.signingIn"));
    try {
      await auth.signIn();
    } catch (error) {
      showSignInFor(error);
      return;
    }
    await start();
  }

  byId("signin-button").addEventListener("click", signIn);
  byId("merchant-select").addEventListener("change", changeMerchant);
  byId("invoice-form").addEventListener("submit", create);
  byId("evidence-toggle").addEventListener("click", (event) => {
    const shown = event.currentTarget.getAttribute("aria-expanded") !== "true";
    event.currentTarget.setAttribute("aria-expanded", String(shown));
    byId("invoice-form").classList.toggle("show-evidence", shown);
  });

  return { start, loadItem };
}
