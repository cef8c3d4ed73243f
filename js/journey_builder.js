// The journey step-builder: plain ESM, no build step. The journey (SPEC §4 JSON) lives in the
// model's `journey` trait; every edit produces a new journey object through the pure functions
// below (exported for `node --test`), then `model.save_changes()`. Queries run in the kernel.

/** @typedef {{property: string, op: string, value?: any}} Filter */
/** @typedef {{event: string, filters?: Filter[], include_anonymous?: boolean}} Step */
/** @typedef {{name: string, steps: Step[]}} Stage */
/** @typedef {{name: string, stages: Stage[], exclusions?: any[], breakdown?: any, date_range?: any,
 *             order?: string, window?: string, [key: string]: any}} JourneyDoc */
/** @typedef {{id: string, category: string, label: string, anonymous: boolean, properties: string[]}} EventSpec */
/** @typedef {{categories: {id: string, label: string}[], events: EventSpec[], properties: any[]}} CatalogDoc */
/** @typedef {{loc: (string|number)[], message: string, where?: string}} ErrorDoc */

/** @typedef {{op: string, label: string, arity: string, kinds: string[]}} OperatorDoc */

/** The operators (the model's `operators`, from Python's registry) offered for a property kind.
 * @param {OperatorDoc[]} operators @param {string} kind */
export function opsFor(operators, kind) {
  const known = operators.some((o) => o.kinds.includes(kind));
  return operators.filter((o) => o.kinds.includes(known ? kind : "other")).map((o) => o.op);
}

/** @param {OperatorDoc[]} operators @param {string} op */
export function opLabel(operators, op) {
  return operators.find((o) => o.op === op)?.label ?? op;
}

/** @param {JourneyDoc} journey @returns {JourneyDoc} */
const copy = (journey) => structuredClone(journey);

/** @param {JourneyDoc} journey */
export function nextStageName(journey) {
  const names = new Set(journey.stages.map((s) => s.name));
  let n = journey.stages.length + 1;
  while (names.has(`Stage ${n}`)) n += 1;
  return `Stage ${n}`;
}

/** @param {JourneyDoc} journey @param {string} event */
export function addStage(journey, event = "page_visited", maxStages = Infinity) {
  if (journey.stages.length >= maxStages) return journey;
  const next = copy(journey);
  next.stages.push({ name: nextStageName(journey), steps: [{ event }] });
  return next;
}

/** Remove a stage and the exclusions that name it. */
export function removeStage(journey, index) {
  const next = copy(journey);
  next.stages.splice(index, 1);
  const count = next.stages.length;
  if (next.exclusions) {
    next.exclusions = next.exclusions.filter((x) => x.between[1] <= count && x.between[0] !== index + 1);
    if (!next.exclusions.length) delete next.exclusions;
  }
  return next;
}

/** Move the stage at `from` to position `to` (0-based). */
export function moveStage(journey, from, to) {
  if (to < 0 || to >= journey.stages.length || from === to) return journey;
  const next = copy(journey);
  const [stage] = next.stages.splice(from, 1);
  next.stages.splice(to, 0, stage);
  return next;
}

export function renameStage(journey, index, name) {
  const next = copy(journey);
  next.stages[index].name = name;
  return next;
}

export function addStep(journey, stageIndex, event, maxSteps = Infinity) {
  if (journey.stages[stageIndex].steps.length >= maxSteps) return journey;
  const next = copy(journey);
  next.stages[stageIndex].steps.push({ event });
  return next;
}

export function removeStep(journey, stageIndex, stepIndex) {
  const next = copy(journey);
  next.stages[stageIndex].steps.splice(stepIndex, 1);
  return next;
}

export function setAnonymous(journey, stageIndex, stepIndex, on) {
  const next = copy(journey);
  const step = next.stages[stageIndex].steps[stepIndex];
  if (on) step.include_anonymous = true;
  else delete step.include_anonymous;
  return next;
}

