// The browser Outlook of /dev/outlook: a mail list, a reading pane, drafts, and the add-in's
// real taskpane beside them. The taskpane's Office.js stand-in (office-standin.js) reads and
// writes this mailbox through window.devOutlook.

const CLIENTS = {
  web: { requirementSets: { Mailbox: "1.14", DialogApi: "1.2", DialogOrigin: "1.1" }, hostVersion: "16.0.18025.20000" },
  classic: { requirementSets: { Mailbox: "1.8", DialogApi: "1.2" }, hostVersion: "16.0.10396.20000" },
  old: { requirementSets: { Mailbox: "1.1" }, hostVersion: "15.0.4420.1017" },
};
const THEMES = {
  light: { bodyBackgroundColor: "#FFFFFF", bodyForegroundColor: "#242424", controlBackgroundColor: "#FFFFFF", controlForegroundColor: "#242424" },
  dark: { bodyBackgroundColor: "#292929", bodyForegroundColor: "#FFFFFF", controlBackgroundColor: "#1F1F1F", controlForegroundColor: "#FFFFFF" },
};
const LANGUAGES = ["en-US", "de-DE"];
// Whose mailbox this is: the demo sign-in provider's users (the dialog passes the owner's
// address as login_hint, so the provider signs that user in).
const OWNERS = {
  adele: { displayName: "Adele Vance", emailAddress: "adele@contoso.example" },
  alex: { displayName: "Alex Wilber", emailAddress: "alex@contoso.example" },
  megan: { displayName: "Megan Bowen", emailAddress: "megan@fabrikam.example" },
  pat: { displayName: "Pat Doe", emailAddress: "pat@outlook.example" },
};
const byId = (id) => document.getElementById(id);

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element && name !== "list") element[name] = value;
    else element.setAttribute(name, value);
  }
  element.append(...children.filter((c) => c !== null && c !== undefined));
  return element;
}

// --- options (client, language, theme) from the query string -----------------------------

function readOptions() {
  const query = new URLSearchParams(window.location.search);
  const pick = (name, allowed, fallback) => (allowed.includes(query.get(name)) ? query.get(name) : fallback);
  return {
    user: pick("user", Object.keys(OWNERS), "adele"),
    client: pick("client", Object.keys(CLIENTS), "web"),
    lang: pick("lang", LANGUAGES, "en-US"),
    theme: pick("theme", Object.keys(THEMES), "light"),
  };
}

function bindOptions(options) {
  for (const name of Object.keys(options)) {
    const select = byId(`option-${name}`);
    select.value = options[name];
    select.addEventListener("change", () => {
      const query = new URLSearchParams(window.location.search);
      query.set(name, select.value);
      window.location.search = query.toString();
    });
  }
  document.documentElement.dataset.theme = options.theme;
}

// --- bodies ------------------------------------------------------------------------------

const BLOCKS = new Set(["P", "DIV", "TR", "LI", "H1", "H2", "H3", "TABLE", "HR", "BLOCKQUOTE"]);

/** Text of an HTML body, with line breaks where blocks end (as Outlook's Text coercion). */
function htmlToText(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent);
    if (node.nodeName === "BR") parts.push("\n");
    if (node.nodeName === "TD" || node.nodeName === "TH") parts.push("\t");
    node.childNodes.forEach(walk);
    if (BLOCKS.has(node.nodeName)) parts.push("\n");
  };
  walk(doc.body);
  return parts.join("").replace(/\n{3,}/g, "\n\n").trim();
}

function textToHtml(text) {
  const block = h("div");
  text.split("\n").forEach((line, index) => {
    if (index) block.append(h("br"));
    block.append(line);
  });
  return block.outerHTML;
}

/** Nodes of HTML a sender handed us, without anything that runs. */
function safeFragment(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.querySelectorAll("script, iframe, object, embed, link, meta, style, form").forEach((e) => e.remove());
  for (const element of doc.body.querySelectorAll("*")) {
    for (const attribute of [...element.attributes]) {
      const value = attribute.value.trim().toLowerCase();
      if (attribute.name.startsWith("on") || value.startsWith("javascript:")) element.removeAttribute(attribute.name);
    }
  }
  const fragment = document.createDocumentFragment();
  fragment.append(...doc.body.childNodes);
  return fragment;
}

