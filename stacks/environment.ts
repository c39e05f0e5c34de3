import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../components/shared/validation";
import { configSubject, type ConfigCheck, type EnvironmentConfig, mentionsAny, NAMESPACE } from "./config";
import { checkCurrentConfig } from "./configSource";
import { applyDeployAccess } from "./deployAccess";
import { officeHoursStep } from "./officeHours";
import { CORE_STEPS } from "./operationsSteps";
import { plannedIdleMonthlyCostUsd } from "./plannedCost";
import { buildSteps, type Refs, type Step, validateSteps } from "./steps";
import { chooseZones, lookUpZoneOfferings, type ZoneChoice } from "./zones";

export { APP_DB_USER, COST_TAG } from "./environmentSteps";

/**
 * Every component of an environment, in construction order. A module adding
 * components (stacks/site.ts, ...) appends its steps here in one line, after
 * the steps it reads from (see stacks/steps.ts).
 */
export const ENVIRONMENT_STEPS: readonly Step<any, any, any>[] = [...CORE_STEPS, officeHoursStep];

/** What an environment exports as stack outputs. */
export interface EnvironmentOutputs {
    readonly environment: string;
    readonly region: string;
    readonly applicationUrl: pulumi.Output<string>;
    readonly databaseEndpoint: pulumi.Output<string>;
    readonly bucketName: pulumi.Output<string>;
    readonly imageTopicArn: pulumi.Output<string>;
    readonly alarmTopicArn: pulumi.Output<string>;
    readonly billingTopicArn: pulumi.Output<string>;
    readonly dashboardUrl: pulumi.Output<string>;
    readonly vpcId: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    /** Sign-in: the OIDC issuer, the web app's client id and the managed login pages (stacks/auth.ts). */
    readonly authIssuer: pulumi.Output<string>;
    readonly authClientId: pulumi.Output<string>;
    readonly authLoginUrl: pulumi.Output<string>;
    /** Idle monthly cost (USD) of the committed configuration, from `npm run plan`. */
    readonly idleMonthlyCostUsd: number | undefined;
}

function outputsOf(refs: Refs, config: EnvironmentConfig): EnvironmentOutputs {
    return {
        environment: config.environment,
        region: config.region,
        applicationUrl: refs.site.url,
        databaseEndpoint: refs.db.endpoint,
        bucketName: refs.images.bucketName,
        imageTopicArn: refs.images.topicArn,
        alarmTopicArn: refs.observability.topicArn,
        billingTopicArn: refs.billing.topicArn,
        dashboardUrl: refs.observability.dashboardUrl,
        vpcId: refs.vpc.vpcId,
        clusterName: refs.service.clusterName,
        repositoryUrl: refs.service.repositoryUrl,
        authIssuer: refs.auth.issuerUrl,
        authClientId: refs.auth.clientId,
        authLoginUrl: refs.auth.loginBaseUrl,
        idleMonthlyCostUsd: plannedIdleMonthlyCostUsd(config.stack),
    };
}

/**
 * The problems of every component's arguments as the configuration maps
 * them (pure: nothing is registered), by `aws-webapp:` key and component.
 */
export function componentProblems(config: EnvironmentConfig, steps = ENVIRONMENT_STEPS): string[] {
    return validateSteps(steps, config);
}

/**
 * Builds one environment (dev, prod, ...) from configuration by composing
 * the library's components (the steps of {@link ENVIRONMENT_STEPS}). Every
 * component's resolver runs first; one ValidationError lists every problem
 * before anything is registered. Everything environment-specific comes from
 * `config`; there is no branch on the stack's name.
 */
export function buildEnvironment(config: EnvironmentConfig, steps = ENVIRONMENT_STEPS): EnvironmentOutputs {
    const problems = componentProblems(config, steps);
    if (problems.length > 0) throw new ValidationError(configSubject(config.stack), problems);
    return construct(config, steps);
}

/** Registers the environment (validated before): stack-wide transforms first, then every step. */
function construct(config: EnvironmentConfig, steps: readonly Step<any, any, any>[]): EnvironmentOutputs {
    applyDeployAccess(config);
    return outputsOf(buildSteps(steps, config), config);
}

/** The configuration key a problem line starts with (`aws-webapp:taskMemory`), if any. */
function leadingKey(line: string): string | undefined {
    return /^(aws(?:-webapp)?:[A-Za-z0-9]+)/.exec(line)?.[1];
}

/** Keys whose problems make the zone look-up pointless (it would only repeat them). */
const ZONE_INPUTS = new Set([
    "availabilityZones",
    "availabilityZoneNames",
    "instanceType",
    "dbInstanceClass",
    "dbMode",
]);

/** Asks the provider for the zones unless the configuration already failed on what the choice reads. */
async function zonesFor(checked: ConfigCheck, config: EnvironmentConfig): Promise<ZoneChoice> {
    const blocked =
        checked.problems.some((line) => line.startsWith("aws:region")) ||
        checked.problems.some((line) => mentionsAny(line, ZONE_INPUTS));
    if (blocked) return { problems: [] };
    const offerings = await lookUpZoneOfferings(config);
    return chooseZones(config, config.region, offerings, (k) => `${NAMESPACE}:${k}`);
}

/**
 * Validates a whole environment, then builds it: the configuration's schema
 * and cross-field rules, the zones (asked of the provider: invokes only),
 * then every component's resolver on the arguments the configuration maps
 * to. All their problems are thrown as one ValidationError naming the keys
 * before the first registration.
 */
export async function runEnvironment(
    checked: ConfigCheck = checkCurrentConfig(),
    steps = ENVIRONMENT_STEPS,
): Promise<EnvironmentOutputs> {
    const problems = [...checked.problems];
    let config = checked.config;
    if (config) {
        const zones = await zonesFor(checked, config);
        problems.push(...zones.problems);
        config = { ...config, ...(zones.zones ? { zones: zones.zones } : {}) };
        // A key the configuration's rules already refused is not repeated by a component's view of it.
        const reported = new Set(checked.problems.map(leadingKey));
        const own = componentProblems(config, steps).filter(
            (line) =>
                !mentionsAny(line, checked.refused) &&
                !(leadingKey(line) !== undefined && reported.has(leadingKey(line))) &&
                !problems.includes(line),
        );
        problems.push(...own);
    }
    if (problems.length > 0 || !config) {
        const stack = config?.stack ?? pulumi.getStack();
        throw new ValidationError(configSubject(stack), problems);
    }
    return construct(config, steps);
}
