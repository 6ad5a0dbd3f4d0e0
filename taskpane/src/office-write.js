// Writing into Outlook: a reply form holding the payment link (read mode), or the same block
// at the cursor of the message being written (compose mode). Both leave sending to the user.

import { officeAsync } from "./office-item.js";

/** Opens a reply to the open message with `html` as its body. displayReplyFormAsync needs
 * Mailbox 1.9; older clients have the synchronous displayReplyForm (1.1). */
export async function replyWithHtml(office, html) {
  const item = office.context.mailbox.item;
  if (office.context.requirements.isSetSupported("Mailbox", "1.9")) {
    await officeAsync(office, "displayReplyFormAsync", (done) => item.displayReplyFormAsync({ htmlBody: html }, done));
    return "async";
  }
  item.displayReplyForm({ htmlBody: html });
  return "sync";
}

/** Inserts the block at the cursor: HTML where the body is HTML, the text version otherwise. */
export async function insertAtCursor(office, { html, text }) {
  const body = office.context.mailbox.item.body;
  const type = await officeAsync(office, "body.getTypeAsync", (done) => body.getTypeAsync(done));
  const coercionType = type === office.CoercionType.Html ? office.CoercionType.Html : office.CoercionType.Text;
  const data = coercionType === office.CoercionType.Html ? html : text;
  await officeAsync(office, "body.setSelectedDataAsync", (done) =>
    body.setSelectedDataAsync(data, { coercionType }, done),
  );
  return coercionType;
}
