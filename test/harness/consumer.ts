/**
 * A consumer project for the packed library: its lockfile is the part of this
 * repository's package-lock.json that the consumer's dependencies reach (same
 * versions and integrity hashes, same node_modules layout), so `npm install
 * --offline` takes every package from the npm cache that this repository's
 * own `npm ci` filled. Pure functions, unit-tested in test/consumer.spec.ts.
 */

/** A package-lock.json v3 `packages` entry (the fields used here). */
export interface LockEntry {
    readonly version?: string;
    readonly resolved?: string;
    readonly integrity?: string;
    readonly dependencies?: Record<string, string>;
    readonly optionalDependencies?: Record<string, string>;
    readonly peerDependencies?: Record<string, string>;
    readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    readonly optional?: boolean;
    readonly dev?: boolean;
    readonly devOptional?: boolean;
    readonly peer?: boolean;
    readonly [key: string]: unknown;
}

export type LockPackages = Readonly<Record<string, LockEntry>>;

/**
 * Where Node would find `dep` required from the package installed at `from`
 * (a lockfile key such as `node_modules/a/node_modules/b`, "" for the root):
 * the nearest `node_modules/<dep>` walking up, or undefined.
 */
export function resolveIn(packages: LockPackages, from: string, dep: string): string | undefined {
    let base = from;
    for (;;) {
        const candidate = `${base ? `${base}/` : ""}node_modules/${dep}`;
        if (packages[candidate]) return candidate;
        if (!base) return undefined;
        const i = base.lastIndexOf("/node_modules/");
        base = i < 0 ? "" : base.slice(0, i);
    }
}

/**
 * The entries reachable from `roots` (package names resolved from the root),
 * through dependencies, optional dependencies and non-optional peers, with
 * the dev flags dropped (in the consumer they are production packages).
 * Throws for a root or a required dependency the lockfile does not have.
 */
export function lockSubset(packages: LockPackages, roots: readonly string[]): Record<string, LockEntry> {
    const out: Record<string, LockEntry> = {};
    const visit = (key: string) => {
        if (out[key]) return;
        const entry = packages[key];
        // Keep the lockfile's own fields; only the dev flags change meaning here.
        const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
        out[key] = entry.devOptional && !entry.optional ? { ...kept, optional: true } : kept;
        const optional = entry.optionalDependencies ?? {};
        const peers = Object.keys(entry.peerDependencies ?? {}).filter(
            (d) => !entry.peerDependenciesMeta?.[d]?.optional,
        );
        for (const dep of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(optional), ...peers]) {
            const found = resolveIn(packages, key, dep);
            if (found) visit(found);
            else if (!(dep in optional)) throw new Error(`lockfile: ${key} needs ${dep}, which is not installed`);
        }
    };
    for (const root of roots) {
        const key = `node_modules/${root}`;
        if (!packages[key]) throw new Error(`lockfile: no ${key}`);
        visit(key);
    }
    return out;
}

/** What the consumer project depends on. */
export interface ConsumerSpec {
    /** The library's package name (from its package.json). */
    readonly library: string;
    /** The library tarball, relative to the consumer project. */
    readonly tarball: string;
    /** sha512 integrity of the tarball. */
    readonly integrity: string;
    /** The packed package.json of the library. */
    readonly manifest: {
        version: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
    };
    /** Packages the consumer installs itself besides the library (its peers, test tools), at this lockfile's versions. */
    readonly peers: readonly string[];
}

/** package.json and package-lock.json of the consumer project. */
export function consumerProject(
    packages: LockPackages,
    spec: ConsumerSpec,
): { packageJson: Record<string, unknown>; packageLock: Record<string, unknown> } {
    const libraryDeps = Object.keys(spec.manifest.dependencies ?? {});
    const thirdParty = lockSubset(packages, [...libraryDeps, ...spec.peers]);
    const peerVersions = Object.fromEntries(spec.peers.map((p) => [p, String(packages[`node_modules/${p}`].version)]));
    const dependencies = { [spec.library]: `file:${spec.tarball}`, ...peerVersions };
    const packageJson = { name: "consumer", version: "1.0.0", private: true, dependencies };
    const library: LockEntry = {
        version: spec.manifest.version,
        resolved: `file:${spec.tarball}`,
        integrity: spec.integrity,
        dependencies: spec.manifest.dependencies,
        peerDependencies: spec.manifest.peerDependencies,
    };
    const packageLock = {
        name: "consumer",
        version: "1.0.0",
        lockfileVersion: 3,
        requires: true,
        packages: {
            "": { name: "consumer", version: "1.0.0", dependencies },
            ...thirdParty,
            [`node_modules/${spec.library}`]: library,
        },
    };
    return { packageJson, packageLock };
}
