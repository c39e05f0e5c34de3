// The Pulumi program: validate the current stack's configuration (before any
// resource is registered), build the environment, export its outputs.
import { loadEnvironmentConfig } from "./stacks/config";
import { buildEnvironment } from "./stacks/environment";

const environment = buildEnvironment(loadEnvironmentConfig());

export const environmentName = environment.environment;
export const region = environment.region;
