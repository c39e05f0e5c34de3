// A Redis-compatible server for `npm run local --cache` and the specs: Debian's `redis-server` (or
// `valkey-server`) on a loopback port, without persistence, stopped (and restarted) on demand.
// .ci/run installs redis-server when it is missing.
import { type ChildProcess, spawn, spawnSync } from "child_process";
import * as net from "net";
import { freePort } from "./freePort";

export function redisServerBinary(): string {
    for (const bin of ["redis-server", "valkey-server"]) {
        if (spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0) return bin;
    }
    throw new Error("neither redis-server nor valkey-server is installed (apt-get install redis-server)");
}

/** Resolves once `PING` on the port answers `+PONG`. */
async function waitForPong(port: number, deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
        const ok = await new Promise<boolean>((resolve) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.once("error", () => resolve(false));
            socket.once("connect", () => socket.write("PING\r\n"));
            socket.once("data", (d) => {
                socket.destroy();
                resolve(d.toString().startsWith("+PONG"));
            });
        });
        if (ok) return;
        if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

export class RedisServer {
    private process?: ChildProcess;

    private constructor(readonly port: number) {}

    /** A server on a free port, started. */
    static async start(): Promise<RedisServer> {
        const server = new RedisServer(await freePort());
        await server.resume();
        return server;
    }

    get url(): string {
        return `redis://127.0.0.1:${this.port}`;
    }

    /** (Re)starts the server on the same port. */
    async resume(): Promise<void> {
        const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
        const child = spawn(redisServerBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout?.on("data", (d) => (output += d));
        child.stderr?.on("data", (d) => (output += d));
        this.process = child;
        try {
            await waitForPong(this.port, 15_000); // generous: a busy machine starts it slowly
        } catch (e) {
            child.kill("SIGKILL");
            throw new Error(`${(e as Error).message}; its output:\n${output}`);
        }
    }

    /** Stops the server (SIGTERM) and waits until it has exited. */
    async stop(): Promise<void> {
        const p = this.process;
        this.process = undefined;
        if (!p || p.exitCode !== null) return;
        await new Promise<void>((resolve) => {
            p.once("exit", () => resolve());
            p.kill("SIGTERM");
        });
    }
}
