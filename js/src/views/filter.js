// @ts-check
// One filter row: property (the step's event's properties first), operator, value with suggestions
// from the data (counted in the step's events), "0 in data" for a value the data lacks, and remove.

import { h, neighbour, setAttr, setOptions, setText, setValue, uid } from "../dom.js";
import { errorSlot } from "../errors.js";
import {
  arityOf, formatFilterValue, lookedUpValues, operatorsFor, parseFilterValue, propertyGroups, propertyKind,
} from "../filters.js";
import { formatCount } from "../format.js";
import { removeFilter, updateFilter } from "../journey.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").Filter} Filter */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** @typedef {{s: number, t: number, f: number, event: string, filter: Filter, errors: ErrorDoc[]}} FilterProps */

const PLACEHOLDERS = { none: "", one: "value", list: "a, b, c", two: "low, high" };

/** @param {Ctx} ctx @returns {import("../dom.js").View<FilterProps>} */
export function filterRow(ctx) {
  /** @type {FilterProps} */
  let props;
  let kind = "string";
  let checked = ""; // the property and values last looked up for "0 in data"
  const listId = uid("values");
  const kindOf = (/** @type {string} */ name) => propertyKind(ctx.columns(), ctx.catalog(), name);
  /** @param {Partial<Filter>} patch */
  const edit = (patch) => ctx.commit(updateFilter(ctx.journey(), props.s, props.t, props.f, patch, ctx.operators()));

  const property = /** @type {HTMLSelectElement} */ (h("select", {
    class: "jw-filter-property",
    onchange: () => edit({ property: property.value, op: operatorsFor(kindOf(property.value), ctx.operators())[0].op }),
  }));
  const op = /** @type {HTMLSelectElement} */ (h("select", {
    class: "jw-filter-op",
    onchange: () => edit({
      op: op.value, value: parseFilterValue(op.value, formatFilterValue(props.filter.value), kind, ctx.operators()),
    }),
  }));
  const commitValue = () => edit({ value: parseFilterValue(props.filter.op, value.value, kind, ctx.operators()) });
  const lastTerm = () => value.value.split(",").pop()?.trim() ?? "";
  const value = /** @type {HTMLInputElement} */ (h("input", {
    class: "jw-filter-value", type: "text", list: listId, autocomplete: "off",
    onfocus: () => suggest(lastTerm()),
    oninput: () => suggest(lastTerm()),
    onchange: commitValue,
    onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === "Enter" && commitValue(),
  }));
  value.setAttribute("list", listId);
  const datalist = h("datalist", { id: listId });
  const absent = h("span", { class: "jw-absent", hidden: true });
  const remove = h("button", {
    class: "jw-icon jw-remove-filter", type: "button", title: "Remove filter",
    onclick: () => {
      // the focus stays in the step: on the next filter's ×, else the one before, else "+ filter"
      const list = /** @type {HTMLElement} */ (el.parentElement);
      const step = el.closest(".jw-step");
      ctx.commit(removeFilter(ctx.journey(), props.s, props.t, props.f));
      ctx.focusLater(() => neighbour(list, props.f, ".jw-remove-filter") ?? step?.querySelector(".jw-add-filter"));
    },
  }, ["×"]);
  const error = errorSlot(value);

  /** @param {string} search */
  function suggest(search) {
    if (!props.filter.property) return;
    ctx.suggest(props.event, props.filter.property, search, (values) => datalist.replaceChildren(
      ...values.map((v) => h("option", { value: v.value, label: `${formatCount(v.count)} events` })),
    ));
  }

  /** Look the filter's values up in the data; say "0 in data" for those it lacks. */
  function checkPresence() {
    const wanted = props.filter.property ? lookedUpValues(props.filter.op, props.filter.value) : [];
    const key = JSON.stringify([props.filter.property, wanted]);
    if (key === checked) return;
    checked = key;
    absent.hidden = true;
    for (const v of wanted) {
      ctx.suggest(props.event, props.filter.property, v, (values) => {
        if (checked !== key || values.some((found) => found.value === v)) return;
        setText(absent, `“${v}”: 0 in data`);
        absent.hidden = false;
      });
    }
  }

  const el = h("div", { class: "jw-filter", role: "group" }, [property, op, value, datalist, absent, remove, error.el]);
  return {
    el,
    update(next) {
      props = next;
      const { filter } = next;
      kind = kindOf(filter.property);
      const where = `Stage ${next.s + 1}, step ${next.t + 1}, filter ${next.f + 1}`;
      setAttr(property, "aria-label", `${where}: property`);
      setAttr(op, "aria-label", `${where}: operator`);
      setAttr(value, "aria-label", `${where}: value`);
      setAttr(remove, "aria-label", `Remove filter ${next.f + 1} of stage ${next.s + 1}, step ${next.t + 1}`);
      const choose = filter.property ? [] : [{ options: [{ value: "", label: "Choose a property…" }] }];
      setOptions(property, [...choose, ...propertyGroups(ctx.catalog(), ctx.columns(), next.event).map((g) => ({
        label: g.label, options: g.properties.map((p) => ({ value: p.name, label: p.label })),
      }))], filter.property);
      setOptions(op, [{ options: operatorsFor(kind, ctx.operators()).map((o) => ({ value: o.op, label: o.label })) }], filter.op);
      const arity = arityOf(filter.op, ctx.operators());
      value.hidden = arity === "none";
      value.placeholder = PLACEHOLDERS[arity];
      setValue(value, formatFilterValue(filter.value));
      error.update(next.errors);
      checkPresence();
    },
  };
}
