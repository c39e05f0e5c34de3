/**
 * Resource identity across refactors: the URNs a stack registers, and the old
 * URNs its `aliases` claim, computed the way the Pulumi engine computes them
 * (pkg/resource/urn.go and the alias resolution of the resource monitor):
 *
 *   urn:pulumi:<stack>::<project>::<parent type chain>$<type>::<name>
 *
 * An alias spec's unset fields default to the resource's own; a resource also
 * inherits an alias for every alias of its parent (same name and type, under
 * the parent's old URN), which is how children of a moved component follow it.
 *
 * Run as a script to record the URNs of today's stacks (the previous layout
 * the URN spec checks against):
 *
 *   npx ts-node --transpile-only test/harness/urns.ts dev prod
 */
import * as fs from "fs";
import * as path from "path";
import type { AliasRecord, Recording, Registration } from "./mocks";

/** The fixture of one stack's previous layout: every URN, and the removals made on purpose. */
export interface UrnFixture {
    readonly comment: string;
    readonly urns: string[];
    /** URNs that may disappear, each with the reason (an intended removal, never a refactor's accident). */
    readonly intentionalRemovals: { readonly urn: string; readonly reason: string }[];
}

/** `<parent type chain>$<type>` of a URN (its fourth `::` part). */
export function qualifiedType(urn: string): string {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`not a URN: ${urn}`);
    return parts[2];
}

/** A URN as the engine builds it; `parentUrn` "" (or the root stack) means no parent type. */
export function makeUrn(stack: string, project: string, parentUrn: string, type: string, name: string): string {
    const parentType = parentUrn === "" ? "" : qualifiedType(parentUrn);
    const chain = parentType === "" || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

/** Stack and project of a URN. */
function stackAndProject(urn: string): { stack: string; project: string } {
    const [head, project] = urn.split("::");
    return { stack: head.slice("urn:pulumi:".length), project };
}

/** The old URN one alias names, for a resource registered as `r`. */
export function aliasUrn(r: Pick<Registration, "urn" | "type" | "name" | "parent">, a: AliasRecord): string {
    if (a.urn !== undefined) return a.urn;
    const own = stackAndProject(r.urn);
    const parent = a.noParent ? "" : (a.parentUrn ?? r.parent);
    return makeUrn(a.stack ?? own.stack, a.project ?? own.project, parent, a.type ?? r.type, a.name ?? r.name);
}

/**
 * Every old URN each registered resource claims: its own aliases, and one per
 * alias of each ancestor (the engine's inherited child aliases).
 */
export function aliasUrnsOf(recording: Recording): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const resolve = (r: Registration): string[] => {
        const known = out.get(r.urn);
        if (known) return known;
        const own = r.aliases.map((a) => aliasUrn(r, a));
        const parent = r.parent === "" ? undefined : recording.byUrn(r.parent);
        const inherited = parent
            ? resolve(parent).map((parentAlias) => {
                  const { stack, project } = stackAndProject(parentAlias);
                  return makeUrn(stack, project, parentAlias, r.type, r.name);
              })
            : [];
        const all = [...new Set([...own, ...inherited])];
        out.set(r.urn, all);
        return all;
    };
    recording.resources.forEach(resolve);
    return out;
}

/** What became of the previous layout's URNs in a new evaluation. */
export interface UrnComparison {
    /** Old URNs registered again unchanged. */
    readonly unchanged: string[];
    /** Old URN → the URN of the resource that declares it as an alias. */
    readonly aliased: Map<string, string>;
    /** Old URNs listed as intentional removals and indeed gone. */
    readonly removed: string[];
    /** Old URNs neither present, nor aliased, nor listed: a deployed resource would be deleted. */
    readonly lost: string[];
    /** Old URNs claimed as an alias by more than one resource (the engine refuses that). */
    readonly claimedTwice: string[];
    /** Old URNs both registered again and claimed as an alias (the engine refuses that too). */
    readonly presentAndAliased: string[];
}

export function compareUrns(fixture: UrnFixture, recording: Recording): UrnComparison {
    const present = new Set(recording.resources.map((r) => r.urn));
    const claims = new Map<string, string[]>();
    for (const [urn, aliases] of aliasUrnsOf(recording)) {
        for (const a of aliases) claims.set(a, [...(claims.get(a) ?? []), urn]);
    }
    const removals = new Set(fixture.intentionalRemovals.map((r) => r.urn));
    const result = {
        unchanged: [] as string[],
        aliased: new Map<string, string>(),
        removed: [] as string[],
        lost: [] as string[],
        claimedTwice: [...claims].filter(([, by]) => by.length > 1).map(([a]) => a),
        presentAndAliased: [...claims.keys()].filter((a) => present.has(a)),
    };
    for (const urn of fixture.urns) {
        const by = claims.get(urn);
        if (present.has(urn)) result.unchanged.push(urn);
        else if (by) result.aliased.set(urn, by[0]);
        else if (removals.has(urn)) result.removed.push(urn);
        else result.lost.push(urn);
    }
    return result;
}

export const FIXTURES = path.resolve(__dirname, "..", "fixtures");

export function fixturePath(stack: string): string {
    return path.join(FIXTURES, `urns-${stack}.json`);
}

export function readFixture(stack: string): UrnFixture {
    return JSON.parse(fs.readFileSync(fixturePath(stack), "utf8")) as UrnFixture;
}

/** Records the URNs of a stack as evaluated now, keeping the fixture's listed removals. */
async function capture(stack: string): Promise<void> {
    const { evaluateStack } = await import("./stack");
    const { recording } = await evaluateStack(stack);
    const previous = fs.existsSync(fixturePath(stack)) ? readFixture(stack) : undefined;
    const fixture: UrnFixture = {
        comment:
            `Every resource URN of the ${stack} stack in the layout deployed before the compute split ` +
            `(EcsEc2Service with all its children directly under it), recorded with ` +
            `"npx ts-node --transpile-only test/harness/urns.ts ${stack}". test/urns.spec.ts checks each is ` +
            `still registered or aliased. Never regenerate it to make that test pass: a URN that goes ` +
            `missing is a deployed resource Pulumi would delete. A resource removed on purpose is listed in ` +
            `intentionalRemovals with its reason.`,
        urns: recording.resources.map((r) => r.urn).sort(),
        intentionalRemovals: previous?.intentionalRemovals ?? [],
    };
    fs.writeFileSync(fixturePath(stack), `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`${fixturePath(stack)}: ${fixture.urns.length} URNs`);
}

if (require.main === module) {
    (async () => {
        for (const stack of process.argv.slice(2)) await capture(stack);
    })().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
