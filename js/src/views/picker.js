// @ts-check
// An event picker: a search box and a menu of the matching catalog events, grouped by category.
// A mouse pick takes effect at once; from the keyboard, arrows and letters browse the menu and Enter picks.

import { searchEvents } from "../catalog.js";
import { h, setAttr, setOptions } from "../dom.js";

/** @typedef {import("../types.js").Ctx} Ctx */

/**
 * @param {Ctx} ctx @param {string} className @param {(eventId: string) => void} onPick
 * @returns {import("../dom.js").View<{label: string}>}
 */
export function eventPicker(ctx, className, onPick) {
  let label = "";
  const select = /** @type {HTMLSelectElement} */ (h("select", { class: `jw-picker-select ${className}-select` }));
  const search = /** @type {HTMLInputElement} */ (h("input", {
    class: `jw-picker-search ${className}-search`, type: "search", placeholder: "Search events…",
    oninput: () => fill(),
  }));
  // a pick (a click in the list, or Enter after the arrows browsed: select.js) adds the event
  select.addEventListener("change", () => {
    const id = select.value;
    search.value = "";
    fill();
    if (id) onPick(id);
  });

  function fill() {
    const groups = searchEvents(ctx.catalog(), search.value);
    setOptions(select, [
      { options: [{ value: "", label: groups.length ? `${label}…` : "No matching event" }] },
      ...groups.map((g) => ({ label: g.label, options: g.events.map((e) => ({ value: e.id, label: e.label })) })),
    ], "");
  }

  return {
    el: h("div", { class: `jw-picker ${className}` }, [search, select]),
    update(props) {
      label = props.label;
      setAttr(select, "aria-label", label);
      setAttr(search, "aria-label", `${label}: search events`);
      fill();
    },
  };
}
