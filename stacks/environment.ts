import type { EnvironmentConfig } from "./config";

/** What an environment exports as stack outputs. */
export interface EnvironmentOutputs {
    readonly environment: string;
    readonly region: string;
}

/**
 * Builds one environment (dev, prod, ...) from validated configuration by
 * composing the library's components. Everything environment-specific comes
 * from `config`; there are no per-stack branches on the stack's name.
 */
export function buildEnvironment(config: EnvironmentConfig): EnvironmentOutputs {
    return {
        environment: config.environment,
        region: config.region,
    };
}
