// "This customer": the sender's invoices with status, total and due date, open and overdue
// totals per currency, and a notice on the form when an invoice already came from this email.
// Each invoice opens its result view.

import { formatDate } from "./dates.js";
import { byId, h, setText } from "./dom.js";
import { formatAmount } from "./money.js";

export function customerQuery(email, source) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(source ?? {})) {
    if (value && name !== "subject") params.set(name, value);
  }
  const query = params.toString();
  return `/api/v1/customers/${encodeURIComponent(email)}/invoices${query ? `?${query}` : ""}`;
}

export function createCustomerPanel({ t, locale, currencies, onOpen }) {
  const amount = (value, currency) => formatAmount(value, currency, currencies.digits(currency), locale);

  function totalLine({ currency, open, overdue }) {
    const parts = [t("customer.open", { amount: amount(open, currency) })];
    if (overdue && Number(overdue) > 0) parts.push(t("customer.overdue", { amount: amount(overdue, currency) }));
    return h("li", { className: Number(overdue) > 0 ? "overdue" : "" }, parts.join(" · "));
  }

  function invoiceItem(invoice) {
    const status = invoice.status ? t(`status.${invoice.status}`) : t("status.none");
    const due = t("customer.due", { date: formatDate(invoice.due_date, locale) });
    return h(
      "li",
      {},
      h(
        "button",
        { type: "button", className: "invoice-row", onclick: () => onOpen(invoice) },
        h("span", { className: "invoice-number" }, invoice.number),
        h("span", { className: "badge", dataset: { status: invoice.status ?? "none" } }, status),
        h("span", { className: "invoice-total" }, amount(invoice.total, invoice.currency)),
        h("span", { className: `invoice-due${invoice.overdue ? " overdue" : ""}` }, invoice.overdue ? `${due} · ${t("result.overdue")}` : due),
      ),
    );
  }

  function showExisting(summary) {
    const notice = byId("existing-notice");
    const mine = summary.invoices.filter((invoice) => summary.this_email?.includes(invoice.id));
    notice.hidden = mine.length === 0;
    if (!mine.length) return;
    setText("existing-text", t("existing.notice", { number: mine.map((i) => i.number).join(", ") }));
    byId("existing-open").onclick = () => onOpen(mine[0]);
  }

  return {
    hide() {
      byId("customer-panel").hidden = true;
      byId("existing-notice").hidden = true;
    },
    /** The answer of GET /api/v1/customers/<email>/invoices. */
    show(summary) {
      const panel = byId("customer-panel");
      setText(
        "customer-email",
        summary.invoices.length
          ? `${summary.customer_email} · ${t("customer.count", { count: summary.invoices.length })}`
          : t("customer.none", { email: summary.customer_email }),
      );
      byId("customer-totals").replaceChildren(...(summary.totals ?? []).map(totalLine));
      byId("customer-invoices").replaceChildren(...summary.invoices.map(invoiceItem));
      panel.hidden = false;
      showExisting(summary);
    },
  };
}