/** Add a filter with a sensible first operator for the property's kind. */
export function addFilter(journey, stageIndex, stepIndex, property, kind, operators) {
  const next = copy(journey);
  const step = next.stages[stageIndex].steps[stepIndex];
  const op = opsFor(operators, kind)[0];
  step.filters = [...(step.filters ?? []), { property, op, value: op === "is_known" ? undefined : "" }];
  return next;
}

/** Patch a filter; changing the op reshapes the value (list, pair, scalar or none). */
export function updateFilter(journey, stageIndex, stepIndex, filterIndex, patch) {
  const next = copy(journey);
  const filters = next.stages[stageIndex].steps[stepIndex].filters;
  const merged = { ...filters[filterIndex], ...patch };
  if (merged.op === "is_known" || merged.op === "is_unknown") delete merged.value;
  filters[filterIndex] = merged;
  return next;
}

export function removeFilter(journey, stageIndex, stepIndex, filterIndex) {
  const next = copy(journey);
  const step = next.stages[stageIndex].steps[stepIndex];
  step.filters.splice(filterIndex, 1);
  if (!step.filters.length) delete step.filters;
  return next;
}

/** Turn the text of a value box into the JSON value the op expects. */
export function parseFilterValue(op, text, kind = "string") {
  const scalar = (t) => {
    const trimmed = t.trim();
    if (kind === "number" && trimmed !== "" && !Number.isNaN(Number(trimmed))) return Number(trimmed);
    if (kind === "boolean") return trimmed === "true";
    return kind === "string" ? t : trimmed;
  };
  if (op === "is_known" || op === "is_unknown") return undefined;
  if (op === "in" || op === "not_in") return text.split(",").map((v) => v.trim()).filter((v) => v !== "").map(scalar);
  if (op === "between") return text.split(",").slice(0, 2).map((v) => scalar(v.trim()));
  return scalar(text);
}

