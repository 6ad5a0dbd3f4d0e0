// An invoice after it was created: number, status, total, payment link with Copy, the next
// actions its status allows (send, publish, refresh, cancel after a confirmation naming it),
// and the reply with the link (read mode) or the link inserted at the cursor (compose mode).

import { formatDate } from "./dates.js";
import { byId, h, setText } from "./dom.js";
import { formatAmount } from "./money.js";
import { insertAtCursor, replyWithHtml } from "./office-write.js";
import { createPoller, invoiceIsFinal } from "./poller.js";
import { paymentMessage } from "./reply-html.js";
import { announce, showView } from "./views.js";

const ACTIONS = ["send", "publish", "refresh", "cancel"];

export function createResultView({ t, locale, currencies, office, api, explain, onBack, onChanged }) {
  let invoice = null;
  let context = null;
  // A payment (reported to the server by a webhook or reconciliation) shows without a reload.
  const follow = createPoller({
    fetchIfChanged: api.getIfChanged,
    isFinal: invoiceIsFinal,
    isHidden: () => document.visibilityState === "hidden",
    onChange: (next) => {
      const news = next.status !== invoice.status || next.balance !== invoice.balance;
      invoice = next;
      onChanged(invoice);
      if (!news) return;
      render();
      announce(t(`status.${invoice.status}`));
    },
  });
  const followInvoice = () => follow.start(`/api/v1/invoices/${encodeURIComponent(invoice.id)}`, invoice);

  const amount = (value) => formatAmount(value, invoice.currency, currencies.digits(invoice.currency), locale);

  function facts() {
    const rows = [[t("result.total"), amount(invoice.total)]];
    if (invoice.balance !== null && invoice.balance !== undefined && invoice.balance !== invoice.total) {
      rows.push([t("result.balance"), amount(invoice.balance)]);
    }
    const due = formatDate(invoice.due_date, locale);
    rows.push([t("result.due"), invoice.overdue ? `${due} · ${t("result.overdue")}` : due]);
    return rows.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]);
  }

  function actionButtons() {
    const allowed = new Set(invoice.allowed_actions ?? []);
    return ACTIONS.filter((action) => allowed.has(action)).map((action) =>
      h("button", {
        type: "button",
        className: action === "cancel" ? "button button-danger-subtle" : "button",
        id: `action-${action}`,
        textContent: t(`action.${action}`),
        onclick: () => (action === "cancel" ? askCancel() : run(action)),
      }),
    );
  }

  function render() {
    setText("result-heading", t("result.heading", { number: invoice.number }));
    const status = byId("result-status");
    status.textContent = invoice.status ? t(`status.${invoice.status}`) : t("status.none");
    status.dataset.status = invoice.status ?? "none";
    byId("result-facts").replaceChildren(...facts());
    setText("result-next", invoice.next_step);
    const warning = byId("result-warning");
    warning.textContent = invoice.warning ?? "";
    warning.hidden = !invoice.warning;
    const link = invoice.payment_link;
    byId("result-link").value = link ?? "";
    byId("result-link").closest(".copy-row").hidden = !link;
    byId("result-nolink").hidden = Boolean(link);
    const share = byId("result-share");
    share.textContent = context.mode === "compose" ? t("action.insert") : t("action.reply");
    share.hidden = !link || !office?.context?.mailbox?.item;
    byId("result-actions").replaceChildren(...actionButtons());
    byId("cancel-confirm").hidden = true;
    hideError();
  }

  function hideError() {
    byId("result-error").hidden = true;
  }

  function fail(error) {
    const notice = byId("result-error");
    notice.textContent = explain(error);
    notice.hidden = false;
  }

  async function run(action) {
    const button = byId(`action-${action}`);
    button.disabled = true;
    try {
      invoice = await api.post(`/api/v1/invoices/${encodeURIComponent(invoice.id)}/${action}`);
      onChanged(invoice);
      render();
      followInvoice();
      announce(invoice.next_step || t(`status.${invoice.status}`));
    } catch (error) {
      button.disabled = false;
      fail(error);
    }
  }

  function askCancel() {
    const customer = invoice.customer?.name || invoice.customer?.email || "";
    setText("cancel-question", t("cancel.question", { number: invoice.number, total: amount(invoice.total), customer }));
    byId("cancel-yes").textContent = t("cancel.yes", { number: invoice.number });
    byId("cancel-confirm").hidden = false;
    byId("cancel-no").focus();
  }

  function message() {
    return paymentMessage({
      invoice,
      customerName: invoice.customer?.name ?? "",
      senderName: context.senderName,
      total: amount(invoice.total),
      dueDate: formatDate(invoice.due_date, locale),
      t,
    });
  }

  async function share() {
    hideError();
    try {
      if (context.mode === "compose") {
        await insertAtCursor(office, message());
        announce(t("insert.done"));
      } else {
        await replyWithHtml(office, message().html);
        announce(t("reply.opened"));
      }
    } catch (error) {
      fail(error);
    }
  }

  async function copy() {
    const input = byId("result-link");
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select(); // clipboard refused (permissions): the link is selected for Ctrl+C
      return;
    }
    byId("result-copy").textContent = t("result.copied");
    announce(t("result.copied"));
    setTimeout(() => {
      byId("result-copy").textContent = t("result.copy");
    }, 2000);
  }

  byId("result-share").addEventListener("click", share);
  byId("result-copy").addEventListener("click", copy);
  byId("result-back").addEventListener("click", () => {
    follow.stop();
    onBack(invoice);
  });
  byId("cancel-no").addEventListener("click", () => {
    byId("cancel-confirm").hidden = true;
    byId("action-cancel")?.focus();
  });
  byId("cancel-yes").addEventListener("click", () => {
    byId("cancel-confirm").hidden = true;
    run("cancel");
  });

  return {
    show(next, showContext) {
      invoice = next;
      context = showContext;
      render();
      showView("result");
      byId("result-heading").focus?.();
      followInvoice();
    },
    hide() {
      follow.stop();
    },
  };
}
