// @ts-check
// A *.journey.json document in the step builder. The document's kernel (started with the document) runs
// journey_widgets.document.open_document on the file's text and the data chosen in the data bar; the builder it
// returns is drawn here by the Jupyter widget manager. A comm carries the journey between the builder and the
// document model: each valid edit becomes the model's text (dirty, saved by Ctrl/Cmd+S as journey.save writes it);
// a revert or reload sends the file's text to the builder; an invalid draft never reaches the model (Save keeps the
// last valid journey, and the bar says why).

import { registerWidgetManager } from "@jupyter-widgets/jupyterlab-manager";
import { ABCWidgetFactory, DocumentWidget } from "@jupyterlab/docregistry";
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { Widget } from "@lumino/widgets";

import { kernelCode } from "./kernel_code.js";

export const FACTORY = "Journey builder";
export const FILE_TYPE = "journey";
export const COMM_TARGET = "journey-widgets-document";

/** @typedef {import("./kernel_code.js").DataChoice} DataChoice */
/** @typedef {{fetch: (id: string) => Promise<any>, save: (id: string, value: any) => Promise<any>}} StateDB */

/** @param {string} tag @param {Record<string, any>} props @param {(Node|string)[]} children */
function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, String(value));
  }
  node.append(...children);
  return node;
}

/** The document's content: the data bar, a warning line and the builder's output area. */
export class JourneyView extends Widget {
  /** @param {any} context @param {any} rendermime @param {StateDB | null} state
   * @param {Promise<void> | null} previousKernel the shutdown of the kernel of this file's previous opening, still
   * under way when the document opened (its kernel starts after it) */
  constructor(context, rendermime, state, previousKernel = null) {
    super();
    this.addClass("jw-document");
    this._context = context;
    this._state = state;
    this._previousKernel = previousKernel;
    this._rendermime = rendermime.clone();
    /** @type {any} */
    this._comm = null;
    /** The text the kernel sent last (the model's own edits are not sent back). */
    this._fromKernel = "";
    this._events = /** @type {HTMLInputElement} */ (h("input", {
      class: "jw-doc-events", type: "text", "aria-label": "Events",
      placeholder: "sample data · a Parquet/CSV path relative to this file · a database URL#table",
    }));
    this._identity = /** @type {HTMLInputElement} */ (h("input", {
      class: "jw-doc-identity", type: "text", "aria-label": "Identity map", placeholder: "identity map (optional)",
    }));
    const use = h("button", { class: "jp-mod-styled jw-doc-use", type: "button", onclick: () => this._useData() }, ["Use data"]);
    this._status = h("span", { class: "jw-doc-status", role: "status" });
    this._warning = h("div", { class: "jw-doc-warning", role: "alert" });
    this._warning.hidden = true;
    const bar = h("div", { class: "jw-doc-bar" }, [h("span", { class: "jw-doc-label" }, ["Data"]), this._events, this._identity, use, this._status]);
    this.node.append(bar, this._warning);
    this._output = new OutputArea({ model: new OutputAreaModel({ trusted: true }), rendermime: this._rendermime });
    this._output.addClass("jw-doc-output");
    this.node.append(this._output.node);
    context.model.contentChanged.connect(this._onModelChanged, this);
    context.fileChanged.connect(this._onFileChanged, this);
    context.saveState.connect(this._onSaveState, this);
    /** The text of the file as last read or written (a model equal to it is clean). */
    this._diskText = "";
    context.sessionContext.statusChanged.connect(this._onKernelStatus, this);
    context.sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    context.sessionContext.sessionChanged.connect(this._onSessionChanged, this);
    void this._start();
  }

  get _key() {
    return `journey-widgets:data:${this._context.path}`;
  }

  async _start() {
    await this._context.ready;
    this._diskText = this._context.model.toString();
    const saved = this._state ? await this._state.fetch(this._key) : null;
    this._events.value = saved?.events ?? "";
    this._identity.value = saved?.identity ?? "";
    const session = this._context.sessionContext;
    await session.ready;
    if (this._previousKernel) {
      // the server gives a path's session to whoever asks for the path: only once the previous kernel is gone is
      // a new kernel started for the document (see JourneyFactory.createNewWidget)
      this._setStatus("Waiting for the kernel of the file's previous opening to stop…");
      await this._previousKernel;
      if (this.isDisposed || this._context.isDisposed) return;
      session.kernelPreference = { ...session.kernelPreference, shouldStart: true, shouldReuse: true };
      if (!session.session?.kernel) await session.startKernel();
      this._setStatus("");
    }
    if (!session.session?.kernel) {
      this._setStatus("No kernel: choose a Python kernel with journey_widgets (Kernel → Change Kernel)");
      return;
    }
    const proxy = {
      // the widget manager's view of a document: its kernel, and no widget state kept in the journey file
      sessionContext: session, urlResolver: this._context.urlResolver,
      saveState: { connect() {}, disconnect() {} },
      model: { dirty: false, getMetadata() {}, setMetadata() {} },
    };
    this._manager = registerWidgetManager(/** @type {any} */ (proxy), this._rendermime, [][Symbol.iterator]());
    await new Promise((resolve) => setTimeout(resolve, 0)); // the manager attaches once the kernel id is known
    this._started = true;
    await this._run();
  }

  /** @returns {DataChoice} */
  _data() {
    return { events: this._events.value.trim(), identity: this._identity.value.trim() };
  }

  async _useData() {
    const data = this._data();
    if (this._state) await this._state.save(this._key, data);
    await this._run();
  }

