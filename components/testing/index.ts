/**
 * `aws-webapp/testing`: unit-test Pulumi programs built with this library,
 * offline. A {@link MockEngine} installs Pulumi mocks that answer the
 * library's data sources and give awsx's remote `Vpc` realistic outputs, and
 * records every registration; {@link evaluateProgram} runs a whole program
 * under a fresh engine.
 *
 * ```ts
 * const engine = new MockEngine();
 * before(() => engine.install());
 * it("keeps the database private", async () => {
 *     const rec = await engine.record(() => new PostgresDb("db", args));
 *     expect(rec.one("aws:rds/instance:Instance").inputs.publiclyAccessible).to.equal(false);
 * });
 * ```
 */
export { ACCOUNT_ID, DEFAULT_REGION } from "./context";
export { MockEngine, type MockEngineOptions, settle } from "./engine";
export { evaluateProgram, flattenConfig, type ProgramEvaluation, type ProgramOptions, valueOf } from "./program";
export { type AliasRecord, Recording, type Registration } from "./recording";
export type { Computed } from "./resources";
