// @ts-check
// Edits of the journey document: pure functions that return a new document and leave the old one as it was.

import { arityOf } from "./filters.js";

/** @typedef {import("./types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("./types.js").Filter} Filter */
/** @typedef {import("./types.js").OperatorSpec} OperatorSpec */

export const MAX_STAGES = 20;
export const MAX_STEPS = 10;
export const MAX_HELD = 3;

/** @param {JourneyDoc} journey @returns {JourneyDoc} */
const copy = (journey) => structuredClone(journey);

/** A name no stage has yet: "Stage n" for the next position. @param {JourneyDoc} journey */
export function nextStageName(journey) {
  const names = new Set(journey.stages.map((s) => s.name));
  let n = journey.stages.length + 1;
  while (names.has(`Stage ${n}`)) n += 1;
  return `Stage ${n}`;
}

/** Append a stage with no step yet: a draft the kernel reports as incomplete until a step is picked.
 * @param {JourneyDoc} journey @param {number} maxStages */
export function addStage(journey, maxStages = MAX_STAGES) {
  if (journey.stages.length >= maxStages) return journey;
  const next = copy(journey);
  next.stages.push({ name: nextStageName(journey), steps: [] });
  return next;
}

/**
 * Where each old stage number (1-based) lands after the stages are rearranged; `undefined` when removed.
 * @param {number[]} order old 0-based indexes in their new order
 */
function renumbering(order) {
  /** @type {Map<number, number>} */
  const moved = new Map();
  order.forEach((old, position) => moved.set(old + 1, position + 1));
  return moved;
}

/**
 * Renumber what names stages: the exclusions' `between` (dropping those whose stages are gone or no longer in
 * order) and the breakdown's attributed stage (left unset when its stage is gone: the kernel asks for one).
 * @param {JourneyDoc} journey @param {number[]} order
 */
function rearrange(journey, order) {
  const next = copy(journey);
  next.stages = order.map((old) => journey.stages[old]);
  const moved = renumbering(order);
  if (next.breakdown?.stage !== undefined) {
    const stage = moved.get(next.breakdown.stage);
    if (stage === undefined) delete next.breakdown.stage;
    else next.breakdown.stage = stage;
  }
  if (next.exclusions) {
    next.exclusions = next.exclusions
      .map((x) => ({ ...x, between: /** @type {[number, number]} */ (x.between.map((n) => moved.get(n) ?? 0)) }))
      .filter((x) => x.between[0] > 0 && x.between[1] > 0 && x.between[0] < x.between[1]);
    if (!next.exclusions.length) delete next.exclusions;
  }
  return next;
}

/** @param {number} count */
const positions = (count) => Array.from({ length: count }, (_, i) => i);

/** Remove a stage; exclusions follow their stages and go when one of theirs does.
 * @param {JourneyDoc} journey @param {number} index */
export function removeStage(journey, index) {
  return rearrange(journey, positions(journey.stages.length).filter((i) => i !== index));
}

/** Move the stage at `from` to position `to` (0-based); exclusions keep pointing at the same stages.
 * @param {JourneyDoc} journey @param {number} from @param {number} to */
export function moveStage(journey, from, to) {
  if (to < 0 || to >= journey.stages.length || from === to) return journey;
  const order = positions(journey.stages.length);
  order.splice(from, 1);
  order.splice(to, 0, from);
  return rearrange(journey, order);
}

/** @param {JourneyDoc} journey @param {number} index @param {string} name */
export function renameStage(journey, index, name) {
  const next = copy(journey);
  next.stages[index].name = name;
  return next;
}

/** Mark a stage optional (the path may skip it) or required again; a required stage does not write the key.
 * @param {JourneyDoc} journey @param {number} index @param {boolean} on */
export function setOptional(journey, index, on) {
  const next = copy(journey);
  if (on) next.stages[index].optional = true;
  else delete next.stages[index].optional;
  return next;
}

/** @param {JourneyDoc} journey @param {number} stageIndex @param {string} event @param {number} maxSteps */
export function addStep(journey, stageIndex, event, maxSteps = MAX_STEPS) {
  if (journey.stages[stageIndex].steps.length >= maxSteps) return journey;
  const next = copy(journey);
  next.stages[stageIndex].steps.push({ event });
  return next;
}

/** @param {JourneyDoc} journey @param {number} stageIndex @param {number} stepIndex */
export function removeStep(journey, stageIndex, stepIndex) {
  const next = copy(journey);
  next.stages[stageIndex].steps.splice(stepIndex, 1);
  return next;
}

/** @param {JourneyDoc} journey @param {number} stageIndex @param {number} stepIndex @param {boolean} on */
export function setAnonymous(journey, stageIndex, stepIndex, on) {
  const next = copy(journey);
  const step = next.stages[stageIndex].steps[stepIndex];
  if (on) step.include_anonymous = true;
  else delete step.include_anonymous;
  return next;
}

/** Add a draft filter: a property and its first operator, no value yet (incomplete until one is typed).
 * @param {JourneyDoc} journey @param {number} stageIndex @param {number} stepIndex @param {string} property
 * @param {string} op */
export function addFilter(journey, stageIndex, stepIndex, property, op) {
  const next = copy(journey);
  const step = next.stages[stageIndex].steps[stepIndex];
  step.filters = [...(step.filters ?? []), { property, op }];
  return next;
}

