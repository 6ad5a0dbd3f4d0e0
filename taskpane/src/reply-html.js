// The block the customer receives with the payment link: greeting, one-line summary (number,
// total, due date), the link as a button-like link, and a sign-off. Every value is escaped;
// only http(s) links become links. The HTML uses attributes (bgcolor) rather than CSS where
// Outlook strips styles from inserted HTML, so it still reads as a button there.

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The link, if it is one a customer may safely be sent to (http or https); otherwise null. */
export function safeLink(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * @param {{invoice: object, customerName: string, senderName: string, total: string,
 *   dueDate: string, t: (key: string, params?: object) => string}} input
 *   `total` and `dueDate` already formatted for the reader's language.
 * @returns {{html: string, text: string}}
 */
export function paymentMessage({ invoice, customerName, senderName, total, dueDate, t }) {
  const link = safeLink(invoice.payment_link);
  const greeting = customerName ? t("reply.greetingNamed", { name: customerName }) : t("reply.greeting");
  const summary = t("reply.summary", { number: invoice.number, total, due: dueDate });
  const lines = [greeting, summary];
  const parts = [`<p>${escapeHtml(greeting)}</p>`, `<p>${escapeHtml(summary)}</p>`];
  if (link) {
    const href = escapeHtml(link);
    parts.push(
      '<table role="presentation" cellspacing="0" cellpadding="0" border="0"><tr>' +
        '<td bgcolor="#0f6cbd" style="border-radius:4px;padding:10px 18px">' +
        `<a id="LPNoLP" href="${href}" style="color:#ffffff;font-weight:600;text-decoration:none">` +
        `<font color="#ffffff"><b>${escapeHtml(t("reply.button"))}</b></font></a></td></tr></table>`,
      `<p>${escapeHtml(t("reply.linkText"))} <a href="${href}">${href}</a></p>`,
    );
    lines.push(`${t("reply.button")}: ${link}`);
  }
  const thanks = t("reply.thanks");
  parts.push(`<p>${escapeHtml(thanks)}${senderName ? `<br>${escapeHtml(senderName)}` : ""}</p>`);
  lines.push(senderName ? `${thanks}\n${senderName}` : thanks);
  return { html: `<div>${parts.join("")}</div>`, text: `${lines.join("\n\n")}\n` };
}
