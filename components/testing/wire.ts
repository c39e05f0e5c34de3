/**
 * Reading values in the engine's wire format: secrets (marked with the
 * signatures `pulumi.runtime` exports) and the aliases of a registration
 * request.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AliasRecord } from "./recording";

const isSecret = (value: any): boolean =>
    value !== null &&
    typeof value === "object" &&
    value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** The inputs with secret wrappers replaced by their values, for assertions. */
export function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value === null || typeof value !== "object") return value;
    if (isSecret(value)) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** True when a value is a secret or holds one in a list or object (the engine then encrypts the whole key). */
const holdsSecret = (value: any): boolean =>
    isSecret(value) || (value !== null && typeof value === "object" && Object.values(value).some(holdsSecret));

/** Top-level keys whose values are secrets or hold one. */
export function secretKeys(raw: Record<string, any>): string[] {
    return Object.entries(raw)
        .filter(([, v]) => holdsSecret(v))
        .map(([k]) => k);
}

/** A registration request's aliases (specs, or plain URNs) as {@link AliasRecord}s; empty strings mean "unset". */
export function aliasRecords(req: any): AliasRecord[] {
    const aliases: any[] = req.getAliasesList?.() ?? [];
    const urns: string[] = req.getAliasurnsList?.() ?? [];
    const specs = aliases.map((a): AliasRecord => {
        if (a.getUrn?.()) return { urn: a.getUrn() };
        const s = a.getSpec();
        const set = (v: string) => (v === "" ? undefined : v);
        return {
            name: set(s.getName()),
            type: set(s.getType()),
            stack: set(s.getStack()),
            project: set(s.getProject()),
            parentUrn: set(s.getParenturn()),
            noParent: s.getNoparent() === true,
        };
    });
    return [...specs, ...urns.map((urn) => ({ urn }))];
}
