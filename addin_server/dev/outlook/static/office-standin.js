// An Office.js stand-in for the taskpane framed by /dev/outlook (demo mode only).
//
// It implements the part of Office.js the add-in uses, with Office's shapes and strictness:
// wrong argument types or counts throw as Office.js does, async results carry status, value,
// error and asyncContext, APIs above the simulated client's requirement sets are absent
// (undefined, as feature detection expects), and isSetSupported answers from the same table.
// The mailbox itself (items, bodies, drafts, the reply form) lives in the /dev/outlook page
// (window.parent.devOutlook), which shows what the add-in did.
(() => {
  "use strict";

  const host = window.parent !== window ? window.parent.devOutlook : undefined;
  if (!host) {
    document.addEventListener("DOMContentLoaded", () => {
      document.body.textContent = "This Office.js stand-in only runs inside /dev/outlook.";
    });
    return;
  }

  const EventType = {
    ItemChanged: "olkItemSelectedChanged",
    DialogMessageReceived: "dialogMessageReceived",
    DialogEventReceived: "dialogEventReceived",
  };
  const CoercionType = { Html: "html", Text: "text" };
  const AsyncResultStatus = { Succeeded: "succeeded", Failed: "failed" };
  const MAX_REPLY_HTML = 32 * 1024; // displayReplyForm's htmlBody limit
  const MAX_BODY_DATA = 1000000; // setSelectedDataAsync's limit

  // --- arguments, checked as Office.js checks them --------------------------------------

  class OfficeArgumentError extends Error {
    constructor(name, message) {
      super(message);
      this.name = name;
    }
  }
  const argumentError = (parameter) =>
    new OfficeArgumentError("Sys.ArgumentException", `The value of the argument '${parameter}' is invalid.`);
  const countError = () => new OfficeArgumentError("Sys.ParameterCountException", "Parameter count mismatch.");
  const rangeError = (parameter) =>
    new OfficeArgumentError("Sys.ArgumentOutOfRangeException", `Specified argument '${parameter}' was out of the range of valid values.`);

  /** The optional [options] and [callback] after `fixed` leading arguments. */
  function optionsAndCallback(args, fixed) {
    const rest = Array.prototype.slice.call(args, fixed);
    if (rest.length > 2) throw countError();
    let options = {};
    let callback = null;
    if (rest.length === 2) {
      [options, callback] = rest;
      if (options === null || typeof options !== "object") throw argumentError("options");
      if (typeof callback !== "function") throw argumentError("callback");
    } else if (rest.length === 1) {
      if (typeof rest[0] === "function") callback = rest[0];
      else if (rest[0] !== null && typeof rest[0] === "object") options = rest[0];
      else throw argumentError("options");
    }
    return { options, callback };
  }

  function requireCount(args, min, max) {
    if (args.length < min || args.length > max) throw countError();
  }

  function coercionOf(value, parameter = "coercionType") {
    if (value !== CoercionType.Html && value !== CoercionType.Text) throw argumentError(parameter);
    return value;
  }

  // --- async results ----------------------------------------------------------------------

  const OFFICE_ERRORS = {
    9000: ["InvalidFormatError", "The format of the specified data object is invalid."],
    9041: ["DataExceedsMaximumSize", "The data exceeds the maximum size."],
    12004: ["DomainNotInAppDomains", "The domain of the URL is not included in the AppDomains element in the manifest."],
    12007: ["DialogAlreadyOpened", "A dialog box is already opened from this host window."],
    12009: ["DialogBlocked", "The user chose to ignore the dialog box."],
    13000: ["ApiNotSupported", "The identity API is not supported for this add-in."],
  };

  function respond(callback, options, outcome) {
    if (!callback) return;
    const result = {
      status: outcome.error ? AsyncResultStatus.Failed : AsyncResultStatus.Succeeded,
      value: outcome.error ? undefined : outcome.value,
      error: outcome.error ? officeError(outcome.error) : undefined,
      asyncContext: options.asyncContext,
      diagnostics: undefined,
    };
    setTimeout(() => callback(result), 0);
  }

  function officeError(code) {
    const [name, message] = OFFICE_ERRORS[code];
    return { code, name, message };
  }

  // --- requirement sets -------------------------------------------------------------------

  const sets = host.client.requirementSets; // {"Mailbox": "1.14", "DialogApi": "1.2"}
  const atLeast = (have, want) => {
    const [a, b] = [have, want].map((v) => v.split(".").map(Number));
    return a[0] > b[0] || (a[0] === b[0] && (a[1] ?? 0) >= (b[1] ?? 0));
  };
  function isSetSupported(name, minVersion) {
    requireCount(arguments, 1, 2);
    if (typeof name !== "string") throw argumentError("name");
    if (minVersion !== undefined && typeof minVersion !== "string" && typeof minVersion !== "number") {
      throw argumentError("minVersion");
    }
    const entry = Object.entries(sets).find(([set]) => set.toLowerCase() === name.toLowerCase());
    return Boolean(entry) && atLeast(entry[1], String(minVersion ?? "1.1"));
  }
  const mailboxAtLeast = (version) => atLeast(sets.Mailbox, version);

  // --- items ------------------------------------------------------------------------------

  const asDate = (iso) => (iso ? new Date(iso) : null);
  const details = (address) => ({ displayName: address.displayName, emailAddress: address.emailAddress, recipientType: undefined });
  const detailsList = (list) => (list || []).map(details);

  function bodyOf(record) {
    const body = {};
    if (mailboxAtLeast("1.3")) {
      body.getAsync = function getAsync(coercionType) {
        if (arguments.length < 1) throw countError();
        coercionOf(coercionType);
        const { options, callback } = optionsAndCallback(arguments, 1);
        respond(callback, options, { value: host.readBody(record.id, coercionType) });
      };
    }
    if (record.mode !== "compose") return body;
    body.getTypeAsync = function getTypeAsync() {
      const { options, callback } = optionsAndCallback(arguments, 0);
      respond(callback, options, { value: host.bodyType(record.id) });
    };
    body.setSelectedDataAsync = function setSelectedDataAsync(data) {
      if (arguments.length < 1) throw countError();
      if (typeof data !== "string") throw argumentError("data");
      if (data.length > MAX_BODY_DATA) throw rangeError("data");
      const { options, callback } = optionsAndCallback(arguments, 1);
      const coercion = options.coercionType === undefined ? CoercionType.Text : coercionOf(options.coercionType, "options.coercionType");
      if (coercion === CoercionType.Html && host.bodyType(record.id) === CoercionType.Text) {
        respond(callback, options, { error: 9000 });
        return;
      }
      host.insertAtCursor(record.id, data, coercion);
      respond(callback, options, { value: undefined });
    };
    return body;
  }

  function composeField(value) {
    return {
      getAsync() {
        const { options, callback } = optionsAndCallback(arguments, 0);
        respond(callback, options, { value: typeof value === "string" ? value : JSON.parse(JSON.stringify(value)) });
      },
    };
  }

  function replyHtml(formData) {
    if (typeof formData === "string") return formData;
    if (formData === null || typeof formData !== "object") throw argumentError("formData");
    if (formData.htmlBody !== undefined && typeof formData.htmlBody !== "string") throw argumentError("formData.htmlBody");
    return formData.htmlBody ?? "";
  }

  function replyForms(record) {
    const open = (formData, all) => {
      const html = replyHtml(formData);
      if (html.length > MAX_REPLY_HTML) throw rangeError("htmlBody");
      host.openReply(record.id, html, all);
    };
    const forms = {
      displayReplyForm(formData) {
        requireCount(arguments, 1, 1);
        open(formData, false);
      },
      displayReplyAllForm(formData) {
        requireCount(arguments, 1, 1);
        open(formData, true);
      },
    };
    if (mailboxAtLeast("1.9")) {
      forms.displayReplyFormAsync = function displayReplyFormAsync(formData) {
        if (arguments.length < 1) throw countError();
        const { options, callback } = optionsAndCallback(arguments, 1);
        open(formData, false);
        respond(callback, options, { value: undefined });
      };
      forms.displayReplyAllFormAsync = function displayReplyAllFormAsync(formData) {
        if (arguments.length < 1) throw countError();
        const { options, callback } = optionsAndCallback(arguments, 1);
        open(formData, true);
        respond(callback, options, { value: undefined });
      };
    }
    return forms;
  }

  function itemOf(record) {
    if (!record) return null;
    const common = { itemType: "message", body: bodyOf(record), attachments: [] };
    if (record.mode === "compose") {
      const item = {
        ...common,
        conversationId: record.conversationId ?? null,
        subject: composeField(record.subject),
        to: composeField(detailsList(record.to)),
        cc: composeField(detailsList(record.cc)),
      };
      if (mailboxAtLeast("1.7")) item.from = composeField(details(record.from));
      return Object.freeze(item);
    }
    return Object.freeze({
      ...common,
      itemId: record.id,
      conversationId: record.conversationId,
      internetMessageId: record.internetMessageId,
      subject: record.subject,
      normalizedSubject: record.subject.replace(/^((re|fw|fwd|aw|wg|tr|rv)\s*:\s*)+/i, ""),
      from: details(record.from),
      sender: details(record.sender ?? record.from),
      to: detailsList(record.to),
      cc: detailsList(record.cc),
      dateTimeCreated: asDate(record.dateTimeCreated),
      dateTimeModified: asDate(record.dateTimeCreated),
      ...replyForms(record),
    });
  }

  // --- the mailbox ------------------------------------------------------------------------

  let item = itemOf(host.currentItem());
  const itemHandlers = [];

  const mailbox = {
    get item() {
      return item;
    },
    userProfile: Object.freeze({ ...host.owner, accountType: mailboxAtLeast("1.6") ? "enterprise" : undefined }),
    diagnostics: Object.freeze({ hostName: "OutlookWebApp", hostVersion: host.client.hostVersion, OWAView: "ThreeColumns" }),
  };
  if (mailboxAtLeast("1.5")) {
    mailbox.addHandlerAsync = function addHandlerAsync(eventType, handler) {
      if (arguments.length < 2) throw countError();
      if (eventType !== EventType.ItemChanged) throw argumentError("eventType");
      if (typeof handler !== "function") throw argumentError("handler");
      const { options, callback } = optionsAndCallback(arguments, 2);
      itemHandlers.push(handler);
      respond(callback, options, { value: undefined });
    };
  }
  // The page selected another item while this pane is pinned.
  host.onItemChanged(() => {
    item = itemOf(host.currentItem());
    for (const handler of itemHandlers) handler({ type: EventType.ItemChanged });
  });

  // --- the dialog API ---------------------------------------------------------------------

  // Outlook on the web shows a dialog as a browser window. Its first page must be on the
  // add-in's origin. The sign-in page is told it is a window (via=window), so it posts its
  // result to its opener, and this stand-in hands the pane that message as Office does.
  let openDialog = null;
  function displayDialogAsync(startAddress) {
    if (arguments.length < 1) throw countError();
    if (typeof startAddress !== "string") throw argumentError("startAddress");
    const { options, callback } = optionsAndCallback(arguments, 1);
    for (const size of ["height", "width"]) {
      const value = options[size];
      if (value !== undefined && (typeof value !== "number" || value < 1 || value > 100)) throw rangeError(`options.${size}`);
    }
    let url;
    try {
      url = new URL(startAddress);
    } catch {
      throw argumentError("startAddress");
    }
    if (url.origin !== window.location.origin) return respond(callback, options, { error: 12004 });
    if (openDialog && !openDialog.popup.closed) return respond(callback, options, { error: 12007 });
    if (url.searchParams.get("via") === "office") url.searchParams.set("via", "window");
    const width = Math.round((screen.availWidth * (options.width ?? 80)) / 100);
    const height = Math.round((screen.availHeight * (options.height ?? 80)) / 100);
    const popup = window.open(url.toString(), "_blank", `popup,width=${width},height=${height}`);
    if (!popup) return respond(callback, options, { error: 12009 });
    openDialog = createDialog(popup);
    respond(callback, options, { value: openDialog.api });
    return undefined;
  }

  function createDialog(popup) {
    const handlers = {};
    let closedByAddin = false;
    const fire = (type, arg) => handlers[type]?.({ ...arg, type });
    const onMessage = (event) => {
      if (event.source !== popup || event.origin !== window.location.origin) return;
      const message = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
      fire(EventType.DialogMessageReceived, { message, origin: event.origin });
    };
    window.addEventListener("message", onMessage);
    const watch = setInterval(() => {
      if (!popup.closed) return;
      clearInterval(watch);
      window.removeEventListener("message", onMessage);
      if (!closedByAddin) fire(EventType.DialogEventReceived, { error: 12006 });
    }, 200);
    const api = {
      addEventHandler(eventType, handler) {
        requireCount(arguments, 2, 2);
        if (eventType !== EventType.DialogMessageReceived && eventType !== EventType.DialogEventReceived) {
          throw argumentError("eventType");
        }
        if (typeof handler !== "function") throw argumentError("handler");
        handlers[eventType] = handler;
      },
      close() {
        closedByAddin = true;
        popup.close();
      },
    };
    return { popup, api };
  }

  // --- Office -----------------------------------------------------------------------------

  // No Office SSO here: the identity API is not among this client's sets, so getAccessToken
  // fails as Office does on such clients (13000) and the pane signs in through the dialog.
  function getAccessToken(options) {
    requireCount(arguments, 0, 1);
    if (options !== undefined && (options === null || typeof options !== "object")) throw argumentError("options");
    const [name, message] = OFFICE_ERRORS[13000];
    return Promise.reject({ code: 13000, name, message });
  }

  const info = Object.freeze({ host: "Outlook", platform: "OfficeOnline" });
  function onReady(callback) {
    if (callback !== undefined && typeof callback !== "function") throw argumentError("callback");
    const ready = new Promise((resolve) => {
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => resolve(info));
      else resolve(info);
    });
    if (callback) ready.then(callback);
    return ready;
  }

  const ui = {};
  if (isSetSupported("DialogApi", "1.1")) ui.displayDialogAsync = displayDialogAsync;

  window.Office = Object.freeze({
    onReady,
    AsyncResultStatus,
    CoercionType,
    EventType,
    context: Object.freeze({
      mailbox,
      displayLanguage: host.client.displayLanguage,
      officeTheme: Object.freeze({ ...host.client.officeTheme }),
      requirements: Object.freeze({ isSetSupported }),
      ui: Object.freeze(ui),
    }),
    auth: Object.freeze({ getAccessToken }),
  });
})();
