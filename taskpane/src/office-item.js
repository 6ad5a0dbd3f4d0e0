// Reads the open Outlook item through Office.js into the body of POST /api/v1/prefill.

export class OfficeCallError extends Error {
  constructor(what, error) {
    super(`${what} failed: ${error?.message || error?.name || "unknown error"}`);
    this.name = "OfficeCallError";
    this.code = error?.code;
  }
}

/** Promise around an Office `...Async(…, callback)` call. */
export function officeAsync(office, what, start) {
  return new Promise((resolve, reject) => {
    start((result) => {
      if (result.status === office.AsyncResultStatus.Succeeded) resolve(result.value);
      else reject(new OfficeCallError(what, result.error));
    });
  });
}

/** Compose items expose their fields as objects with getAsync; read items as plain values. */
export function isCompose(item) {
  return typeof item.subject?.getAsync === "function";
}

function address(details) {
  if (!details?.emailAddress) return null;
  return { email: details.emailAddress, name: details.displayName || "" };
}

function addresses(list) {
  return (list || []).map(address).filter(Boolean);
}

/** HTML keeps tables and lists the extractor reads; some clients fail it, so fall back to text. */
async function readBody(office, body) {
  try {
    const html = await officeAsync(office, "body.getAsync(html)", (done) =>
      body.getAsync(office.CoercionType.Html, done),
    );
    return { body: html, body_type: "html" };
  } catch {
    const text = await officeAsync(office, "body.getAsync(text)", (done) =>
      body.getAsync(office.CoercionType.Text, done),
    );
    return { body: text, body_type: "text" };
  }
}

async function readComposeFields(office, item) {
  const get = (what, field) => officeAsync(office, what, (done) => field.getAsync(done));
  const [subject, to, cc, from] = await Promise.all([
    get("subject.getAsync", item.subject),
    get("to.getAsync", item.to),
    get("cc.getAsync", item.cc),
    // from.getAsync needs Mailbox 1.7; without it the sender is the mailbox owner.
    typeof item.from?.getAsync === "function" ? get("from.getAsync", item.from) : null,
  ]);
  return { subject, to, cc, from, sender: null, created: null };
}

function readReadFields(item) {
  const { subject, to, cc, from, sender, dateTimeCreated } = item;
  return { subject, to, cc, from, sender, created: dateTimeCreated };
}

/** Classic Outlook on Windows reports Windows zone names ("Pacific Standard Time"); the
 * server wants IANA names, which the webview itself knows. */
function ianaTimeZone(mailboxZone) {
  if (mailboxZone?.includes("/") || mailboxZone === "UTC") return mailboxZone;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** The item as the prefill request, or null when no item is open (pinned pane, nothing selected). */
export async function readCurrentItem(office) {
  // No mailbox outside Outlook (the page opened in a plain browser).
  const mailbox = office.context.mailbox;
  const item = mailbox?.item;
  if (!item) return null;
  const mode = isCompose(item) ? "compose" : "read";
  const fields = mode === "compose" ? await readComposeFields(office, item) : readReadFields(item);
  const profile = mailbox.userProfile;
  return {
    mode,
    subject: fields.subject || "",
    ...(await readBody(office, item.body)),
    from: address(fields.from ?? { emailAddress: profile.emailAddress, displayName: profile.displayName }),
    sender: address(fields.sender),
    to: addresses(fields.to),
    cc: addresses(fields.cc),
    item_date: fields.created ? new Date(fields.created).toISOString() : null,
    mailbox_owner: profile.emailAddress,
    time_zone: ianaTimeZone(profile.timeZone),
    locale: office.context.displayLanguage || "en-US",
  };
}

/** A name for the open item that stays the same while it is open: the draft's storage key.
 * Read items have an id; a message being written has none before it is saved, so it is known
 * by its conversation (a reply) or as the one new message of this pane. */
export function itemKey(item) {
  if (!item) return null;
  if (!isCompose(item)) return `read:${item.itemId}`;
  return `compose:${item.conversationId || "new"}`;
}

// The invoices API keeps at most this much of the subject.
const MAX_SOURCE_SUBJECT = 255;

/** Which email an invoice came from, as the invoices API records it (read items only). */
export function sourceEmail(item) {
  if (!item || isCompose(item)) return null;
  return {
    item_id: item.itemId ?? "",
    conversation_id: item.conversationId ?? "",
    internet_message_id: item.internetMessageId ?? "",
    subject: (item.subject ?? "").slice(0, MAX_SOURCE_SUBJECT),
  };
}
