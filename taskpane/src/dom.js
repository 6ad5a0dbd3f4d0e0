// DOM building without innerHTML: every string becomes a text node or an attribute value,
// so email-derived text can never turn into markup.

/**
 * h("p", {className: "why", dataset: {field: "currency"}}, "text", childNode)
 * Properties in `props` are assigned to the element (value, type, hidden, ...); `dataset`
 * and `attrs` entries become data-* and plain attributes.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  const { dataset = {}, attrs = {}, ...properties } = props;
  Object.assign(element, properties);
  Object.assign(element.dataset, dataset);
  for (const [name, value] of Object.entries(attrs)) {
    element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`taskpane.html has no #${id}`);
  return element;
}

export function setText(id, text) {
  byId(id).textContent = text ?? "";
}
