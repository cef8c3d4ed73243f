// @ts-check
// Shapes shared by the builder's modules (JSDoc only: this file exports nothing at run time).

/** @typedef {{property: string, op: string, value?: any}} Filter */
/** @typedef {{event: string, filters?: Filter[], include_anonymous?: boolean}} Step */
/** An `optional` stage may be skipped (docs/semantics.md#optional-stages). @typedef {{name: string, steps: Step[], optional?: boolean}} Stage */
/** @typedef {{event: string, between: [number, number]}} Exclusion */
/** @typedef {"first_touch" | "last_touch" | "stage"} Attribution */
/** Which event of the path gives the value: the start, the deepest stage's or stage `stage`'s (1-based).
 * @typedef {{property: string, limit?: number, attribution?: Attribution, stage?: number}} Breakdown */
/**
 * The journey document (docs/semantics.md#the-journey-document), as the `journey` trait holds it.
 * @typedef {{version?: number, name: string, stages: Stage[], exclusions?: Exclusion[], breakdown?: Breakdown,
 *   date_range?: {start?: string, end?: string}, order?: string, window?: string, hold_constant?: string[],
 *   compare?: "previous_period"}} JourneyDoc
 */
/** @typedef {{id: string, category: string, label: string, anonymous: boolean, properties: string[]}} EventSpec */
/** @typedef {{name: string, label?: string, type?: string}} PropertySpec */
/** @typedef {{categories: {id: string, label: string}[], events: EventSpec[], properties: PropertySpec[]}} CatalogDoc */
/** @typedef {{name: string, kind: string}} Column */
/** A validation problem from the kernel; `incomplete` marks a part still being built, not a mistake.
 * @typedef {{loc: (string|number)[], message: string, where?: string, incomplete?: boolean}} ErrorDoc */
/** How many values a filter operator takes. @typedef {"none" | "one" | "list" | "two"} Arity */
/** One filter operator of the registry (journey_widgets/operators.py), as the `operators` trait sends it.
 * @typedef {{op: string, label: string, arity: Arity, kinds: string[]}} OperatorSpec */
/** @typedef {{max_stages?: number, max_steps?: number, max_held?: number}} Limits */
/** @typedef {{value: string, count: number}} Suggestion */
/** @typedef {"idle" | "running" | "invalid" | "error"} Status */
/**
 * One funnel row as the `funnel` trait holds it (the funnel table of docs/semantics.md#result-tables), FunnelRow of
 * journey_widgets/builder/messages.py: `optional` with optional stages; compared with the previous period, the
 * current period's row with the previous period's numbers of its stage and the change (p-values when computed).
 * @typedef {{breakdown?: string | null, stage_index: number, stage: string, optional?: boolean, actors: number,
 *   anonymous_actors: number, conversion_from_previous: number | null, conversion_from_start: number | null,
 *   in_progress: number, dropped_off: number, median_seconds_from_previous: number | null,
 *   mean_seconds_from_previous: number | null, p90_seconds_from_previous: number | null,
 *   previous_actors?: number | null, previous_conversion_from_start?: number | null,
 *   conversion_from_start_change?: number | null, p_value?: number | null, p_value_holm?: number | null}} FunnelRow
 */

/** Which number of a funnel row a drill-down lists: those who reached the stage, or those who reached the stage
 * before and not it, their window closed (dropped off) or still open (in progress).
 * @typedef {"reached" | "dropped_off" | "in_progress"} DrillGroup */
/** A drill-down: the actors behind one number of stage `stage`; with `segment` (a breakdown value, null included),
 * only those of that segment. @typedef {{stage: number, group: DrillGroup, segment?: string | null}} DrillTarget */
/** @typedef {{actor_id: string, is_anonymous: boolean, depth: number, in_progress: boolean}} DrillActor */

// The custom messages between the page and the kernel: journey_widgets/builder/messages.py, one TypedDict each.
// The page's requests (`request` adds their `id`, which the reply repeats); a reply with `error` carries one
// readable line instead of its other fields (ErrorReply there).
/** Values of `property` containing `search`, counted among the events of type `event`.
 * @typedef {{type: "suggest", event: string, property: string, search: string}} SuggestRequest */
/** @typedef {DrillTarget & {type: "drilldown", limit: number}} DrilldownRequest */
/** @typedef {DrillTarget & {type: "csv"}} CsvRequest */
/** @typedef {{type: "explain", actor_id: string, anonymous: boolean}} ExplainRequest */
/** @typedef {SuggestRequest | DrilldownRequest | CsvRequest | ExplainRequest} KernelRequest */
/** @typedef {{type: "suggestions", id: number, values: Suggestion[], error?: string}} SuggestionsReply */
/**
 * The reply to a drill-down request (journey_widgets/builder/drilldown.py): the first actors, how many in all, and
 * the events that explain the step (next events of those who dropped; events between the stages of those who reached).
 * @typedef {DrillTarget & {type: "drilldown", id: number, name: string, total: number, actors: DrillActor[],
 *   next_events?: {next_event: string, actors: number}[], events_between?: {event: string, actors: number}[],
 *   error?: string}} DrillReply
 */
/** @typedef {{time: string, event: string, matches: string, failed: string}} ExplainedEvent */
/** @typedef {{type: "explanation", id: number, actor_id: string, text: string, events: ExplainedEvent[], error?: string}} ExplanationReply */
/** @typedef {{type: "csv", id: number, csv: string, error?: string}} CsvReply */
/** The reply to each request type. @typedef {{suggest: SuggestionsReply, drilldown: DrillReply, csv: CsvReply,
 *   explain: ExplanationReply}} Replies */
/** Sent by the kernel of itself: a bar of the chart was clicked. @typedef {DrillTarget & {type: "show_drilldown"}} ShowDrilldown */
/** Every message the kernel sends. @typedef {Replies[keyof Replies] | ShowDrilldown} KernelMessage */
/** Send a request to the kernel; `reply` gets its answer.
 * @typedef {<R extends KernelRequest>(content: R, reply: (answer: Replies[R["type"]]) => void) => void} Request */

/**
 * The part of anywidget's model the builder uses.
 * @typedef {{
 *   get: (name: string) => any,
 *   set: (name: string, value: any) => void,
 *   save_changes: () => void,
 *   send: (content: any) => void,
 *   on: (event: string, callback: (...args: any[]) => void) => void,
 *   off: (event: string, callback: (...args: any[]) => void) => void,
 * }} Model
 */

/**
 * What every view gets: the current state (read when needed, never copied) and the actions.
 * @typedef {{
 *   journey: () => JourneyDoc,
 *   commit: (next: JourneyDoc) => void,
 *   catalog: () => CatalogDoc,
 *   columns: () => Column[],
 *   operators: () => OperatorSpec[],
 *   warnings: () => ErrorDoc[],
 *   limits: () => {maxStages: number, maxSteps: number, maxHeld: number},
 *   suggest: (event: string, property: string, search: string, reply: (values: Suggestion[]) => void) => void,
 *   focusLater: (find: () => HTMLElement | null | undefined) => void,
 * }} Ctx
 */

export {};
