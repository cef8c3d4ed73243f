// @ts-check
// The journey-widgets JupyterLab extension (also Notebook 7): *.journey.json files open in the step builder,
// "Journey" in the launcher and File → New, and "Insert cell below" for builders in notebooks.

import { IDefaultFileBrowser } from "@jupyterlab/filebrowser";
import { ILauncher } from "@jupyterlab/launcher";
import { IMainMenu } from "@jupyterlab/mainmenu";
import { INotebookTracker } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { IStateDB } from "@jupyterlab/statedb";
import { jsonIcon } from "@jupyterlab/ui-components";

import { FACTORY, FILE_TYPE, JourneyFactory } from "./document.js";
import { activateInsertCell } from "./insert_cell.js";
import { NEW_JOURNEY } from "./new_journey.js";

const NEW_COMMAND = "journey-widgets:new-journey";

/** @type {any} */
const documents = {
  id: "journey-widgets:documents",
  description: "Opens *.journey.json files in the journey step builder, with a kernel of their own.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [IStateDB, ILauncher, IMainMenu, IDefaultFileBrowser],
  /** @param {any} app @param {any} rendermime @param {any} state @param {any} launcher @param {any} menu @param {any} browser */
  activate(app, rendermime, state, launcher, menu, browser) {
    app.docRegistry.addFileType({
      name: FILE_TYPE, displayName: "Journey", extensions: [".journey.json"], mimeTypes: ["application/json"],
      fileFormat: "text", contentType: "file", icon: jsonIcon,
    });
    const factory = new JourneyFactory({
      name: FACTORY, label: "Journey builder", fileTypes: [FILE_TYPE], defaultFor: [FILE_TYPE], modelName: "text",
      canStartKernel: true, preferKernel: true, shutdownOnClose: true,
    }, rendermime, state);
    app.docRegistry.addWidgetFactory(factory);

    app.commands.addCommand(NEW_COMMAND, {
      label: (/** @type {any} */ args) => (args.isLauncher ? "Journey" : "Journey"),
      caption: "A new journey file (untitled.journey.json) with one stage, in the step builder",
      icon: jsonIcon,
      execute: async (/** @type {any} */ args) => {
        const cwd = args.cwd ?? browser?.model.path ?? "";
        const contents = app.serviceManager.contents;
        const created = await contents.newUntitled({ path: cwd, type: "file", ext: ".journey.json" });
        await contents.save(created.path, { type: "file", format: "text", content: NEW_JOURNEY });
        return app.commands.execute("docmanager:open", { path: created.path, factory: FACTORY });
      },
    });
    launcher?.add({ command: NEW_COMMAND, category: "Other", rank: 10 });
    menu?.fileMenu.newMenu.addGroup([{ command: NEW_COMMAND }], 40);
  },
};

/** @type {any} */
const insertCell = {
  id: "journey-widgets:insert-cell",
  description: "Inserts the builder's journey as Python code in a new cell below the builder.",
  autoStart: true,
  requires: [INotebookTracker],
  /** @param {any} app @param {any} tracker */
  activate: (app, tracker) => activateInsertCell(app, tracker),
};

export default [documents, insertCell];
