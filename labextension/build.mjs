// Build the prebuilt lab extension into ../journey_widgets/labextension with @jupyterlab/builder, against the core
// package versions of @jupyterlab/core-meta (no Python JupyterLab needed): `npm run build`.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const core = join("node_modules", ".journey-widgets-core");
mkdirSync(core, { recursive: true });
copyFileSync(require.resolve("@jupyterlab/core-meta/core.package.json"), join(core, "package.json"));
const builder = join(dirname(require.resolve("@jupyterlab/builder/package.json")), "lib", "build-labextension.js");
execFileSync(process.execPath, [builder, "--core-path", core, "."], { stdio: "inherit" });
