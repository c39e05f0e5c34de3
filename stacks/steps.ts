/**
 * The environment's components as a list of steps, so that the whole
 * environment is validated before anything is registered.
 *
 * A {@link Step} maps the configuration to one component's arguments (a pure
 * function of the config and of the components built before it) and names
 * the component's pure resolver. {@link validateSteps} runs every enabled
 * step's resolver first, with stand-ins for the components not built yet
 * (their Output-valued properties are unknown, so the resolvers skip them);
 * {@link buildSteps} then constructs them in order. A problem a resolver
 * reports is renamed to the `aws-webapp:` key its argument came from.
 *
 * To add a component from another module (stacks/site.ts, ...): declare its
 * place in {@link Refs} by declaration merging, export a `step({...})`, and
 * list it in stacks/environment.ts's `ENVIRONMENT_STEPS` after the steps it
 * reads from.
 */
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, type EnvironmentConfig } from "./config";

/**
 * The components of an environment by the name steps read them under
 * (`refs.vpc.vpcId`). Modules add theirs by declaration merging:
 *
 * ```ts
 * declare module "./steps" { interface Refs { site?: StaticSite } }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Refs {}

/** One component of the environment. */
export interface Step<K extends keyof Refs = keyof Refs, A = any, S = unknown> {
    /** Where the component is kept in {@link Refs}. */
    readonly ref: K;
    /** Component class, for messages (`EcsEc2Service`). */
    readonly component: string;
    /** Logical name of the component (`${config.stack}-web`). */
    readonly name: (c: EnvironmentConfig) => string;
    /** Whether this environment has the component. @default always */
    readonly enabled?: (c: EnvironmentConfig) => boolean;
    /**
     * The component's arguments: pure, from the configuration and the
     * components before it (stand-ins during validation: read their
     * properties, do not call their methods).
     */
    readonly args: (c: EnvironmentConfig, refs: Refs) => A;
    /** The component's pure resolver (defaults and validation; throws a ValidationError). */
    readonly validate: (name: string, args: A, c: EnvironmentConfig) => S;
    /** Registers the component. */
    readonly create: (name: string, args: A, c: EnvironmentConfig) => NonNullable<Refs[K]>;
    /** Wiring that needs the created component (registers resources; runs right after `create`). */
    readonly afterCreate?: (component: NonNullable<Refs[K]>, refs: Refs, c: EnvironmentConfig) => void;
    /**
     * Component argument → configuration key, where the names differ
     * (`{ availabilityZoneCount: "availabilityZones" }`); an argument named
     * like a configuration key maps to it without an entry. A value of `""`
     * marks an argument that comes from no key (reported against the component).
     */
    readonly keys?: Readonly<Record<string, string>>;
    /**
     * The component's plain (non-Output) properties that later steps read,
     * known before construction from its arguments (and its resolved settings
     * when they passed); a stand-in's other properties are unknown Outputs.
     */
    readonly standIn?: (args: A, c: EnvironmentConfig, settings: S | undefined) => Partial<NonNullable<Refs[K]>>;
}

/** Declares a step with its types inferred (`step({ ref: "vpc", ... })`). */
export function step<K extends keyof Refs, A, S>(s: Step<K, A, S>): Step<K, A, S> {
    return s;
}

/** An unknown Output: `apply` callbacks never run on it and resolvers skip it. */
export function unknownOutput<T = any>(): pulumi.Output<T> {
    return pulumi.output(pulumi.unknown) as unknown as pulumi.Output<T>;
}

/**
 * A component not built yet, as later steps' args builders see it during
 * validation: the plain properties of `plain`, and an unknown Output for
 * every other property.
 */
export function standInOf<T extends object>(plain: Partial<T>): T {
    const cache = new Map<PropertyKey, unknown>();
    return new Proxy(plain as T, {
        get(target, prop) {
            if (prop in target) return (target as Record<PropertyKey, unknown>)[prop];
            // Not a thenable (a Promise.resolve of the stand-in must not wait on it).
            if (prop === "then" || typeof prop === "symbol") return undefined;
            if (!cache.has(prop)) cache.set(prop, unknownOutput());
            return cache.get(prop);
        },
    });
}

/** The configuration key of a component argument (`undefined`: from no key). */
function configKeyOf(s: Step<any, any, any>, arg: string, c: EnvironmentConfig): string | undefined {
    const mapped = s.keys?.[arg];
    if (mapped !== undefined) return mapped === "" ? undefined : mapped;
    return Object.prototype.hasOwnProperty.call(c, arg) ? arg : undefined;
}

/** A resolver's problem line (`taskMemory: 4096 is ...`) renamed to the configuration key it came from. */
export function renameProblem(s: Step<any, any, any>, name: string, line: string, c: EnvironmentConfig): string {
    const component = `${s.component} "${name}"`;
    // Already by configuration key (a stack-level rule inside a step).
    if (/^(aws|aws-webapp):[A-Za-z]/.test(line)) return line;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\.[^\s:]+|\[[^\]]*\])*): /.exec(line);
    if (!m) return `${component}: ${line}`;
    const key = configKeyOf(s, m[1], c);
    const rest = line.slice(m[0].length);
    if (key === undefined) return `${component} argument ${m[1]}${m[2]}: ${rest}`;
    const full = key.includes(":") ? key : `${NAMESPACE}:${key}`;
    return `${full}${key === m[1] ? m[2] : ""} (${component} argument ${m[1]}${m[2]}): ${rest}`;
}

function isValidationError(e: unknown): e is Error & { problems: readonly string[] } {
    return e instanceof Error && e.name === "ValidationError" && Array.isArray((e as any).problems);
}

/**
 * Runs every enabled step's resolver on the arguments the configuration maps
 * to, without registering anything; returns every problem, renamed to the
 * configuration keys (and naming the component). Any other exception is a
 * program error and propagates.
 */
export function validateSteps(steps: readonly Step<any, any, any>[], c: EnvironmentConfig): string[] {
    const refs = {} as Refs;
    const problems: string[] = [];
    for (const s of steps) {
        if (s.enabled && !s.enabled(c)) continue;
        const name = s.name(c);
        const args = s.args(c, refs);
        let settings: unknown;
        try {
            settings = s.validate(name, args, c);
        } catch (e) {
            if (!isValidationError(e)) throw e;
            problems.push(...e.problems.map((line) => renameProblem(s, name, line, c)));
        }
        (refs as unknown as Record<string, unknown>)[s.ref] = standInOf(
            s.standIn ? s.standIn(args, c, settings as any) : {},
        );
    }
    return problems;
}

/** Constructs every enabled step's component in order (validate first: {@link validateSteps}). */
export function buildSteps(steps: readonly Step<any, any, any>[], c: EnvironmentConfig): Refs {
    const refs = {} as Refs;
    for (const s of steps) {
        if (s.enabled && !s.enabled(c)) continue;
        const component = s.create(s.name(c), s.args(c, refs), c);
        (refs as unknown as Record<string, unknown>)[s.ref] = component;
        s.afterCreate?.(component, refs, c);
    }
    return refs;
}
