/**
 * Builds the bundles of the library's pure-JavaScript Lambda handlers into
 * `build/functions/<handler>/` (index.js + bundle.json), skipping up-to-date
 * ones unless --force. Offline: everything comes from node_modules.
 *
 *   npm run build:functions
 *   npm run build:functions -- --force
 */
import { ensureFunctionBundle, FUNCTION_HANDLERS } from "../components/data/functionBundle";

const force = process.argv.includes("--force");
for (const handler of FUNCTION_HANDLERS) {
    const result = ensureFunctionBundle(handler, { force });
    console.log(
        `${result.built ? "built" : "up to date"}: ${result.dir} (${Math.round(result.indexBytes / 1024)} KiB)`,
    );
}
