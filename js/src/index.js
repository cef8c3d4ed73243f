// @ts-check
// The journey step-builder (anywidget entry). The journey (docs/semantics.md#the-journey-document) lives in the model's `journey` trait;
// the views below are built once and updated in place from the model's state on every change.

import "./journey_builder.css";
import { h, setText, syncList } from "./dom.js";
import { looseErrors } from "./errors.js";
import { whenInPage } from "./host.js";
import { addStage, MAX_HELD, MAX_STAGES, MAX_STEPS } from "./journey.js";
import { containKeys } from "./keyboard.js";
import { browseMenus } from "./select.js";
import { connect } from "./sync.js";
import { watchTheme } from "./theme.js";
import { codeActions } from "./views/code_actions.js";
import { exclusionsView } from "./views/exclusions.js";
import { drilldownPanel, messageTarget } from "./views/drilldown.js";
import { resultsView } from "./views/results.js";
import { settingsView } from "./views/settings.js";
import { dragState, stageCard } from "./views/stage.js";
import { chartNote } from "./views/status.js";
import { toolbar } from "./views/toolbar.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").Ctx} Ctx */

const WATCHED = [
  "journey", "errors", "warnings", "catalog", "columns", "status", "funnel", "message", "operators", "limits", "drawing",
];

/** @param {{model: Model, el: HTMLElement}} props */
function render({ model, el }) {
  const store = connect(model);
  /** @type {Ctx} */
  const ctx = {
    journey: store.journey,
    commit: store.commit.bind(store),
    catalog: () => model.get("catalog"),
    columns: () => model.get("columns") ?? [],
    operators: () => model.get("operators"),
    warnings: () => model.get("warnings") ?? [],
    limits: () => {
      const limits = model.get("limits") ?? {};
      return {
        maxStages: limits.max_stages ?? MAX_STAGES, maxSteps: limits.max_steps ?? MAX_STEPS, maxHeld: limits.max_held ?? MAX_HELD,
      };
    },
    suggest: store.suggest,
    // after the edit's synchronous update of the views
    focusLater: (find) => queueMicrotask(() => find()?.focus()),
  };

  const tools = toolbar({ undo: () => store.undo(), redo: () => store.redo(), reset: () => store.reset() });
  const code = codeActions(model);
  tools.el.append(code.el);
  const settings = settingsView(ctx);
  const loose = h("div", { class: "jw-loose-errors" });
  const stages = h("div", { class: "jw-stages" });
  /** @type {import("./dom.js").View<import("./views/stage.js").StageProps>[]} */
  const stageViews = [];
  const drag = dragState();
  const addStageButton = /** @type {HTMLButtonElement} */ (h("button", {
    class: "jw-add-stage", type: "button",
    onclick: () => {
      store.commit(addStage(store.journey(), ctx.limits().maxStages));
      ctx.focusLater(() => stages.lastElementChild?.querySelector(".jw-add-step-search"));
    },
  }, ["+ Add stage"]));
  const exclusions = exclusionsView(ctx);
  const drilldown = drilldownPanel(store.request, ctx.catalog);
  const results = resultsView((target) => drilldown.open(target));
  // a bar of the funnel chart clicked (the chart is another widget: the kernel tells which)
  store.listen("show_drilldown", (message) => drilldown.open(messageTarget(message), true));
  const editor = h("div", { class: "jw-editor" }, [tools.el, settings.el, loose, stages, addStageButton, exclusions.el]);
  // what the chart below shows while it is not the editor's journey (the chart dims: journey_builder.css)
  const note = chartNote();
  const root = h("div", { class: "jw-root" }, [h("div", { class: "jw-layout" }, [editor, results.el, drilldown.el, note.el])]);
  el.append(root);
  const history = { undo: () => store.undo(), redo: () => store.redo() };
  const releases = [containKeys(root, history), browseMenus(root)];
  // the charts' tabs and menus are the builder's too: keys pressed there stay in it
  releases.push(whenInPage(root, (box) => box && releases.push(containKeys(box, history))));
  // the kernel styles the chart to match (it is another widget, drawn by Altair)
  const releaseTheme = watchTheme(root, (theme) => {
    model.set("theme", theme);
    model.save_changes();
  });

  function update() {
    const doc = store.journey();
    /** @type {import("./types.js").ErrorDoc[]} */
    const errors = model.get("errors") ?? [];
    const count = doc.stages?.length ?? 0;
    const rows = model.get("funnel") ?? [];
    tools.update(store.can());
    settings.update({ doc, errors, rows, current: model.get("status") === "idle" });
    loose.replaceChildren(...looseErrors(errors, doc).map((e) =>
      h("div", { class: "jw-error jw-error-general", role: "alert" }, [e.where ? `${e.where}: ${e.message}` : e.message])));
    syncList(stages, stageViews, (doc.stages ?? []).map((stage, s) => ({ s, count, stage, doc, errors })), () => stageCard(ctx, drag));
    addStageButton.hidden = count >= ctx.limits().maxStages;
    setText(addStageButton, "+ Add stage");
    exclusions.update({ doc, errors });
    const numbers = { status: model.get("status"), hasResults: rows.length > 0, errors, rows, drawing: Boolean(model.get("drawing")) };
    results.update({ ...numbers, message: model.get("message") ?? "" });
    drilldown.update(numbers);
    note.update(numbers);
  }

  update();
  for (const name of WATCHED) model.on(`change:${name}`, update);
  return () => {
    for (const name of WATCHED) model.off(`change:${name}`, update);
    for (const release of releases) release();
    releaseTheme();
    code.dispose();
    store.dispose();
  };
}

export default { render };
