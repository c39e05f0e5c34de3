/**
 * Where an environment's configuration comes from: Pulumi's flat config map
 * (`ns:key` -> string) decoded into this project's keys and values, near-miss
 * namespaces kept so that validation refuses them, and the current stack's
 * configuration read and checked (stacks/config.ts holds the schema).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    checkEnvironmentConfig,
    CONFIG_KEYS,
    type ConfigCheck,
    environmentSchema,
    type EnvironmentConfig,
    NAMESPACE,
    parseEnvironmentConfig,
} from "./config";
import { plannedIdleMonthlyCostUsd } from "./plannedCost";

/** The zod type name of a key once default/optional wrappers are removed. */
function baseType(schema: z.ZodType): string {
    let def = (schema as any).def;
    while (def.type === "default" || def.type === "optional" || def.type === "pipe") {
        def = (def.innerType ?? def.in).def;
    }
    return def.type;
}

/** Keys whose values are strings: never JSON-decoded ("17" stays "17"). */
const STRING_KEYS = new Set<string>(
    CONFIG_KEYS.filter((k) => ["string", "enum"].includes(baseType(environmentSchema.shape[k]))),
);

/**
 * Parses a config value the way Pulumi stores it (always a string): JSON for
 * numbers, booleans, lists and maps; string-typed keys and anything that is
 * not JSON stay strings.
 */
export function decodeConfigValue(key: string, raw: string): unknown {
    if (STRING_KEYS.has(key)) return raw;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/**
 * Keys without a default (unset means "none"): Pulumi.yaml declares them with
 * `default: ""` because Pulumi requires a declared key without a default, so
 * for these keys only, an empty string means unset. Every other key refuses
 * an empty string (it is never replaced by the default).
 */
export const OPTIONAL_KEYS: ReadonlySet<string> = new Set(
    CONFIG_KEYS.filter(
        (k) => k !== "tags" && (environmentSchema.parse({}) as Record<string, unknown>)[k] === undefined,
    ),
);

/** Levenshtein distance, for near-miss namespaces (`aws-webap:`, `aws_webapp:`). */
function distance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length];
}

/** True for a namespace that is probably a misspelling of {@link NAMESPACE}. */
export function isNearMissNamespace(namespace: string): boolean {
    return namespace !== NAMESPACE && distance(namespace.toLowerCase(), NAMESPACE) <= 2;
}

/**
 * Turns the engine's flat config map (`ns:key` -> string) into this
 * project's raw keys and decoded values. An empty string is kept (and then
 * refused) except for {@link OPTIONAL_KEYS}, where it is Pulumi.yaml's
 * "unset". A key in a near-miss namespace (`aws-webap:natStrategy`) is kept
 * under its full name so that validation refuses it instead of ignoring it.
 */
export function decodeConfig(flat: Record<string, string>): Record<string, unknown> {
    const prefix = `${NAMESPACE}:`;
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(flat)) {
        if (k.startsWith(prefix)) {
            const key = k.slice(prefix.length);
            if (!(v === "" && OPTIONAL_KEYS.has(key))) raw[key] = decodeConfigValue(key, v);
        } else if (k.includes(":") && isNearMissNamespace(k.slice(0, k.indexOf(":")))) {
            raw[k] = v;
        }
    }
    return raw;
}

/** The current stack's configuration as Pulumi hands it over, decoded. */
function currentConfig(): Parameters<typeof checkEnvironmentConfig> {
    return [
        decodeConfig(pulumi.runtime.allConfig()),
        pulumi.getStack(),
        new pulumi.Config("aws").get("region"),
        new pulumi.Config("aws").getObject<{ tags?: unknown }>("defaultTags")?.tags,
        plannedIdleMonthlyCostUsd(pulumi.getStack()),
    ];
}

/** Reads and validates the current stack's configuration through Pulumi (throws one ValidationError). */
export function loadEnvironmentConfig(): EnvironmentConfig {
    return parseEnvironmentConfig(...currentConfig());
}

/** Reads and checks the current stack's configuration; returns every problem instead of throwing. */
export function checkCurrentConfig(): ConfigCheck {
    return checkEnvironmentConfig(...currentConfig());
}