/**
 * Patch a filter. A new property starts over (its operator `op` given, no value: the old value meant
 * something else); an operator that takes no value (by the operators' `registry`) drops it.
 * @param {JourneyDoc} journey @param {number} stageIndex @param {number} stepIndex @param {number} filterIndex
 * @param {Partial<Filter>} patch @param {OperatorSpec[]} registry
 */
export function updateFilter(journey, stageIndex, stepIndex, filterIndex, patch, registry) {
  const next = copy(journey);
  const filters = /** @type {Filter[]} */ (next.stages[stageIndex].steps[stepIndex].filters);
  const old = filters[filterIndex];
  /** @type {Filter} */
  const merged = patch.property !== undefined && patch.property !== old.property
    ? { property: patch.property, op: patch.op ?? old.op }
    : { ...old, ...patch };
  if (arityOf(merged.op, registry) === "none" || merged.value === undefined) delete merged.value;
  filters[filterIndex] = merged;
  return next;
}

/** @param {JourneyDoc} journey @param {number} stageIndex @param {number} stepIndex @param {number} filterIndex */
export function removeFilter(journey, stageIndex, stepIndex, filterIndex) {
  const next = copy(journey);
  const step = next.stages[stageIndex].steps[stepIndex];
  step.filters?.splice(filterIndex, 1);
  if (!step.filters?.length) delete step.filters;
  return next;
}

/**
 * Set a journey-level setting; empty values remove optional parts. Dates are kept as typed (a 5-digit
 * year included) so that the kernel reports them at their control instead of the editor dropping them.
 * @param {JourneyDoc} journey @param {string} key @param {any} value
 */
export function setSetting(journey, key, value) {
  const next = copy(journey);
  if (key === "breakdown") {
    if (!value) delete next.breakdown;
    else next.breakdown = { limit: 10, ...journey.breakdown, property: value };
  } else if (key === "breakdown_limit") {
    if (next.breakdown) next.breakdown.limit = Number(value);
  } else if (key === "start" || key === "end") {
    /** @type {Record<string, string>} */
    const range = { ...(next.date_range ?? {}) };
    if (value) range[key] = `${value}T00:00:00Z`;
    else delete range[key];
    if (Object.keys(range).length) next.date_range = range;
    else delete next.date_range;
    // the comparison needs both ends: it goes in the same edit (so undo brings both back)
    if (!hasClosedRange(next)) delete next.compare;
  } else if (key === "name" || key === "order" || key === "window") {
    next[key] = value;
  }
  return next;
}

/** The date range has a start and an end: the previous period, of the same length, is just before it.
 * @param {JourneyDoc} journey */
export function hasClosedRange(journey) {
  return Boolean(journey.date_range?.start && journey.date_range?.end);
}

/** Compare with the previous period, or not; never without a closed date range (the kernel would refuse it).
 * @param {JourneyDoc} journey @param {boolean} on */
export function setCompare(journey, on) {
  if (on && !hasClosedRange(journey)) return journey;
  const next = copy(journey);
  if (on) next.compare = "previous_period";
  else delete next.compare;
  return next;
}

/**
 * Which event of the path gives the breakdown's value. "stage" keeps the stage chosen before, else takes stage 2
 * (stage 1's event is the first touch's); the other attributions drop the stage. The default is not written.
 * @param {JourneyDoc} journey @param {import("./types.js").Attribution} attribution @param {number} [stage]
 */
export function setAttribution(journey, attribution, stage) {
  if (!journey.breakdown) return journey;
  const next = copy(journey);
  const breakdown = /** @type {import("./types.js").Breakdown} */ (next.breakdown);
  delete breakdown.attribution;
  delete breakdown.stage;
  if (attribution === "stage") {
    breakdown.attribution = attribution;
    breakdown.stage = stage ?? journey.breakdown.stage ?? Math.min(2, journey.stages.length);
  } else if (attribution === "last_touch") {
    breakdown.attribution = attribution;
  }
  return next;
}

/** Hold one more property constant along the path (at most `maxHeld`, each once).
 * @param {JourneyDoc} journey @param {string} property @param {number} maxHeld */
export function addHeld(journey, property, maxHeld = MAX_HELD) {
  const held = journey.hold_constant ?? [];
  if (!property || held.includes(property) || held.length >= maxHeld) return journey;
  return { ...copy(journey), hold_constant: [...held, property] };
}

/** Stop holding the `index`-th property constant. @param {JourneyDoc} journey @param {number} index */
export function removeHeld(journey, index) {
  const next = copy(journey);
  next.hold_constant?.splice(index, 1);
  if (!next.hold_constant?.length) delete next.hold_constant;
  return next;
}

/** @param {JourneyDoc} journey @param {string} event */
export function addExclusion(journey, event) {
  const next = copy(journey);
  next.exclusions = [...(next.exclusions ?? []), { event, between: [1, Math.max(2, next.stages.length)] }];
  return next;
}

/** @param {JourneyDoc} journey @param {number} index @param {[number, number]} between */
export function setExclusionStages(journey, index, between) {
  const next = copy(journey);
  if (next.exclusions) next.exclusions[index] = { ...next.exclusions[index], between };
  return next;
}

/** @param {JourneyDoc} journey @param {number} index */
export function removeExclusion(journey, index) {
  const next = copy(journey);
  next.exclusions?.splice(index, 1);
  if (!next.exclusions?.length) delete next.exclusions;
  return next;
}
