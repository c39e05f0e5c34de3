/**
 * What the mirror accepts as a JSON Web Key Set (RFC 7517): a JSON object
 * whose `keys` is a non-empty list of public signing keys, each with a
 * unique `kid` and a `kty` of RSA (n, e), EC (crv, x, y) or OKP (crv, x).
 * Anything else (an HTML error page, an empty list, a private key) is
 * refused, so a bad download never replaces a good copy. Pure.
 */
import { MAX_JWKS_BYTES } from "../../../components/auth/jwksMirrorEnv";

/** Members a key of each type must have (strings). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
    RSA: ["n", "e"],
    EC: ["crv", "x", "y"],
    OKP: ["crv", "x"],
};

/** Private key members (RFC 7518 section 6): a published key set never has them. */
const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** At most this many keys (a pool publishes two). */
export const MAX_KEYS = 100;

export type JwksCheck = { ok: true; text: string; kids: string[] } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Why key `i` is not a public signing key, or undefined. */
function keyProblem(key: unknown, i: number): string | undefined {
    if (!isObject(key)) return `keys[${i}] is not an object`;
    if (typeof key.kid !== "string" || key.kid === "" || key.kid.length > 256) return `keys[${i}] has no kid`;
    const required = typeof key.kty === "string" ? REQUIRED[key.kty] : undefined;
    if (!required) return `keys[${i}] has no kty of RSA, EC or OKP`;
    const missing = required.filter((m) => typeof key[m] !== "string" || key[m] === "");
    if (missing.length > 0) return `keys[${i}] (${key.kty}) lacks ${missing.join(", ")}`;
    const secret = PRIVATE.filter((m) => m in key);
    if (secret.length > 0) return `keys[${i}] holds private key material (${secret.join(", ")})`;
    if (key.use !== undefined && key.use !== "sig") return `keys[${i}] is not a signing key (use ${String(key.use)})`;
    return undefined;
}

/** The key set in `body` as the text to store (`{"keys":[...]}`), or why it is refused. */
export function checkJwks(body: Uint8Array): JwksCheck {
    if (body.byteLength === 0) return { ok: false, reason: "the body is empty" };
    if (body.byteLength > MAX_JWKS_BYTES) return { ok: false, reason: `the body is over ${MAX_JWKS_BYTES} bytes` };
    let parsed: unknown;
    try {
        parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch {
        return { ok: false, reason: "the body is not JSON" };
    }
    if (!isObject(parsed)) return { ok: false, reason: "the body is not a JSON object" };
    const keys = parsed.keys;
    if (!Array.isArray(keys)) return { ok: false, reason: "the body has no keys list" };
    if (keys.length === 0 || keys.length > MAX_KEYS) {
        return { ok: false, reason: `keys has ${keys.length} entries: expected 1 to ${MAX_KEYS}` };
    }
    const problem = keys.map(keyProblem).find((p) => p !== undefined);
    if (problem) return { ok: false, reason: problem };
    const kids = keys.map((k: { kid: string }) => k.kid);
    if (new Set(kids).size !== kids.length) return { ok: false, reason: "two keys have the same kid" };
    return { ok: true, text: JSON.stringify({ keys }), kids };
}
