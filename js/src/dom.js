// @ts-check
// Small DOM helpers. Views build their elements once and then update them in place, so a box being typed
// in keeps its text, focus and caret whatever else changes.

import { keepBrowsing } from "./select.js";

/**
 * @template P
 * @typedef {{el: HTMLElement, update: (props: P) => void}} View
 */

/**
 * Create an element: `on…` props add listeners, `class`/`dataset` set those, other props are properties
 * when the element has them, else attributes.
 * @param {string} tag @param {Record<string, any>} props @param {(Node | string | null | undefined)[]} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && key !== "list") /** @type {any} */ (node)[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

let counter = 0;
/** An id unique in the page (several builders may share it). @param {string} prefix */
export function uid(prefix) {
  counter += 1;
  return `jw-${prefix}-${counter}`;
}

/** Show `value` in a box, unless the box is being edited (focused): then the user's text wins.
 * @param {HTMLInputElement} input @param {string} value */
export function setValue(input, value) {
  // the root node, not the document: in a shadow root (marimo) the document's active element is the host
  const root = /** @type {Document | ShadowRoot} */ (input.getRootNode());
  if (root.activeElement !== input && input.value !== value) input.value = value;
}

/** @param {HTMLElement} node @param {string} text */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** @param {HTMLElement} node @param {string} name @param {string | null} value (null removes it) */
export function setAttr(node, name, value) {
  if (value === null) node.removeAttribute(name);
  else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/**
 * Set a select's options (grouped when groups have labels; a `disabled` one shown but not offered) and its selected
 * value (not over a choice being browsed from the keyboard); the options are rebuilt only when they changed.
 * @param {HTMLSelectElement} select
 * @param {{label?: string, options: {value: string, label: string, disabled?: boolean}[]}[]} groups
 * @param {string} selected
 */
export function setOptions(select, groups, selected) {
  const signature = JSON.stringify(groups);
  if (select.dataset.options !== signature) {
    select.dataset.options = signature;
    select.replaceChildren(
      ...groups.map((g) => {
        const options = g.options.map((o) => h("option", { value: o.value, disabled: o.disabled }, [o.label]));
        return g.label ? h("optgroup", { label: g.label }, options) : options;
      }).flat(),
    );
  }
  if (!keepBrowsing(select, selected) && select.value !== selected) select.value = selected;
}

/**
 * Keep `views` (one per item, in `container`) in step with `items`: create or drop views at the end,
 * then update each in place with its item.
 * @template P
 * @param {HTMLElement} container @param {View<P>[]} views @param {P[]} items @param {() => View<P>} create
 */
export function syncList(container, views, items, create) {
  while (views.length < items.length) {
    const view = create();
    views.push(view);
    container.append(view.el);
  }
  while (views.length > items.length) views.pop()?.el.remove();
  items.forEach((item, i) => views[i].update(item));
}

/**
 * Where the focus goes once the item at `index` of `list` is removed: its `selector` control in the item now at
 * `index` (the next one moved up), else in the one before; null when none is left (or it is disabled).
 * @param {Element} list @param {number} index @param {string} selector @returns {HTMLElement | null}
 */
export function neighbour(list, index, selector) {
  const item = list.children[index] ?? list.children[index - 1];
  const control = /** @type {HTMLElement | null | undefined} */ (item?.querySelector(selector));
  return control && !(/** @type {HTMLButtonElement} */ (control).disabled) ? control : null;
}

/** @param {HTMLElement} node @param {boolean} visible */
export function show(node, visible) {
  node.hidden = !visible;
}