/** The text shown in a value box for a filter's value. */
export function formatFilterValue(value) {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** Set a journey-level setting; empty values remove optional parts. */
export function setSetting(journey, key, value) {
  const next = copy(journey);
  if (key === "breakdown") {
    if (!value) delete next.breakdown;
    else next.breakdown = { property: value, limit: journey.breakdown?.limit ?? 10 };
  } else if (key === "breakdown_limit") {
    if (next.breakdown) next.breakdown.limit = Number(value);
  } else if (key === "start" || key === "end") {
    const range = { ...(next.date_range ?? {}) };
    if (value) range[key] = `${value}T00:00:00Z`;
    else delete range[key];
    if (Object.keys(range).length) next.date_range = range;
    else delete next.date_range;
  } else {
    next[key] = value;
  }
  return next;
}

export function addExclusion(journey, event) {
  const next = copy(journey);
  next.exclusions = [...(next.exclusions ?? []), { event, between: [1, Math.max(2, next.stages.length)] }];
  return next;
}

export function updateExclusion(journey, index, patch) {
  const next = copy(journey);
  next.exclusions[index] = { ...next.exclusions[index], ...patch };
  return next;
}

export function removeExclusion(journey, index) {
  const next = copy(journey);
  next.exclusions.splice(index, 1);
  if (!next.exclusions.length) delete next.exclusions;
  return next;
}

/** Catalog events matching `text` (label, id or category), grouped by category in catalog order. */
export function searchEvents(catalog, text) {
  const needle = text.trim().toLowerCase();
  const labels = Object.fromEntries(catalog.categories.map((c) => [c.id, c.label]));
  const groups = [];
  for (const category of catalog.categories) {
    const events = catalog.events.filter(
      (e) => e.category === category.id &&
        [e.id, e.label, e.category, labels[e.category] ?? ""].some((t) => t.toLowerCase().includes(needle)),
    );
    if (events.length) groups.push({ category: category.id, label: category.label, events });
  }
  return groups;
}

/** Errors whose location is exactly `loc` (e.g. ["stages", 0, "steps", 1]). */
export function errorsAt(errors, loc) {
  return errors.filter((e) => e.loc.length === loc.length && e.loc.every((p, i) => p === loc[i]));
}

/** Errors not attached to a control that exists (shown at the top). */
export function looseErrors(errors, knownLocs) {
  const keys = new Set(knownLocs.map((l) => JSON.stringify(l)));
  return errors.filter((e) => !keys.has(JSON.stringify(e.loc)));
}

/** Kind of a property: from the data's columns, else the catalog, else string. */
export function propertyKind(columns, catalog, name) {
  const column = columns.find((c) => c.name === name);
  if (column) return column.kind;
  const spec = catalog.properties.find((p) => p.name === name);
  return spec?.type ?? "string";
}

/** Properties offered for a step: the event's catalog properties present in the data, then other columns. */
export function propertiesFor(catalog, columns, eventId) {
  const event = catalog.events.find((e) => e.id === eventId);
  const available = new Set(columns.map((c) => c.name));
  const preferred = (event?.properties ?? []).filter((p) => available.has(p));
  return [...preferred, ...columns.map((c) => c.name).filter((p) => !preferred.includes(p))];
}

export function formatCount(n) {
  if (n === null || n === undefined) return "–";
  return Number(n).toLocaleString("en-US");
}

export function formatShare(x) {
  return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`;
}

export function formatSeconds(s) {
  if (s === null || s === undefined) return "–";
  for (const [size, unit] of [[86400, "d"], [3600, "h"], [60, "min"]]) if (s >= size) return `${(s / size).toFixed(1)} ${unit}`;
  return `${s.toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------- DOM
/** @param {string} tag @param {Record<string, any>} props @param {(Node|string)[]} children */
function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && key !== "list") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** `replaceChildren` without the nulls of optional parts. */
function replaceWith(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

function errorNodes(errors, loc) {
  return errorsAt(errors, loc).map((e) => h("div", { class: "jw-error", role: "alert" }, [e.message]));
}

/** Warnings at `loc`: shown like errors, but they do not stop the run. */
function warningNodes(warnings, loc) {
  return errorsAt(warnings, loc).map((w) => h("div", { class: "jw-warning", role: "status" }, [w.message]));
}

/** @param {{model: any, el: HTMLElement}} ctx */
function render({ model, el }) {
  // Typing in the builder must not trigger JupyterLab's notebook shortcuts (Enter, A, B, D D…).
  const root = h("div", { class: "jw-root", "data-lm-suppress-shortcuts": "true" });
  const editor = h("div", { class: "jw-editor" });
  const results = h("div", { class: "jw-results" });
  root.append(editor, results);
  el.append(root);
  let requestId = 0;
  const suggestionLists = new Map();

  let quiet = false;
  const commit = (journey) => {
    model.set("journey", journey);
    model.save_changes();
  };
  // Text edits: the box already shows the new text, so no redraw (a redraw between mousedown and
  // mouseup would swallow the click that blurred the box).
  const commitText = (journey) => {
    quiet = true;
    try {
      commit(journey);
    } finally {
      quiet = false;
    }
  };
  // Enter commits a text box, as leaving it does.
  root.addEventListener("keydown", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (event.key === "Enter" && target instanceof HTMLInputElement && target.type !== "checkbox") target.blur();
  });
  const journey = () => model.get("journey");
  const catalog = () => model.get("catalog");
  const columns = () => model.get("columns");
  const operators = () => model.get("operators") ?? [];
  const limits = () => model.get("limits") ?? {};

  function suggest(property, search, listId) {
    requestId += 1;
    suggestionLists.set(requestId, listId);
    model.send({ type: "suggest", id: requestId, property, search });
  }

  function onCustom(message) {
    if (message?.type !== "suggestions") return;
    const list = root.querySelector(`#${suggestionLists.get(message.id)}`);
    suggestionLists.delete(message.id);
    if (!list) return;
    list.replaceChildren(...message.values.map((v) => h("option", { value: v.value, label: `${v.value} (${formatCount(v.count)})` })));
  }

  function eventLabel(id) {
    return catalog().events.find((e) => e.id === id)?.label ?? id;
  }

  function filterRow(doc, s, t, f, filter, errors, loc) {
    const kind = propertyKind(columns(), catalog(), filter.property);
    const key = `f-${s}-${t}-${f}`;
    const listId = `jw-values-${model.model_id ?? "m"}-${s}-${t}-${f}`.replace(/[^a-zA-Z0-9_-]/g, "");
    const valueBox = filter.op === "is_known" || filter.op === "is_unknown" ? null : h("input", {
      class: "jw-filter-value", type: "text", value: formatFilterValue(filter.value), list: listId,
      placeholder: filter.op === "between" ? "low, high" : filter.op.endsWith("in") ? "a, b, c" : "value",
      dataset: { key: `${key}-value` }, "aria-label": "filter value",
      onfocus: (e) => suggest(filter.property, e.target.value.split(",").pop().trim(), listId),
      oninput: (e) => suggest(filter.property, e.target.value.split(",").pop().trim(), listId),
      onchange: (e) => commitText(updateFilter(journey(), s, t, f, { value: parseFilterValue(filter.op, e.target.value, kind) })),
    });
    if (valueBox) valueBox.setAttribute("list", listId);
    return h("div", { class: "jw-filter", dataset: { loc: JSON.stringify(loc) } }, [
      h("select", {
        class: "jw-filter-property", "aria-label": "property", dataset: { key: `${key}-property` },
        onchange: (e) => commit(updateFilter(journey(), s, t, f, { property: e.target.value })),
      }, propertiesFor(catalog(), columns(), doc.event).map((p) => h("option", { value: p, selected: p === filter.property }, [p]))),
      h("select", {
        class: "jw-filter-op", "aria-label": "operator", dataset: { key: `${key}-op` },
        onchange: (e) => commit(updateFilter(journey(), s, t, f, {
          op: e.target.value, value: parseFilterValue(e.target.value, formatFilterValue(filter.value), kind),
        })),
      }, opsFor(operators(), kind).map((op) => h("option", { value: op, selected: op === filter.op }, [opLabel(operators(), op)]))),
      valueBox,
      h("datalist", { id: listId }),
      h("button", { class: "jw-icon jw-remove-filter", title: "Remove filter", "aria-label": "remove filter",
        onclick: () => commit(removeFilter(journey(), s, t, f)) }, ["×"]),
      ...errorNodes(errors, loc),
    ]);
  }

  function stepRow(step, s, t, errors) {
    const loc = ["stages", s, "steps", t];
    const spec = catalog().events.find((e) => e.id === step.event);
    const filters = step.filters ?? [];
    const firstProperty = propertiesFor(catalog(), columns(), step.event)[0];
    return h("div", { class: "jw-step", dataset: { loc: JSON.stringify(loc) } }, [
      h("div", { class: "jw-step-head" }, [
        h("span", { class: "jw-or" }, [t === 0 ? "" : "or"]),
        h("span", { class: "jw-step-label", title: step.event }, [eventLabel(step.event)]),
        spec?.anonymous ? h("label", { class: "jw-anonymous" }, [
          h("input", { type: "checkbox", checked: !!step.include_anonymous, "aria-label": "include anonymous visitors",
            onchange: (e) => commit(setAnonymous(journey(), s, t, e.target.checked)) }),
          " include anonymous visitors",
        ]) : null,
        firstProperty ? h("button", { class: "jw-link jw-add-filter",
          onclick: () => commit(addFilter(journey(), s, t, firstProperty, propertyKind(columns(), catalog(), firstProperty), operators())) },
        ["+ filter"]) : null,
        h("button", { class: "jw-icon jw-remove-step", title: "Remove step", "aria-label": "remove step",
          onclick: () => commit(removeStep(journey(), s, t)) }, ["×"]),
      ]),
      ...filters.map((filter, f) => filterRow(step, s, t, f, filter, errors, [...loc, "filters", f])),
      ...errorNodes(errors, loc),
      ...warningNodes(model.get("warnings") ?? [], loc),
    ]);
  }

  function eventPicker(onPick, label, className) {
    const select = h("select", { class: `jw-picker-select ${className}-select`, "aria-label": label });
    const search = h("input", { class: `jw-picker-search ${className}-search`, type: "search", placeholder: "Search events…",
      "aria-label": `${label}: search`, oninput: () => fill() });
    function fill() {
      const groups = searchEvents(catalog(), search.value);
      replaceWith(select, h("option", { value: "" }, [groups.length ? `${label}…` : "No matching event"]),
        ...groups.map((g) => h("optgroup", { label: g.label }, g.events.map((e) => h("option", { value: e.id }, [e.label])))));
    }
    select.addEventListener("change", () => select.value && onPick(select.value));
    fill();
    return h("div", { class: `jw-picker ${className}` }, [search, select]);
  }

  let dragFrom = null;
  function stageCard(stage, s, errors, count) {
    const loc = ["stages", s];
    return h("div", {
      class: "jw-stage", draggable: true, dataset: { index: String(s), loc: JSON.stringify(loc) },
      ondragstart: (e) => { dragFrom = s; e.dataTransfer.effectAllowed = "move"; },
      ondragover: (e) => e.preventDefault(),
      ondrop: (e) => { e.preventDefault(); if (dragFrom !== null) commit(moveStage(journey(), dragFrom, s)); dragFrom = null; },
    }, [
      h("div", { class: "jw-stage-head" }, [
        h("span", { class: "jw-handle", title: "Drag to reorder" }, ["⠿"]),
        h("span", { class: "jw-stage-number" }, [String(s + 1)]),
        h("input", { class: "jw-stage-name", type: "text", value: stage.name, "aria-label": `stage ${s + 1} name`,
          dataset: { key: `stage-${s}-name` }, onchange: (e) => commitText(renameStage(journey(), s, e.target.value)) }),
        h("button", { class: "jw-icon jw-move-up", title: "Move up", "aria-label": "move stage up", disabled: s === 0,
          onclick: () => commit(moveStage(journey(), s, s - 1)) }, ["↑"]),
        h("button", { class: "jw-icon jw-move-down", title: "Move down", "aria-label": "move stage down",
          disabled: s === count - 1, onclick: () => commit(moveStage(journey(), s, s + 1)) }, ["↓"]),
        h("button", { class: "jw-icon jw-remove-stage", title: "Remove stage", "aria-label": "remove stage",
          disabled: count === 1, onclick: () => commit(removeStage(journey(), s)) }, ["×"]),
      ]),
      ...errorNodes(errors, loc),
      ...errorNodes(errors, [...loc, "name"]),
      ...errorNodes(errors, [...loc, "steps"]),
      ...stage.steps.map((step, t) => stepRow(step, s, t, errors)),
      stage.steps.length < limits().max_steps ? eventPicker((id) => commit(addStep(journey(), s, id, limits().max_steps)), "Add a step (or)", "jw-add-step") : null,
    ]);
  }

  function settings(doc, errors) {
    const field = (label, control, loc) => h("label", { class: "jw-setting" }, [h("span", {}, [label]), control, ...errorNodes(errors, loc)]);
    const day = (value) => (value ? value.slice(0, 10) : "");
    return h("div", { class: "jw-settings" }, [
      field("Name", h("input", { class: "jw-journey-name", type: "text", value: doc.name, dataset: { key: "name" },
        onchange: (e) => commitText(setSetting(journey(), "name", e.target.value)) }), ["name"]),
      field("Order", h("select", { class: "jw-order", onchange: (e) => commit(setSetting(journey(), "order", e.target.value)) }, [
        h("option", { value: "ordered", selected: doc.order !== "any" }, ["in order"]),
        h("option", { value: "any", selected: doc.order === "any" }, ["any order"]),
      ]), ["order"]),
      field("Window", h("input", { class: "jw-window", type: "text", value: doc.window ?? "P30D", size: 8, dataset: { key: "window" },
        title: "ISO 8601 (P30D, PT12H) or 30d, 12h", onchange: (e) => commitText(setSetting(journey(), "window", e.target.value)) }), ["window"]),
      field("From", h("input", { class: "jw-start", type: "date", value: day(doc.date_range?.start),
        onchange: (e) => commit(setSetting(journey(), "start", e.target.value)) }), ["date_range"]),
      field("To", h("input", { class: "jw-end", type: "date", value: day(doc.date_range?.end),
        onchange: (e) => commit(setSetting(journey(), "end", e.target.value)) }), ["date_range", "end"]),
      field("Breakdown", h("select", { class: "jw-breakdown", onchange: (e) => commit(setSetting(journey(), "breakdown", e.target.value)) }, [
        h("option", { value: "" }, ["none"]),
        ...columns().map((c) => h("option", { value: c.name, selected: doc.breakdown?.property === c.name }, [c.name])),
      ]), ["breakdown"]),
      doc.breakdown ? field("Top", h("input", { class: "jw-breakdown-limit", type: "number", min: 1, max: 1000, value: doc.breakdown.limit ?? 10,
        onchange: (e) => commitText(setSetting(journey(), "breakdown_limit", e.target.value)) }), ["breakdown", "limit"]) : null,
    ]);
  }

  function exclusionsSection(doc, errors) {
    const count = doc.stages.length;
    const stageOptions = (selected) => doc.stages.map((st, i) => h("option", { value: i + 1, selected: selected === i + 1 }, [`${i + 1}. ${st.name}`]));
    return h("div", { class: "jw-exclusions" }, [
      h("div", { class: "jw-section-title" }, ["Exclude actors who…"]),
      ...(doc.exclusions ?? []).map((x, i) => h("div", { class: "jw-exclusion", dataset: { loc: JSON.stringify(["exclusions", i]) } }, [
        h("span", {}, [eventLabel(x.event), " between "]),
        h("select", { class: "jw-exclusion-from", onchange: (e) => commit(updateExclusion(journey(), i, { between: [Number(e.target.value), x.between[1]] })) }, stageOptions(x.between[0])),
        " and ",
        h("select", { class: "jw-exclusion-to", onchange: (e) => commit(updateExclusion(journey(), i, { between: [x.between[0], Number(e.target.value)] })) }, stageOptions(x.between[1])),
        h("button", { class: "jw-icon", "aria-label": "remove exclusion", onclick: () => commit(removeExclusion(journey(), i)) }, ["×"]),
        ...errorNodes(errors, ["exclusions", i]),
        ...warningNodes(model.get("warnings") ?? [], ["exclusions", i]),
        ...errorNodes(errors, ["exclusions", i, "between"]),
      ])),
      count >= 2 && doc.order !== "any" ? eventPicker((id) => commit(addExclusion(journey(), id)), "Add an exclusion", "jw-add-exclusion") : null,
    ]);
  }

  function drawEditor() {
    const doc = journey();
    const errors = model.get("errors") ?? [];
    const focusKey = /** @type {HTMLElement|null} */ (root.ownerDocument.activeElement)?.dataset?.key;
    const count = doc.stages?.length ?? 0;
    const knownLocs = [];
    (doc.stages ?? []).forEach((stage, s) => {
      knownLocs.push(["stages", s], ["stages", s, "name"], ["stages", s, "steps"]);
      stage.steps.forEach((step, t) => {
        knownLocs.push(["stages", s, "steps", t]);
        (step.filters ?? []).forEach((_, f) => knownLocs.push(["stages", s, "steps", t, "filters", f]));
      });
    });
    (doc.exclusions ?? []).forEach((_, i) => knownLocs.push(["exclusions", i], ["exclusions", i, "between"]));
    knownLocs.push(["name"], ["order"], ["window"], ["date_range"], ["date_range", "end"], ["breakdown"], ["breakdown", "limit"]);
    replaceWith(editor,
      settings(doc, errors),
      ...looseErrors(errors, knownLocs).map((e) => h("div", { class: "jw-error jw-error-general", role: "alert" }, [e.where ? `${e.where}: ${e.message}` : e.message])),
      h("div", { class: "jw-stages" }, (doc.stages ?? []).map((stage, s) => stageCard(stage, s, errors, count))),
      count < limits().max_stages ? h("button", { class: "jw-add-stage", onclick: () => commit(addStage(journey(), undefined, limits().max_stages)) }, ["+ Add stage"]) : null,
      exclusionsSection(doc, errors),
    );
    if (focusKey) editor.querySelector(`[data-key="${focusKey}"]`)?.focus();
  }

  function drawResults() {
    const status = model.get("status");
    const rows = model.get("funnel") ?? [];
    const broken = rows.length && "breakdown" in rows[0];
    replaceWith(results,
      h("div", { class: `jw-status jw-status-${status}`, role: "status" }, [
        status === "running" ? h("span", { class: "jw-spinner", "aria-hidden": "true" }) : null,
        status === "running" ? "Computing…" : status === "error" ? "Query failed" : rows.length ? "Up to date" : "",
      ]),
      model.get("message") ? h("div", { class: "jw-error jw-backend-error", role: "alert" }, [model.get("message")]) : null,
      rows.length ? h("table", { class: "jw-funnel-table" }, [
        h("thead", {}, [h("tr", {}, [broken ? h("th", {}, ["Segment"]) : null, ...["Stage", "Reached", "From start", "From previous", "Dropped off", "Median time"].map((c) => h("th", {}, [c]))])]),
        h("tbody", {}, rows.map((r) => h("tr", {}, [
          broken ? h("td", {}, [r.breakdown ?? "(none)"]) : null,
          h("td", {}, [`${r.stage_index}. ${r.stage}`]),
          h("td", { class: "jw-num jw-actors" }, [formatCount(r.actors)]),
          h("td", { class: "jw-num" }, [formatShare(r.conversion_from_start)]),
          h("td", { class: "jw-num" }, [r.stage_index === 1 ? "" : formatShare(r.conversion_from_previous)]),
          h("td", { class: "jw-num" }, [r.stage_index === 1 ? "" : formatCount(r.dropped_off)]),
          h("td", { class: "jw-num" }, [formatSeconds(r.median_seconds_from_previous)]),
        ]))),
      ]) : null,
    );
  }

  drawEditor();
  drawResults();
  const onJourney = () => quiet || drawEditor();
  const onResults = () => drawResults();
  model.on("change:journey", onJourney);
  model.on("change:errors", onJourney);
  model.on("change:warnings", onJourney);
  model.on("change:catalog", onJourney);
  model.on("change:columns", onJourney);
  model.on("change:operators", onJourney);
  model.on("change:limits", onJourney);
  model.on("change:status", onResults);
  model.on("change:funnel", onResults);
  model.on("change:message", onResults);
  model.on("msg:custom", onCustom);
  return () => {
    model.off("change:journey", onJourney);
    model.off("change:errors", onJourney);
    model.off("change:warnings", onJourney);
    model.off("change:catalog", onJourney);
    model.off("change:columns", onJourney);
    model.off("change:operators", onJourney);
    model.off("change:limits", onJourney);
    model.off("change:status", onResults);
    model.off("change:funnel", onResults);
    model.off("change:message", onResults);
    model.off("msg:custom", onCustom);
  };
}

export default { render };
