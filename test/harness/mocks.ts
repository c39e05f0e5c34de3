/**
 * The mock engine the specs of one process share: an instance of the public
 * testing module's MockEngine (components/testing), installed at import, so
 * import this before any code under test. Under `mocha --parallel` every spec
 * file runs in its own worker process with its own engine.
 */
import { MockEngine } from "../../components/testing";

export {
    ACCOUNT_ID,
    type AliasRecord,
    DEFAULT_REGION,
    MockEngine,
    Recording,
    type Registration,
    settle,
    valueOf,
} from "../../components/testing";

/** This process's engine (stack "test", project "aws-webapp"). */
export const engine = new MockEngine();

/** Resolves once the engine's mocks are installed: `before(() => mocksReady)`. */
export const mocksReady = engine.install();

/** Region the shared engine reports (getRegion, ARNs, zone names). */
export function setMockRegion(region: string): void {
    engine.region = region;
}

/** {@link MockEngine.record} on the shared engine. */
export const record = (fn: () => unknown) => engine.record(fn);

/** {@link MockEngine.failsBeforeRegistering} on the shared engine. */
export const failsBeforeRegistering = (fn: () => unknown) => engine.failsBeforeRegistering(fn);
