/**
 * A Pulumi mock engine for programs built with this library: answers
 * registrations with realistic computed outputs (including awsx's remote
 * `Vpc`), answers the data sources the components call, and records every
 * registration with its resource options for queries.
 *
 * Pulumi APIs used: `pulumi.runtime.setMocks` (public) installs the mocks;
 * `pulumi.runtime.getMonitor()` (public) returns the mock monitor, whose
 * `registerResource` the engine wraps to read each request's options
 * (parent, protect, dependencies, aliases...), which the public `Mocks`
 * interface does not pass on, and whose public `resources` table holds the
 * state of the children a remote component creates. One thing has no
 * public API and is documented where used: waiting for outstanding
 * registrations ({@link settle}).
 */
import * as pulumi from "@pulumi/pulumi";
import type { RemoteContext } from "./awsxVpc";
import { ACCOUNT_ID, DEFAULT_REGION } from "./context";
import { callResult } from "./dataSources";
import { Recording, type Registration } from "./recording";
import { type Computed, computedFor, computedOutputs, physicalId } from "./resources";
import { TransformChains } from "./transforms";
import { aliasRecords, secretKeys, unwrapSecrets } from "./wire";

export interface MockEngineOptions {
    /** Project name the program sees (`pulumi.getProject()`). @default "aws-webapp" */
    readonly project?: string;
    /** Stack name the program sees (`pulumi.getStack()`). @default "test" */
    readonly stack?: string;
    /** Region in ARNs, zone names and `aws.getRegion`. @default "us-east-1" */
    readonly region?: string;
    /** Account in ARNs and `aws.getCallerIdentity`. @default "123456789012" */
    readonly accountId?: string;
    /** Computed outputs for further resource types (or to replace the built-in ones), by type token. */
    readonly resources?: Readonly<Record<string, Computed>>;
    /**
     * The region's zone names, replacing the shared region table's (`us-east-1a` ... one per zone the
     * table counts), e.g. to model an account or region with fewer zones.
     */
    readonly zones?: readonly string[];
    /**
     * Instance types and DB instance classes a zone does not offer, by zone name
     * (`{ "us-east-1a": ["t4g.small", "db.r8g.large"] }`): `ec2.getInstanceTypeOfferings` and
     * `rds.getOrderableDbInstance` leave the zone out. Every type and class of the shared table is
     * otherwise offered in every zone.
     */
    readonly unavailable?: Readonly<Record<string, readonly string[]>>;
    /** Answers for further data sources (or to replace the built-in ones), by function token. */
    readonly calls?: Readonly<Record<string, (inputs: Record<string, any>) => Record<string, any>>>;
}

interface Pending {
    readonly inputs: Record<string, any>;
    readonly state: Record<string, any>;
    readonly id: string;
}

/** The subset of the mock monitor the engine uses (see the module comment). */
interface MockMonitorLike {
    registerResource(req: any, callback: (err: any, res: any) => void): Promise<void>;
    resources?: Map<string, { urn: string; id: string | null; state: any }>;
}

/** The engine Pulumi's runtime currently talks to (the runtime itself is process-wide). */
const runtimeState: { installed?: MockEngine } = {};

export class MockEngine implements RemoteContext {
    /** The engine whose mocks are installed, if any. */
    static get installed(): MockEngine | undefined {
        return runtimeState.installed;
    }

    readonly project: string;
    readonly stack: string;
    readonly accountId: string;
    /** Region the mocks report; may be changed between registrations. */
    region: string;
    readonly zones?: readonly string[];
    readonly unavailable?: Readonly<Record<string, readonly string[]>>;
    private counter = 0;
    private readonly table: Record<string, Computed>;
    private readonly calls: Readonly<Record<string, (inputs: Record<string, any>) => Record<string, any>>>;
    private readonly pending = new Map<string, Pending>();
    private current: Registration[] = [];
    private monitor: MockMonitorLike | undefined;
    private transforms = new TransformChains();

    constructor(options: MockEngineOptions = {}) {
        this.project = options.project ?? "aws-webapp";
        this.stack = options.stack ?? "test";
        this.region = options.region ?? DEFAULT_REGION;
        this.accountId = options.accountId ?? ACCOUNT_ID;
        this.zones = options.zones;
        this.unavailable = options.unavailable;
        this.table = { ...computedOutputs(this), ...options.resources };
        this.calls = options.calls ?? {};
    }

    /** Registrations answered so far (ids are made from it). */
    get serial(): number {
        return this.counter;
    }

    /** Registrations recorded since the last {@link record} began (or since install). */
    get registrations(): readonly Registration[] {
        return this.current;
    }

