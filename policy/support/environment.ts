/**
 * Whether a resource belongs to a production stack. Two signals, either is
 * enough: the stack's name in the resource's URN (`prod` or `production`), or
 * the program's `aws-webapp:environment` config set to `prod` (the language
 * host hands a policy pack the stack's configuration).
 */
import * as pulumi from "@pulumi/pulumi";

const PRODUCTION_STACKS = new Set(["prod", "production"]);

/** The stack name of a URN `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string | undefined {
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    return m?.[1];
}

/** The program's `aws-webapp:environment` setting, when the stack's config is visible. */
export function configuredEnvironment(): string | undefined {
    try {
        return new pulumi.Config("aws-webapp").get("environment");
    } catch {
        return undefined;
    }
}

/** True when the resource is part of a production stack. */
export function isProduction(urn: string, environment: string | undefined = configuredEnvironment()): boolean {
    const stack = stackOfUrn(urn);
    return (stack !== undefined && PRODUCTION_STACKS.has(stack)) || environment === "prod";
}
