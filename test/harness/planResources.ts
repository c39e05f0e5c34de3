/** Synthetic plan resources (scripts/plan/model.ts) as the mock engine or a preview would record them. */
import type { PlanResource } from "../../scripts/plan/model";

let serial = 0;

/** A custom resource of `type` named `name` at the stack's root, with a fresh id; `extra` overrides any field. */
export function planResource(
    type: string,
    name: string,
    inputs: Record<string, unknown> = {},
    extra: Partial<PlanResource> = {},
): PlanResource {
    serial += 1;
    return {
        type,
        name,
        urn: `urn:pulumi:test::aws-webapp::${type}::${name}`,
        id: `id-${serial}`,
        parent: "",
        custom: true,
        protect: false,
        dependencies: [],
        inputs,
        ...extra,
    } as PlanResource;
}
