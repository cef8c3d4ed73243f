// @ts-check
// "Hold constant": up to a few properties every event of a path must share (the same product…), as chips
// with a remove button, and a menu of the data's other columns to add one.

import { h, setAttr, setOptions, setText, syncList } from "../dom.js";
import { errorSlot, errorsAt } from "../errors.js";
import { propertyLabel } from "../filters.js";
import { addHeld, removeHeld } from "../journey.js";
import { field } from "./field.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** @typedef {import("./settings.js").SettingsProps} SettingsProps */
/** @typedef {{i: number, property: string, errors: ErrorDoc[]}} HeldProps */

/** @param {Ctx} ctx @returns {import("../dom.js").View<HeldProps>} */
function heldChip(ctx) {
  /** @type {HeldProps} */
  let props;
  const name = h("span");
  const remove = h("button", {
    class: "jw-icon jw-remove-held", type: "button", onclick: () => ctx.commit(removeHeld(ctx.journey(), props.i)),
  }, ["×"]);
  const chip = h("span", { class: "jw-held", role: "group" }, [name, remove]);
  const error = errorSlot(chip);
  return {
    el: h("span", { class: "jw-held-item" }, [chip, error.el]),
    update(next) {
      props = next;
      const label = propertyLabel(ctx.catalog(), next.property);
      setText(name, label);
      setAttr(chip, "aria-label", `Held constant: ${label}`);
      setAttr(remove, "aria-label", `Stop holding ${label} constant`);
      setAttr(remove, "title", `Stop holding ${label} constant`);
      error.update(errorsAt(next.errors, [["hold_constant", next.i]]));
    },
  };
}

/** @param {Ctx} ctx @returns {import("../dom.js").View<SettingsProps>} */
export function heldView(ctx) {
  const chips = h("span", { class: "jw-held-list" });
  /** @type {import("../dom.js").View<HeldProps>[]} */
  const views = [];
  const add = /** @type {HTMLSelectElement} */ (h("select", {
    class: "jw-add-held", "aria-label": "Hold a property constant along the path",
    title: "Every event of a path must have the same value of this property (the same product, …)",
    onchange: () => add.value && ctx.commit(addHeld(ctx.journey(), add.value, ctx.limits().maxHeld)),
  }));
  const error = errorSlot(add);
  return {
    el: field("Hold constant", chips, add, error.el),
    update({ doc, errors }) {
      const held = doc.hold_constant ?? [];
      syncList(chips, views, held.map((property, i) => ({ i, property, errors })), () => heldChip(ctx));
      const free = ctx.columns().filter((c) => !held.includes(c.name));
      setOptions(add, [{ options: [{ value: "", label: held.length ? "+ another" : "none" },
        ...free.map((c) => ({ value: c.name, label: propertyLabel(ctx.catalog(), c.name) }))] }], "");
      add.hidden = held.length >= ctx.limits().maxHeld || !free.length;
      error.update(errorsAt(errors, [["hold_constant"]]));
    },
  };
}
