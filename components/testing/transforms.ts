/**
 * Resource transforms under the mocks, as the engine applies them on a real
 * `pulumi up`: Pulumi's mock monitor only hands them over (the public
 * `Mocks.registerTransform` for stack transforms,
 * `MockResourceArgs.transforms` for a resource's own `transforms` option) and
 * leaves running them to the mocks. A registration's properties go through
 * its own transforms, then its parent's, its grandparent's and so on (a
 * component's `transforms` option reaches every descendant), then the stack
 * transforms (`pulumi.runtime.registerResourceTransform`), in the order they
 * were registered.
 *
 * The props a transform returns are applied (Outputs in them resolved); the
 * options it returns are not (the registration request was already sent
 * with its options, which the recording shows as requested).
 */
import * as pulumi from "@pulumi/pulumi";

type Transform = pulumi.ResourceTransform;

/** What a transform sees of a registration's options under the mocks. */
export interface TransformOptions {
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
    readonly ignoreChanges?: string[];
}

/** Resolves a value that may hold Outputs or promises (a transform's returned props). */
function resolved(value: pulumi.Inputs): Promise<Record<string, any>> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as Record<string, any>)));
}

/** The transforms of one engine: stack-wide ones and those each registered resource passes to its children. */
export class TransformChains {
    private readonly stack: Transform[] = [];
    /** Own and inherited transforms by URN, for the resource's children. */
    private readonly byUrn = new Map<string, readonly Transform[]>();
    /** Requests on their way to the mocks: parent URN and options, by `type::name`. */
    private readonly requests = new Map<string, { parent: string; opts: TransformOptions }>();
    /** Resources answered by the mocks, not yet given a URN: their whole chain (own and inherited), by `type::name`. */
    private readonly chains = new Map<string, readonly Transform[]>();

    /** `Mocks.registerTransform`: a stack transform, applied after every resource's own and inherited ones. */
    addStackTransform(t: Transform): void {
        this.stack.push(t);
    }

    /** True once any stack transform is registered. */
    get hasStackTransforms(): boolean {
        return this.stack.length > 0;
    }

    /** Notes a registration request before the monitor answers it (its parent and options). */
    requested(key: string, parent: string, opts: TransformOptions): void {
        this.requests.set(key, { parent, opts });
    }

    /** The chain that applies to a registration: own, then inherited from its ancestors. */
    private chainOf(key: string, own: readonly Transform[]): readonly Transform[] {
        const parent = this.requests.get(key)?.parent ?? "";
        return [...own, ...(this.byUrn.get(parent) ?? [])];
    }

    /** True when a registration with these own transforms has any transform to run. */
    applies(key: string, own: readonly Transform[] = []): boolean {
        return this.hasStackTransforms || this.chainOf(key, own).length > 0;
    }

    /**
     * Runs every transform that applies to a registration (own, inherited,
     * stack) over its props; returns the props it ends with.
     */
    async apply(
        key: string,
        args: { type: string; name: string; custom: boolean; inputs: Record<string, any> },
        own: readonly Transform[] = [],
    ): Promise<Record<string, any>> {
        const chain = this.chainOf(key, own);
        this.chains.set(key, chain);
        const opts = this.requests.get(key)?.opts ?? {};
        let props: pulumi.Inputs = args.inputs;
        for (const transform of [...chain, ...this.stack]) {
            const result = await transform({ type: args.type, name: args.name, custom: args.custom, props, opts });
            if (result !== undefined) props = await resolved(result.props);
        }
        return props;
    }

    /** Once the registration has its URN: its children inherit its chain. */
    registered(key: string, urn: string): void {
        const chain = this.chains.get(key) ?? [];
        if (chain.length > 0) this.byUrn.set(urn, chain);
        this.chains.delete(key);
        this.requests.delete(key);
    }
}
