/**
 * The mock engine the specs of one process share: an instance of the public
 * testing module's MockEngine (components/testing), installed at import, so
 * import this before any code under test. Under `mocha --parallel` every spec
 * file runs in its own worker process with its own engine.
 */
import * as pulumi from "@pulumi/pulumi";
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

const installed = engine.install();

/**
 * `before(() => mocksReady)`: (re)installs this process's engine and resolves
 * once its mocks are in place. A thenable, not one promise: under --parallel a
 * worker runs several spec files, and one that installed an engine of its own
 * must not leave the next file recording into it.
 */
export const mocksReady: PromiseLike<void> = {
    then: (resolve, reject) =>
        installed.then(() => (pulumi.runtime.getMonitor() ? engine.install() : undefined)).then(resolve, reject),
};

/** Region the shared engine reports (getRegion, ARNs, zone names). */
export function setMockRegion(region: string): void {
    engine.region = region;
}

/** {@link MockEngine.record} on the shared engine. */
export const record = (fn: () => unknown) => engine.record(fn);

/** {@link MockEngine.failsBeforeRegistering} on the shared engine. */
export const failsBeforeRegistering = (fn: () => unknown) => engine.failsBeforeRegistering(fn);