function framedHtml(frame, html, theme) {
  const colors = THEMES[theme];
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><style>body{font:14px/1.5 "Segoe UI",system-ui,sans-serif;margin:0;padding:4px 2px;background:${colors.bodyBackgroundColor};color:${colors.bodyForegroundColor}}a{color:#479ef5}table{border-color:#8a8886}</style>${html}`;
  frame.onload = () => {
    frame.style.height = `${(frame.contentDocument?.documentElement.scrollHeight ?? 300) + 8}px`;
  };
}

// --- the mailbox ---------------------------------------------------------------------------

/** The sample mailbox as the chosen owner's: their name wherever the sample's owner was. */
function ownedBy(data, owner) {
  const swap = (address) => (address.emailAddress === data.owner.emailAddress ? { ...owner } : address);
  const items = data.items.map((item) => ({ ...item, from: swap(item.from), to: item.to.map(swap), cc: item.cc.map(swap) }));
  return { owner: { ...data.owner, ...owner }, items };
}

function createMailbox(sample, options) {
  const data = ownedBy(sample, OWNERS[options.user]);
  const items = data.items;
  const find = (id) => items.find((item) => item.id === id);
  const replies = new Map(); // item id -> {html, all}
  const cursors = new Map(); // compose item id -> the last Range in its editor
  let selectedId = items[0].id;
  let itemChangedListener = null;
  const pane = { open: false, pinned: false };

  const editor = () => byId("compose-editor");
  const selected = () => find(selectedId);

  function readBody(id, coercion) {
    const item = find(id);
    if (item.mode === "compose") syncDraft(item);
    const html = item.bodyType === "text" ? textToHtml(item.bodyText) : item.bodyHtml;
    return coercion === "html" ? html : item.bodyType === "text" ? item.bodyText : htmlToText(html);
  }

  function syncDraft(item) {
    if (item.id !== selectedId || !editor()) return;
    if (item.bodyType === "text") item.bodyText = editor().value;
    else item.bodyHtml = editor().innerHTML;
  }

  function insertAtCursor(id, data, coercion) {
    const item = find(id);
    if (id !== selectedId) throw new Error("only the open draft takes text at its cursor");
    const field = editor();
    if (item.bodyType === "text") {
      const at = field.dataset.touched ? field.selectionStart : 0;
      field.value = field.value.slice(0, at) + data + field.value.slice(at);
    } else {
      const range = cursors.get(id) ?? document.createRange();
      if (!cursors.has(id)) range.setStart(field, 0);
      range.deleteContents();
      range.insertNode(coercion === "html" ? safeFragment(data) : document.createTextNode(data));
    }
    syncDraft(item);
    field.classList.add("changed");
  }

  function openReply(id, html, all) {
    replies.set(id, { html, all });
    if (id === selectedId) showReply(find(id));
  }

  function showReply(item) {
    const reply = replies.get(item.id);
    byId("reply-draft").hidden = !reply;
    if (!reply) return;
    const recipients = [item.from, ...(reply.all ? [...item.to, ...item.cc] : [])];
    byId("reply-to").textContent = `To: ${recipients.map((r) => `${r.displayName} <${r.emailAddress}>`).join("; ")}`;
    const frame = byId("reply-body");
    frame.dataset.html = reply.html; // what the add-in handed Outlook, for a look in devtools
    framedHtml(frame, reply.html, options.theme);
  }

  return {
    items,
    find,
    selected,
    pane,
    select(id) {
      const previous = selected();
      if (previous.mode === "compose") syncDraft(previous);
      selectedId = id;
      return previous;
    },
    showReply,
    trackCursor(id) {
      const selection = document.getSelection();
      if (selection.rangeCount && editor()?.contains(selection.anchorNode)) cursors.set(id, selection.getRangeAt(0).cloneRange());
    },
    notifyItemChanged() {
      itemChangedListener?.();
    },
    host: {
      client: { ...CLIENTS[options.client], displayLanguage: options.lang, officeTheme: THEMES[options.theme] },
      owner: data.owner,
      currentItem: () => structuredClone(selected()),
      readBody,
      bodyType: (id) => find(id).bodyType,
      insertAtCursor,
      openReply,
      onItemChanged(listener) {
        itemChangedListener = listener; // the pane's current page; a reload replaces it
      },
    },
    setPane(next) {
      Object.assign(pane, next);
      if (!pane.open) itemChangedListener = null;
    },
  };
}

// --- rendering -----------------------------------------------------------------------------

const when = (iso) => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const person = (address) => `${address.displayName} <${address.emailAddress}>`;

function renderList(mailbox) {
  for (const folder of ["inbox", "drafts"]) {
    const list = byId(folder);
    list.replaceChildren(
      ...mailbox.items
        .filter((item) => item.folder === folder)
        .map((item) => {
          const preview = item.mode === "compose" ? `To: ${item.to.map((r) => r.displayName).join(", ")}` : item.from.displayName;
          const button = h(
            "button",
            { type: "button", className: "mail-item", dataset: { id: item.id }, ariaCurrent: item.id === mailbox.selected().id ? "true" : "false" },
            h("span", { className: "mail-from" }, preview),
            h("span", { className: "mail-subject" }, item.subject),
            item.dateTimeCreated ? h("span", { className: "mail-date" }, when(item.dateTimeCreated)) : h("span", { className: "mail-date" }, "Draft"),
          );
          return h("li", {}, button);
        }),
    );
  }
}

function renderMessage(mailbox, options) {
  const item = mailbox.selected();
  const article = byId("message");
  byId("open-addin-label").textContent = item.mode === "compose" ? "Invoice" : "Create invoice";
  if (item.mode === "compose") {
    const body =
      item.bodyType === "text"
        ? h("textarea", { id: "compose-editor", className: "compose-text", ariaLabel: "Message body (plain text)", value: item.bodyText })
        : h("div", { id: "compose-editor", className: "compose-html", contentEditable: "true", role: "textbox", ariaMultiLine: "true", ariaLabel: "Message body" });
    if (item.bodyType !== "text") body.append(safeFragment(item.bodyHtml));
    article.replaceChildren(
      h("p", { className: "compose-label" }, item.bodyType === "text" ? "Draft (plain text)" : "Draft"),
      h("p", { className: "compose-field" }, h("span", { className: "muted" }, "To "), item.to.map(person).join("; ")),
      h("p", { className: "compose-field" }, h("span", { className: "muted" }, "Subject "), item.subject),
      body,
    );
    const mark = () => {
      body.dataset.touched = "true";
      mailbox.trackCursor(item.id);
    };
    body.addEventListener("keyup", mark);
    body.addEventListener("mouseup", mark);
    body.addEventListener("focus", mark);
    body.addEventListener("input", mark);
    byId("reply-draft").hidden = true;
    return;
  }
  const frame = h("iframe", { className: "message-body", title: "Message body", sandbox: "allow-same-origin" });
  article.replaceChildren(
    h("h1", { className: "message-subject" }, item.subject),
    h(
      "div",
      { className: "message-head" },
      h("span", { className: "avatar", ariaHidden: "true" }, item.from.displayName.slice(0, 1)),
      h(
        "div",
        {},
        h("p", { className: "message-from" }, person(item.from)),
        h("p", { className: "muted" }, `To: ${item.to.map(person).join("; ")}${item.cc.length ? `   Cc: ${item.cc.map(person).join("; ")}` : ""}`),
        h("p", { className: "muted" }, when(item.dateTimeCreated)),
      ),
    ),
    frame,
  );
  framedHtml(frame, item.bodyHtml, options.theme);
  mailbox.showReply(item);
}

// --- the add-in pane -----------------------------------------------------------------------

function openPane(mailbox) {
  mailbox.setPane({ open: true });
  byId("addin").hidden = false;
  byId("addin-frame").src = "/taskpane.html";
  byId("ribbon-hint").textContent = "";
}

function closePane(mailbox) {
  mailbox.setPane({ open: false });
  byId("addin").hidden = true;
  byId("addin-frame").src = "about:blank";
  byId("ribbon-hint").textContent = "Opens the add-in beside this email.";
}

function setPinned(mailbox, pinned) {
  mailbox.setPane({ pinned });
  const button = byId("pin-addin");
  button.setAttribute("aria-pressed", String(pinned));
  button.textContent = pinned ? "Pinned" : "Pin";
}

/** Outlook keeps a pinned pane open across items of the same mode and tells it the item
 * changed; an unpinned pane (or a change between reading and writing) closes. */
function selectItem(mailbox, options, id) {
  const previous = mailbox.select(id);
  renderList(mailbox);
  renderMessage(mailbox, options);
  if (!mailbox.pane.open || previous.id === id) return;
  if (mailbox.pane.pinned && previous.mode === mailbox.selected().mode) mailbox.notifyItemChanged();
  else closePane(mailbox);
}

/** "The customer pays": the simulator's payment control, through /dev/outlook/payments. */
function bindCustomerPays() {
  byId("customer-pays").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { number: byId("pay-number").value.trim(), amount: byId("pay-amount").value.trim() };
    const response = await fetch("/dev/outlook/payments", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    byId("pay-result").textContent = response.ok
      ? `Paid ${body.amount}: the invoice is now ${answer.status}. The add-in shows it within 15 s.`
      : answer.error || answer.message || `Refused (${response.status}).`;
  });
}

async function main() {
  bindCustomerPays();
  const options = readOptions();
  bindOptions(options);
  const response = await fetch(new URL("mailbox.json", import.meta.url));
  const mailbox = createMailbox(await response.json(), options);
  window.devOutlook = mailbox.host;
  renderList(mailbox);
  renderMessage(mailbox, options);
  for (const folder of ["inbox", "drafts"]) {
    byId(folder).addEventListener("click", (event) => {
      const button = event.target.closest(".mail-item");
      if (button) selectItem(mailbox, options, button.dataset.id);
    });
  }
  byId("open-addin").addEventListener("click", () => openPane(mailbox));
  byId("close-addin").addEventListener("click", () => closePane(mailbox));
  byId("pin-addin").addEventListener("click", () => setPinned(mailbox, !mailbox.pane.pinned));
  document.addEventListener("selectionchange", () => {
    if (mailbox.selected().mode === "compose") mailbox.trackCursor(mailbox.selected().id);
  });
  document.body.dataset.ready = "true";
}

main();
