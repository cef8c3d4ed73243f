// @ts-check
// Every menu (<select>) of the builder applies a choice only when it is made: a click in its open list, or Enter.
// On a closed menu the browser changes the choice at each arrow or letter key (and says "change"): there, those
// keys only browse; Enter applies the choice browsed to, Escape or leaving the menu shows the applied one again.

/** The applied value of each menu being browsed. @type {WeakMap<HTMLSelectElement, string>} */
const browsing = new WeakMap();

/** Keys with which a closed menu moves its choice. @param {KeyboardEvent} e */
export function browses(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  return /^(Arrow(Up|Down|Left|Right)|Home|End|Page(Up|Down))$/.test(e.key) || (e.key.length === 1 && e.key !== " ");
}

/** Keys that open a menu's list (a choice made in it applies). @param {KeyboardEvent} e */
export function opensList(e) {
  return e.key === " " || e.key === "F4" || (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp"));
}

/**
 * Whether `select` is being browsed; if so, `applied` becomes the value it returns to (the views call this rather
 * than overwrite a choice being browsed).
 * @param {HTMLSelectElement} select @param {string} applied
 */
export function keepBrowsing(select, applied) {
  if (!browsing.has(select)) return false;
  browsing.set(select, applied);
  return true;
}

/** Stop browsing `select`, showing the applied value again. @param {HTMLSelectElement} select */
function revert(select) {
  const applied = browsing.get(select);
  browsing.delete(select);
  if (applied !== undefined) select.value = applied;
}

/**
 * Give every menu inside `root` (now or later) the behaviour above.
 * @param {HTMLElement} root @returns {() => void} removes it
 */
export function browseMenus(root) {
  /** @param {Event} e */
  const menu = (e) => (e.target instanceof HTMLSelectElement ? e.target : null);
  /** @param {KeyboardEvent} e */
  const onKeydown = (e) => {
    const select = menu(e);
    if (!select) return;
    if (browses(e)) {
      if (!browsing.has(select)) browsing.set(select, select.value); // before the browser moves the choice
    } else if (e.key === "Enter" && browsing.has(select)) {
      e.preventDefault();
      const applied = browsing.get(select);
      browsing.delete(select);
      if (select.value !== applied) select.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (e.key === "Escape" || opensList(e)) revert(select);
  };
  /** @param {Event} e */
  const onChange = (e) => {
    const select = menu(e);
    if (select && browsing.has(select)) e.stopImmediatePropagation(); // browsed, not chosen
  };
  /** @param {Event} e */
  const onLeave = (e) => {
    const select = menu(e);
    if (select) revert(select);
  };
  const listeners = /** @type {[string, (e: any) => void][]} */ ([
    ["keydown", onKeydown], ["change", onChange], ["input", onChange], ["focusout", onLeave], ["mousedown", onLeave],
  ]);
  for (const [type, listener] of listeners) root.addEventListener(type, listener, true);
  return () => {
    for (const [type, listener] of listeners) root.removeEventListener(type, listener, true);
  };
}
