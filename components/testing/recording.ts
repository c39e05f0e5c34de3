/**
 * What the mock engine records for each registration, and the small query
 * API over a program's registrations.
 */

/** One recorded registration. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Inputs as the provider would receive them (Outputs resolved, secrets unwrapped). */
    readonly inputs: Record<string, any>;
    /** The state the mock returned (inputs plus computed outputs). */
    readonly state: Record<string, any>;
    readonly custom: boolean;
    /** URN of the parent resource ("" for the stack). */
    readonly parent: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** URNs this resource explicitly depends on (dependsOn and input dependencies). */
    readonly dependencies: string[];
    /** Provider reference (`urn::id`) when one was given. */
    readonly provider: string;
    /** Top-level input keys the engine received as Pulumi secrets (encrypted in state). */
    readonly secretInputs: string[];
    /** Input properties the resource option `ignoreChanges` names. */
    readonly ignoreChanges: string[];
    /** Physical id the mock assigned (what `resource.id` resolves to; "" for components). */
    readonly id: string;
    /** The `aliases` option as the engine received it (see {@link AliasRecord}). */
    readonly aliases: AliasRecord[];
}

/**
 * One alias of a registration: a whole old URN, or a spec whose unset parts
 * default to the resource's own (name, type, stack, project, parent).
 */
export interface AliasRecord {
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    readonly stack?: string;
    readonly project?: string;
    /** Old parent's URN ("" with `noParent` or when not given). */
    readonly parentUrn?: string;
    /** The old resource had no parent (it sat under the stack). */
    readonly noParent?: boolean;
}

/** The resources a program (or one {@link MockEngine.record} call) registered, in registration order. */
export class Recording {
    constructor(readonly resources: Registration[]) {}

    /** Every resource of a type token, e.g. `aws:ec2/securityGroup:SecurityGroup`. */
    ofType(type: string): Registration[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of a type (optionally with a name); fails otherwise. */
    one(type: string, name?: string): Registration {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            throw new Error(
                `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
            );
        }
        return found[0];
    }

    /** The resource with this logical name. */
    named(name: string): Registration {
        const found = this.resources.filter((r) => r.name === name);
        if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
        return found[0];
    }

    /** Children (direct) of a resource. */
    childrenOf(parent: Registration): Registration[] {
        return this.resources.filter((r) => r.parent === parent.urn);
    }

    /** The resource with this URN, if registered. */
    byUrn(urn: string): Registration | undefined {
        return this.resources.find((r) => r.urn === urn);
    }

    get count(): number {
        return this.resources.length;
    }
}
