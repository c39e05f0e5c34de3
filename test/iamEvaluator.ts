/**
 * A small IAM policy evaluator for identity policies and permissions
 * boundaries, enough for the deploy role's statements: Action / NotAction,
 * Resource / NotResource with `*` and `?` wildcards (actions case-insensitive),
 * the String and Arn condition operators with IAM's rule for missing keys
 * (positive operators fail, negated ones match), multi-valued condition
 * values as OR, and IAM's decision order: an explicit deny anywhere wins,
 * then an allow is needed in the identity policies and, when there is one,
 * in the permissions boundary.
 */

export interface Request {
    readonly action: string;
    readonly resource: string;
    /** Condition keys of the request (`iam:PermissionsBoundary`, `iam:PassedToService`, ...). */
    readonly context?: Readonly<Record<string, string>>;
}

interface Statement {
    readonly Effect: "Allow" | "Deny";
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly NotResource?: string | readonly string[];
    readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}
export interface Policy {
    readonly Statement: readonly Record<string, unknown>[];
}

const list = (v: string | readonly string[] | undefined): readonly string[] =>
    v === undefined ? [] : typeof v === "string" ? [v] : v;

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
    const re = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${re}$`, ignoreCase ? "is" : "s").test(value);
}

const OPERATORS: Record<string, { negated: boolean; test: (pattern: string, value: string) => boolean }> = {
    StringEquals: { negated: false, test: (p, v) => p === v },
    StringNotEquals: { negated: true, test: (p, v) => p === v },
    StringEqualsIgnoreCase: { negated: false, test: (p, v) => p.toLowerCase() === v.toLowerCase() },
    StringLike: { negated: false, test: (p, v) => wildcardMatch(p, v) },
    StringNotLike: { negated: true, test: (p, v) => wildcardMatch(p, v) },
    ArnEquals: { negated: false, test: (p, v) => p === v },
    ArnLike: { negated: false, test: (p, v) => wildcardMatch(p, v) },
    ArnNotEquals: { negated: true, test: (p, v) => p === v },
    ArnNotLike: { negated: true, test: (p, v) => wildcardMatch(p, v) },
};

function conditionsHold(condition: Statement["Condition"], context: Readonly<Record<string, string>>): boolean {
    for (const [operator, keys] of Object.entries(condition ?? {})) {
        const op = OPERATORS[operator];
        if (!op) throw new Error(`iamEvaluator: condition operator ${operator} is not supported`);
        for (const [key, expected] of Object.entries(keys)) {
            const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
            if (actual === undefined) {
                if (!op.negated) return false;
                continue;
            }
            const any = list(expected).some((p) => op.test(p, actual));
            if (op.negated ? any : !any) return false;
        }
    }
    return true;
}

/** True when the statement applies to the request (its effect then counts). */
export function statementMatches(raw: Record<string, unknown>, request: Request): boolean {
    const s = raw as unknown as Statement;
    const actionHit = (patterns: readonly string[]) => patterns.some((p) => wildcardMatch(p, request.action, true));
    const resourceHit = (patterns: readonly string[]) => patterns.some((p) => wildcardMatch(p, request.resource));
    const action = s.NotAction !== undefined ? !actionHit(list(s.NotAction)) : actionHit(list(s.Action));
    const resource = s.NotResource !== undefined ? !resourceHit(list(s.NotResource)) : resourceHit(list(s.Resource));
    return action && resource && conditionsHold(s.Condition, request.context ?? {});
}

export type Decision = "allow" | "explicit deny" | "implicit deny";

/**
 * The decision for a principal with these identity policies and, optionally,
 * a permissions boundary.
 */
export function evaluate(request: Request, identity: readonly Policy[], boundary?: Policy): Decision {
    const all = [...identity, ...(boundary ? [boundary] : [])].flatMap((p) => p.Statement);
    if (all.some((s) => s.Effect === "Deny" && statementMatches(s, request))) return "explicit deny";
    const allows = (p: Policy) => p.Statement.some((s) => s.Effect === "Allow" && statementMatches(s, request));
    if (!identity.some(allows)) return "implicit deny";
    if (boundary && !allows(boundary)) return "implicit deny";
    return "allow";
}
