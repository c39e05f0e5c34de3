/**
 * Runs once in mocha's main process before any spec (also under --parallel,
 * before the workers start): builds the Lambda bundles the components deploy,
 * so that no two workers build and replace the same bundle directory at once
 * (each build renames its result over the last one). Afterwards every
 * worker finds them up to date and only reads them.
 */
import { FUNCTION_HANDLERS, ensureFunctionBundle } from "../../components/data/functionBundle";
import { ensureHandlerBundle } from "../../components/imagePipeline/bundle";

export function mochaGlobalSetup(): void {
    ensureHandlerBundle();
    for (const handler of FUNCTION_HANDLERS) ensureFunctionBundle(handler);
}
