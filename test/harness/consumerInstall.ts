/**
 * The consumer project of the packed library, shared by the consumer specs:
 * the tarball of this repository (packedLibrary.ts) installed offline into a project in the temporary directory
 * with its own @pulumi/pulumi and @pulumi/aws (versions and integrity from
 * this repository's lockfile, packages from the npm cache that `npm ci`
 * filled). Only the library's own package is reinstalled between runs, and
 * only when its tarball (or anything else in the manifest or lockfile) changed.
 */
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { consumerProject } from "./consumer";

const run = promisify(execFile);
export const ROOT = path.resolve(__dirname, "..", "..");
export const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
/** The library's package name: the one place it comes from. */
export const LIBRARY: string = pkg.name;
/**
 * Outside the repository (in the system's temporary directory, one per
 * checkout): under the repository's node_modules, Node's resolution would
 * walk up into this repository's packages and hide a dependency the
 * package forgets to declare.
 */
export const CACHE = path.join(
    os.tmpdir(),
    `aws-webapp-consumer-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}`,
);
export const CONSUMER = path.join(CACHE, "project");
export const PEERS = ["@pulumi/pulumi", "@pulumi/aws"];
/** What the README's example test imports besides the library and its peers. */
const TEST_DEPENDENCIES = ["chai"];

/** npm as the running npm (under `npm test`) or from PATH. */
export function npm(args: string[], cwd: string) {
    const cli = process.env.npm_execpath;
    const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
    return cli && /npm-cli\.js$/.test(cli)
        ? run(process.execPath, [cli, ...args], { cwd, env, maxBuffer: 64 << 20 })
        : run("npm", args, { cwd, env, maxBuffer: 64 << 20 });
}

export const node = (script: string, args: string[], cwd: string) =>
    run(process.execPath, [require.resolve(script, { paths: [ROOT] }), ...args], { cwd, maxBuffer: 64 << 20 });

/** Writes the consumer project and installs it offline (only what changed). */
export async function install(tarball: { filename: string; integrity: string }): Promise<void> {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const { packageJson, packageLock } = consumerProject(lock.packages, {
        library: LIBRARY,
        tarball: path.relative(CONSUMER, path.join(CACHE, tarball.filename)),
        integrity: tarball.integrity,
        manifest: pkg,
        peers: [...PEERS, ...TEST_DEPENDENCIES],
    });
    fs.mkdirSync(path.join(CONSUMER, "test"), { recursive: true });
    const files = { "package.json": packageJson, "package-lock.json": packageLock };
    const text = Object.entries(files).map(([f, json]) => [f, JSON.stringify(json, null, 2)] as const);
    for (const [f, t] of text) fs.writeFileSync(path.join(CONSUMER, f), t);
    // The lockfile carries the tarball's integrity (npm packs reproducibly): an install of the same
    // manifest and lockfile, found complete, is the one npm would make again.
    const stamp = path.join(CACHE, "install.sha256");
    const wanted = createHash("sha256").update(JSON.stringify(text)).digest("hex");
    const complete = [path.join(LIBRARY, "package.json"), ".package-lock.json"].every((f) =>
        fs.existsSync(path.join(CONSUMER, "node_modules", f)),
    );
    if (complete && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === wanted) return;
    fs.rmSync(stamp, { force: true });
    // The tarball's version does not change between runs: remove it so npm installs this one.
    fs.rmSync(path.join(CONSUMER, "node_modules", LIBRARY), { recursive: true, force: true });
    await npm(["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], CONSUMER);
    fs.writeFileSync(stamp, wanted);
}
