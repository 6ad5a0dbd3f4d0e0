// The four ways to create the invoice, in plain words, and the one primary button whose
// label says what it will do.

import { byId, h } from "./dom.js";
import { MODES } from "./form-state.js";

export function createModePicker({ t, onChange }) {
  const fieldset = byId("mode-picker");
  const button = byId("create-button");
  const legend = fieldset.querySelector("legend");
  const options = MODES.map((mode) => {
    const id = `mode-${mode}`;
    const input = h("input", { type: "radio", name: "mode", value: mode, id });
    input.setAttribute("aria-describedby", `${id}-hint`);
    input.addEventListener("change", () => {
      label(mode);
      onChange(mode);
    });
    return h(
      "div",
      { className: "mode" },
      input,
      h("label", { htmlFor: id }, t(`mode.${mode}`), h("span", { className: "mode-hint", id: `${id}-hint` }, t(`mode.${mode}.hint`))),
    );
  });
  fieldset.replaceChildren(legend, ...options);

  function label(mode) {
    button.textContent = t(`submit.${mode}`);
  }

  return {
    set(mode) {
      fieldset.querySelector(`#mode-${mode}`).checked = true;
      label(mode);
    },
    busy(isBusy, mode) {
      button.disabled = isBusy;
      button.textContent = isBusy ? t("submit.busy") : t(`submit.${mode}`);
    },
  };
}
