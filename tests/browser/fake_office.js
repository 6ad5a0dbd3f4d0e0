// A strict stand-in for Office.js, served in place of the CDN script by the browser tests.
// It implements only the Office APIs the taskpane and the sign-in dialog use, with Office's
// async result shapes; touching anything else throws and is recorded, so a test fails
// instead of passing against an API the fake invented.
//
// Configured before page scripts run through window.__fakeOfficeConfig (see conftest.py);
// driven and inspected through window.__fakeOffice.
(() => {
  "use strict";

  const EventType = {
    ItemChanged: "olkItemSelectedChanged",
    DialogMessageReceived: "dialogMessageReceived",
    DialogEventReceived: "dialogEventReceived",
  };
  const unimplemented = [];

  function strict(target, path) {
    return new Proxy(target, {
      get(object, name, receiver) {
        if (typeof name === "symbol" || name in object || name === "then" || name === "toJSON") {
          return Reflect.get(object, name, receiver);
        }
        unimplemented.push(`${path}.${name}`);
        throw new TypeError(`fake Office.js does not implement ${path}.${name}`);
      },
    });
  }

  const succeeded = (value) => ({ status: "succeeded", value, error: undefined });
  const failed = (code, message) => ({
    status: "failed",
    value: undefined,
    error: { code, name: `Error${code}`, message: message || `Office error ${code}` },
  });
  const lastFunction = (args) => [...args].reverse().find((a) => typeof a === "function");
  const reply = (args, result) => setTimeout(() => lastFunction(args)?.(result), 0);

  const onReady = (callback) => {
    const info = { host: "Outlook", platform: "PC" };
    callback?.(info);
    return Promise.resolve(info);
  };

  // --- A sign-in dialog page (opened by displayDialogAsync below): messageParent only. ---
  let parentFake = null;
  try {
    parentFake = window.opener?.__fakeOffice ?? null;
  } catch {
    parentFake = null; // cross-origin opener: not one of ours
  }
  if (parentFake) {
    window.Office = strict(
      {
        onReady,
        context: strict(
          {
            ui: strict({ messageParent: (message) => parentFake.deliverDialogMessage(message) }, "Office.context.ui"),
          },
          "Office.context",
        ),
      },
      "Office",
    );
    return;
  }

  // --- The taskpane. ---
  const config = window.__fakeOfficeConfig || {};
  const calls = [];
  const record = (method, ...args) => calls.push({ method, args: JSON.parse(JSON.stringify(args)) });
  const itemHandlers = [];

  // Read items' bodies can only be read; compose bodies also report their type and take
  // text at the cursor (recorded in seed.inserted, as Outlook would show it in the draft).
  function bodyOf(seed) {
    const body = {
      getAsync(coercionType, ...rest) {
        record("body.getAsync", coercionType);
        const failure = seed.bodyErrors?.[coercionType];
        const content = seed.body?.[coercionType];
        reply(rest, failure ? failed(failure) : succeeded(content ?? ""));
      },
    };
    if (seed.mode === "compose") {
      const bodyType = seed.bodyType ?? "html";
      body.getTypeAsync = (...args) => {
        record("body.getTypeAsync");
        reply(args, succeeded(bodyType));
      };
      body.setSelectedDataAsync = (data, options, ...rest) => {
        record("body.setSelectedDataAsync", data, options ?? null);
        if (typeof data !== "string") throw new TypeError("setSelectedDataAsync: data must be a string");
        if (bodyType === "text" && options?.coercionType === "html") return reply(rest, failed(9000, "InvalidFormatError"));
        reply(rest, succeeded(undefined));
      };
    }
    return strict(body, "item.body");
  }

  const getter = (name, value) =>
    strict(
      {
        getAsync(...args) {
          record(`${name}.getAsync`);
          reply(args, succeeded(value));
        },
      },
      `item.${name}`,
    );

  function itemOf(seed) {
    if (!seed) return null;
    const common = { itemType: "message", body: bodyOf(seed), conversationId: seed.conversationId ?? "AAQkAD-fake-conversation" };
    if (seed.mode === "compose") {
      return strict(
        {
          ...common,
          subject: getter("subject", seed.subject ?? ""),
          to: getter("to", seed.to ?? []),
          cc: getter("cc", seed.cc ?? []),
          from: getter("from", seed.from),
        },
        "item",
      );
    }
    return strict(
      {
        ...common,
        // Every message has its own id; tests that do not name one get one from the subject.
        itemId: seed.itemId ?? `AAMkAD-${encodeURIComponent(seed.subject ?? "").slice(0, 40)}`,
        internetMessageId: seed.internetMessageId ?? "<fake-message@example.test>",
        subject: seed.subject ?? "",
        from: seed.from,
        sender: seed.sender ?? seed.from,
        to: seed.to ?? [],
        cc: seed.cc ?? [],
        dateTimeCreated: new Date(seed.dateTimeCreated ?? "2026-11-20T09:30:00Z"),
        // Mailbox 1.9; below it only the synchronous displayReplyForm exists.
        ...(atLeast(supportedSets.Mailbox, "1.9")
          ? {
              displayReplyFormAsync(formData, ...rest) {
                record("item.displayReplyFormAsync", formData);
                checkReplyForm(formData);
                reply(rest, succeeded(undefined));
              },
            }
          : {}),
        displayReplyForm(formData) {
          record("item.displayReplyForm", formData);
          checkReplyForm(formData);
        },
      },
      "item",
    );
  }

  // Outlook's limit for a reply form's HTML body (32 KB); beyond it the call throws.
  function checkReplyForm(formData) {
    const html = typeof formData === "string" ? formData : formData?.htmlBody;
    if (typeof html !== "string") throw new TypeError("reply form needs an htmlBody string");
    if (html.length > 32 * 1024) throw new RangeError("htmlBody exceeds 32 KB");
  }

  // Requirement sets the fake client supports: {"Mailbox": "1.9", "NestedAppAuth": "1.1"};
  // a set given as null is one this client lacks.
  const supportedSets = { Mailbox: "1.9", IdentityAPI: "1.3", DialogApi: "1.2", ...config.requirementSets };
  const atLeast = (have, want) => {
    if (!have) return false;
    const [a, b] = [have, want || "1.1"].map((v) => v.split(".").map(Number));
    return a[0] > b[0] || (a[0] === b[0] && (a[1] ?? 0) >= (b[1] ?? 0));
  };

  let currentItem = itemOf(config.item ?? null);

  const mailbox = strict(
    {
      get item() {
        return currentItem;
      },
      userProfile: {
        displayName: "Mia Merchant",
        emailAddress: "mia@merchant.example",
        timeZone: "Europe/London",
        ...config.userProfile,
      },
      addHandlerAsync(eventType, handler, ...rest) {
        record("mailbox.addHandlerAsync", eventType);
        if (eventType !== EventType.ItemChanged) throw new TypeError(`unexpected event ${eventType}`);
        itemHandlers.push(handler);
        reply(rest, succeeded(undefined));
      },
    },
    "Office.context.mailbox",
  );


  // Dialog behaviour: {"mode": "window"} opens the URL in a real popup whose messageParent
  // reaches this page; {"openError": 12007} fails the open; {"event": 12006} reports the
  // dialog closed by the user right after opening.
  let openDialog = null;
  function displayDialogAsync(url, options, ...rest) {
    record("ui.displayDialogAsync", url, options ?? null);
    const behaviour = { mode: "window", ...config.dialog };
    if (behaviour.openError) return reply(rest, failed(behaviour.openError));
    const handlers = {};
    const popup = behaviour.mode === "window" ? window.open(url, "_blank") : null;
    const dialog = {
      handlers,
      popup,
      closedByAddin: false,
      fire(type, arg) {
        handlers[type]?.(arg);
      },
    };
    openDialog = dialog;
    const watch = setInterval(() => {
      if (popup && popup.closed && !dialog.closedByAddin) {
        clearInterval(watch);
        dialog.fire(EventType.DialogEventReceived, { error: 12006, type: EventType.DialogEventReceived });
      }
    }, 100);
    const api = strict(
      {
        addEventHandler(type, handler) {
          record("dialog.addEventHandler", type);
          handlers[type] = handler;
        },
        close() {
          record("dialog.close");
          dialog.closedByAddin = true;
          clearInterval(watch);
          popup?.close();
        },
      },
      "Dialog",
    );
    reply(rest, succeeded(api));
    if (behaviour.event) {
      setTimeout(() => dialog.fire(EventType.DialogEventReceived, { error: behaviour.event }), 20);
    }
    return undefined;
  }

  // Office.auth.getAccessToken: {"token": "..."} or {"error": 13001}; a list is used in turn.
  const tokenResults = [].concat(config.accessToken ?? { error: 13000 });
  function getAccessToken(options) {
    record("auth.getAccessToken", options ?? null);
    const result = tokenResults.length > 1 ? tokenResults.shift() : tokenResults[0];
    if (result.token) return Promise.resolve(result.token);
    return Promise.reject({ code: result.error, name: `Error${result.error}`, message: `SSO error ${result.error}` });
  }

  window.Office = strict(
    {
      onReady,
      AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
      CoercionType: { Html: "html", Text: "text" },
      EventType,
      context: strict(
        {
          mailbox,
          displayLanguage: config.displayLanguage ?? "en-US",
          // Office's theme colours (Office.context.officeTheme); {"dark": true} for a dark one.
          officeTheme: config.dark
            ? { bodyBackgroundColor: "#1f1f1f", bodyForegroundColor: "#ffffff", controlBackgroundColor: "#292929", controlForegroundColor: "#ffffff" }
            : { bodyBackgroundColor: "#ffffff", bodyForegroundColor: "#242424", controlBackgroundColor: "#ffffff", controlForegroundColor: "#242424" },
          requirements: strict(
            {
              isSetSupported(name, version) {
                return atLeast(supportedSets[name], version);
              },
            },
            "Office.context.requirements",
          ),
          ui: strict({ displayDialogAsync }, "Office.context.ui"),
        },
        "Office.context",
      ),
      auth: strict({ getAccessToken }, "Office.auth"),
    },
    "Office",
  );

  window.__fakeOffice = {
    calls,
    unimplemented,
    /** Select another item (or null) in a pinned pane: ItemChanged fires like Outlook's. */
    switchItem(seed) {
      currentItem = itemOf(seed);
      for (const handler of itemHandlers) handler({ type: EventType.ItemChanged });
    },
    deliverDialogMessage(message) {
      openDialog?.fire(EventType.DialogMessageReceived, {
        message,
        origin: window.location.origin,
        type: EventType.DialogMessageReceived,
      });
    },
  };
})();
