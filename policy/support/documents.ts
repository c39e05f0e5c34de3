/**
 * IAM policy documents as the policies see them: a JSON string (what the AWS
 * provider receives) or an object. Helpers to list the statements that grant
 * every action on every resource.
 */

/** One statement, normalised: arrays for Action/NotAction/Resource. */
export interface Statement {
    readonly sid?: string;
    readonly effect: string;
    readonly actions: string[];
    readonly notActions: string[];
    readonly resources: string[];
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Parses a policy document (string or object); throws with a readable reason when it is not one. */
export function statementsOf(document: unknown): Statement[] {
    const doc = typeof document === "string" ? (JSON.parse(document) as unknown) : document;
    if (doc === null || typeof doc !== "object") throw new Error("is not a JSON object");
    const raw = (doc as { Statement?: unknown }).Statement;
    const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    return statements.map((s: Record<string, unknown>) => ({
        sid: typeof s.Sid === "string" ? s.Sid : undefined,
        effect: String(s.Effect ?? ""),
        actions: list(s.Action),
        notActions: list(s.NotAction),
        resources: list(s.Resource),
    }));
}

const ANY_ACTION = new Set(["*", "*:*"]);

/** Allow statements granting `*` (or `*:*`) on `*`: administrator access. */
export function adminStatements(document: unknown): Statement[] {
    return statementsOf(document).filter(
        (s) => s.effect === "Allow" && s.actions.some((a) => ANY_ACTION.has(a)) && s.resources.includes("*"),
    );
}

/** Describes a statement for a violation message. */
export function describeStatement(s: Statement, index: number): string {
    return s.sid ? `statement "${s.sid}"` : `statement ${index + 1}`;
}