  /** Start (or restart) the builder in the kernel on the model's text. */
  async _run() {
    const session = this._context.sessionContext;
    const kernel = session.session?.kernel;
    if (!kernel || this.isDisposed) return;
    kernel.registerCommTarget(COMM_TARGET, (/** @type {any} */ comm) => {
      this._comm = comm;
      comm.onMsg = (/** @type {any} */ msg) => this._onKernelMessage(msg.content.data);
    });
    const data = this._data();
    this._setStatus(data.events ? `Computing on ${data.events}…` : "Computing on the sample data…");
    this._showWarning("");
    this._output.model.clear();
    try {
      await OutputArea.execute(kernelCode(this._context.model.toString(), data), this._output, session);
      this._setStatus(data.events ? `Data: ${data.events}` : "Data: the sample data (100,000 events)");
    } catch (error) {
      this._setStatus(`The kernel failed: ${error}`);
    }
  }

  /** @param {any} data */
  _onKernelMessage(data) {
    if (data?.type === "journey") {
      this._showWarning("");
      if (data.text !== this._context.model.toString()) {
        this._fromKernel = data.text;
        this._context.model.sharedModel.setSource(data.text);
        this._context.model.dirty = true;
      }
    } else if (data?.type === "invalid") {
      this._showWarning(`Not valid yet, so not in the file: ${data.problem}. Save keeps the last valid journey.`);
      this._context.model.dirty = true;
    }
  }

  /** The model changed and not by the builder (revert, reload from disk): the builder shows the file. */
  _onModelChanged() {
    const text = this._context.model.toString();
    if (text === this._fromKernel || !this._comm) return;
    this._fromKernel = text;
    if (text === this._diskText) this._context.model.dirty = false; // reverted (JupyterLab leaves it dirty)
    this._comm.send({ type: "source", text });
  }

  /** The file changed on disk and was read, or was written: the model is the file. */
  _onFileChanged() {
    this._diskText = this._context.model.toString();
    this._context.model.dirty = false;
  }

  /** @param {any} _context @param {string} state */
  _onSaveState(_context, state) {
    if (state === "completed") this._diskText = this._context.model.toString();
  }

  /** @param {any} _session @param {string} status */
  _onKernelStatus(_session, status) {
    if (status === "restarting" || status === "autorestarting") this._restarted = true;
    else if (status === "idle" && this._restarted) {
      this._restarted = false;
      this._comm = null;
      void this._run(); // the unsaved journey is the model's text: the new kernel shows it
    }
  }

  /** Another kernel (chosen, or started after the one found for the path went away): the builder runs there.
   * @param {any} _session @param {any} change */
  _onKernelChanged(_session, change) {
    if (this._started && change.newValue) {
      this._comm = null;
      void this._run();
    }
  }

  /** The session ended under an open document (the kernel was shut down from the Running panel): start another,
   * where the builder then runs.
   * @param {any} session @param {any} change */
  _onSessionChanged(session, change) {
    if (this._started && !change.newValue && !this.isDisposed && !this._context.isDisposed) {
      this._setStatus("The kernel stopped: starting another…");
      void session.startKernel();
    }
  }

  /** @param {string} text */
  _setStatus(text) {
    this._status.textContent = text;
  }

  /** @param {string} text */
  _showWarning(text) {
    this._warning.textContent = text;
    this._warning.hidden = !text;
  }

  dispose() {
    if (this.isDisposed) return;
    this._manager?.dispose();
    this._output.dispose();
    super.dispose();
  }
}

/** The shutdowns under way of the kernels of closed journey documents, by the file's path. */
const closing = new Map();

/** Shuts down the kernel of a document whose context is being disposed (the document closed), remembering the
 * shutdown under the file's path until it is done.
 * @param {any} context */
function shutDownOnClose(context) {
  context.sessionContext.disposed.connect((/** @type {any} */ sessionContext) => {
    const id = sessionContext.session?.id;
    if (!id) return;
    const path = context.path;
    /** @type {Promise<void>} */
    const done = sessionContext.sessionManager
      .shutdown(id)
      .catch((/** @type {any} */ reason) => console.error(`Kernel not shut down: ${reason}`))
      .finally(() => closing.get(path) === done && closing.delete(path));
    closing.set(path, done);
  });
}

/** Opens *.journey.json files in the builder, with a kernel of their own. */
export class JourneyFactory extends ABCWidgetFactory {
  /** @param {any} options @param {any} rendermime @param {StateDB | null} state */
  constructor(options, rendermime, state) {
    super(options);
    this._rendermime = rendermime;
    this._state = state;
    /** The contexts of the documents made (a context shows in more than one view when opened in a new view). */
    this._contexts = new WeakSet();
  }

  /** @param {any} context */
  createNewWidget(context) {
    // A Python kernel, started with the document (a JSON file has no language of its own), and shut down when it
    // closes. A file opened again while the kernel of its previous opening is still shutting down must not get that
    // kernel: the server hands a path's existing session to a new one, so the new document would run in a kernel
    // about to die, and the widget manager of the closed document (kept by jupyterlab-manager under that kernel's
    // id, and disposed) would be the one drawing the builder: "model not found". Such a document starts its kernel
    // once the shutdown is done (JourneyView._start).
    const previousKernel = closing.get(context.path) ?? null;
    if (!this._contexts.has(context)) {
      this._contexts.add(context);
      shutDownOnClose(context);
    }
    context.sessionContext.kernelPreference = {
      ...context.sessionContext.kernelPreference, language: "python", canStart: true, autoStartDefault: true,
      shouldStart: !previousKernel, shouldReuse: !previousKernel, shutdownOnDispose: false,
    };
    const content = new JourneyView(context, this._rendermime, this._state, previousKernel);
    const widget = new DocumentWidget({ content, context });
    widget.addClass("jw-document-widget");
    return widget;
  }
}
