// The API of `npm run local`: app/server.ts in a child process (as its container runs it), with the
// environment its documentation names, on a loopback port.
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

export interface LocalApi {
    readonly url: string;
    readonly pid: number | undefined;
    stop(): Promise<void>;
}

/** Polls `url` until it answers (any status) or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (!alive()) throw new Error(`${url}: the process exited before answering`);
        try {
            await fetch(url, { signal: AbortSignal.timeout(1000) });
            return;
        } catch {
            if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
            await new Promise((r) => setTimeout(r, 200));
        }
    }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
            clearTimeout(timer);
            resolve();
        });
        child.kill("SIGTERM");
    });
}

export async function startApi(
    port: number,
    env: Record<string, string>,
    log: (line: string) => void,
): Promise<LocalApi> {
    const child = spawn(
        process.execPath,
        ["-r", path.join(ROOT, "scripts", "register.js"), path.join(ROOT, "app", "server.ts")],
        {
            cwd: ROOT,
            env: {
                PATH: process.env.PATH ?? "",
                HOME: process.env.HOME ?? "",
                TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"),
                ...env,
                PORT: String(port),
                LISTEN_HOST: "127.0.0.1",
            },
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    const forward = (stream: NodeJS.ReadableStream) => {
        let buffered = "";
        stream.on("data", (chunk: Buffer) => {
            buffered += chunk.toString("utf8");
            const lines = buffered.split("\n");
            buffered = lines.pop() ?? "";
            for (const line of lines) if (line.trim() !== "") log(`api: ${line}`);
        });
    };
    forward(child.stdout!);
    forward(child.stderr!);
    const url = `http://127.0.0.1:${port}`;
    try {
        await waitForHttp(`${url}/api/health`, 60_000, () => child.exitCode === null && child.signalCode === null);
    } catch (e) {
        await stopChild(child);
        throw e;
    }
    return { url, pid: child.pid, stop: () => stopChild(child) };
}