    /**
     * Makes this engine the one Pulumi's runtime talks to (replacing any other
     * mocks). Await it before constructing resources.
     */
    async install(): Promise<void> {
        // Stack transforms belong to one program run: a (re)install starts without any.
        this.transforms = new TransformChains();
        const mocks: pulumi.runtime.Mocks = {
            newResource: (args) => this.newResource(args),
            call: (args) => this.call(args),
            registerTransform: (t) => this.transforms.addStackTransform(t),
        };
        await pulumi.runtime.setMocks(mocks, this.project, this.stack, false);
        const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) => {
            const key = `${req.getType()}::${req.getName()}`;
            this.transforms.requested(key, req.getParent(), {
                protect: req.getProtect() === true,
                retainOnDelete: req.getRetainondelete() === true,
                ignoreChanges: req.getIgnorechangesList?.() ?? [],
            });
            return original(req, (err, res) => {
                if (!err) {
                    this.transforms.registered(key, res.getUrn());
                    this.recordRequest(req, res);
                }
                callback(err, res);
            });
        };
        this.monitor = monitor;
        runtimeState.installed = this;
    }

    /**
     * Runs `fn` against a fresh recording and returns everything it registered
     * once the registrations have settled. A throw from `fn` propagates (after
     * settling) with the recording attached as `recording`, so tests can also
     * assert that nothing was registered. Stack traces are off meanwhile: the
     * SDK captures one per resource and output, a third of an evaluation's
     * time, and none is shown (a thrown error keeps its message).
     */
    async record(fn: () => unknown): Promise<Recording> {
        this.current = [];
        let failure: unknown;
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            try {
                await fn();
            } catch (e) {
                failure = e;
            }
            await settle();
        } finally {
            Error.stackTraceLimit = limit;
        }
        const rec = new Recording(this.current);
        this.current = [];
        if (failure !== undefined) {
            if (failure !== null && typeof failure === "object") Object.assign(failure, { recording: rec });
            throw failure;
        }
        return rec;
    }

    /** Asserts that `fn` throws before registering anything; returns the error's message. */
    async failsBeforeRegistering(fn: () => unknown): Promise<string> {
        try {
            await this.record(fn);
        } catch (e: any) {
            const rec: Recording | undefined = e?.recording;
            if (rec && rec.count > 0) {
                throw new Error(
                    `expected no registrations before the error, found ${rec.resources.map((r) => r.type).join(", ")}`,
                );
            }
            return String(e?.message ?? e);
        }
        throw new Error("expected an error, but none was thrown");
    }

    /**
     * A resource that a remote (multi-language) component created on the
     * provider side, returned the way the engine returns it: a resource
     * reference. The SDK turns the reference into a resource object (e.g. an
     * `aws.ec2.RouteTableAssociation`) and reads its state with the
     * `pulumi:pulumi:getResource` invoke, which the mock monitor answers from
     * its `resources` table; so `ref.subnetId` resolves under the mocks as it
     * does for real. These children are not recorded (the program did not
     * register them).
     */
    remoteChild(parentType: string, type: string, name: string, id: string, state: Record<string, any>) {
        const urn = `urn:pulumi:${this.stack}::${this.project}::${parentType}$${type}::${name}`;
        this.monitor?.resources?.set(urn, { urn, id, state });
        return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialResourceSig, urn, id };
    }

    /**
     * Answers a registration: the id and computed outputs for its inputs,
     * after the resource transforms that apply to it (see transforms.ts).
     */
    private newResource(
        args: pulumi.runtime.MockResourceArgs,
    ): pulumi.runtime.MockResourceResult | Promise<pulumi.runtime.MockResourceResult> {
        this.counter += 1;
        const id = args.id || physicalId(this, args.type, args.name);
        const key = `${args.type}::${args.name}`;
        const answer = (inputs: Record<string, any>): pulumi.runtime.MockResourceResult => {
            const state = { ...inputs, ...computedFor(this, this.table, args.type, args.name, inputs, id) };
            this.pending.set(key, { inputs: unwrapSecrets(inputs), state, id: args.custom === false ? "" : id });
            return { id: args.custom === false ? undefined : id, state };
        };
        if (!this.transforms.applies(key, args.transforms)) return answer(args.inputs);
        const custom = args.custom !== false;
        return this.transforms
            .apply(key, { type: args.type, name: args.name, custom, inputs: args.inputs }, args.transforms)
            .then(answer);
    }

    private call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const own = this.calls[args.token];
        try {
            return own ? own(args.inputs) : callResult(this, args.token, args.inputs);
        } catch (e) {
            // The SDK reports a failed invoke by the gRPC error's `details` (a plain Error's
            // message would be lost, leaving an empty one): answer as the engine does.
            const message = e instanceof Error ? e.message : String(e);
            throw Object.assign(new Error(message), { details: `invoke of ${args.token} failed: ${message}` });
        }
    }

    /** Joins a registration request's options with what {@link newResource} answered. */
    private recordRequest(req: any, res: any): void {
        const key = `${req.getType()}::${req.getName()}`;
        const p = this.pending.get(key);
        this.pending.delete(key);
        this.current.push({
            type: req.getType(),
            name: req.getName(),
            urn: res.getUrn(),
            inputs: p?.inputs ?? {},
            state: p?.state ?? {},
            custom: req.getCustom(),
            parent: req.getParent(),
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            dependencies: req.getDependenciesList(),
            provider: req.getProvider(),
            secretInputs: secretKeys(req.getObject()?.toJavaScript?.() ?? {}),
            ignoreChanges: req.getIgnorechangesList?.() ?? [],
            id: p?.id ?? "",
            aliases: aliasRecords(req),
        });
    }
}

/**
 * Waits until every outstanding registration and output has settled (several
 * rounds: resolving one output can register further resources). Pulumi has no
 * public API for this; the SDK's own `waitForRPCs` (exported by
 * `pulumi.runtime`, marked internal) is what its language host awaits before
 * disconnecting.
 */
export async function settle(): Promise<void> {
    const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    for (let i = 0; i < 5; i++) {
        await runtime.waitForRPCs?.();
        await new Promise((r) => setImmediate(r));
    }
}
