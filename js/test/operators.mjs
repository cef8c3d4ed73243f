// The kernel's operator registry (the `operators` trait), for the unit tests: js/test/operators.json, which
// tests/test_operators.py checks to be journey_widgets/operators.py's.
import { readFileSync } from "node:fs";

/** @type {import("../src/types.js").OperatorSpec[]} */
export const OPERATORS = JSON.parse(readFileSync(new URL("./operators.json", import.meta.url), "utf8"));
