/**
 * `npm run local` as a person runs it: started in a terminal-like process
 * group, it prints the URL to open; Ctrl-C (SIGINT to the group) stops it,
 * and afterwards no port it listened on is open and none of its processes
 * (the API, PostgreSQL and PostgreSQL's workers) remains; dynalite's port
 * (in-process) is closed too.
 */
import { expect } from "chai";
import { execFileSync, spawn, type ChildProcess } from "child_process";
import * as net from "net";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Every descendant pid of `pid` (from ps). */
function descendants(pid: number): number[] {
    const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((l) => l.trim().split(/\s+/).map(Number));
    const out: number[] = [];
    const walk = (p: number) => {
        for (const [child, parent] of rows) {
            if (parent === p) {
                out.push(child);
                walk(child);
            }
        }
    };
    walk(pid);
    return out;
}

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

function portOpen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ port, host: "127.0.0.1" });
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}

describe("npm run local", function () {
    let child: ChildProcess | undefined;
    let output = "";

    after(() => {
        // Only if the test failed half-way: end the group this test started.
        if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
    });

    it("prints the URL to open, serves it, and Ctrl-C leaves no port open and no process behind", async () => {
        execFileSync("npm", ["run", "--silent", "build:web"], { cwd: ROOT, stdio: "ignore" });
        child = spawn("npm", ["run", "local", "--", "--port", "0", "--no-build"], {
            cwd: ROOT,
            detached: true, // its own process group, as a terminal's foreground job
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
        const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no URL after 120 s:\n${output}`)), 120_000);
            const check = () => {
                const m =
                    /open (http:\/\/127\.0\.0\.1:(\d+)\/)\n\(API http:\/\/127\.0\.0\.1:(\d+), S3 http:\/\/127\.0\.0\.1:(\d+), PostgreSQL 127\.0\.0\.1:(\d+), DynamoDB http:\/\/127\.0\.0\.1:(\d+)[^\n]*\nSign-in: the local OpenID provider http:\/\/127\.0\.0\.1:(\d+) /.exec(
                        output,
                    );
                if (m) {
                    clearTimeout(timer);
                    resolve(m);
                }
            };
            child!.stdout!.on("data", check);
            child!.once("exit", (code) => reject(new Error(`exited with ${code} before the URL:\n${output}`)));
        });
        const [, url, ...portText] = ready;
        const ports = portText.map(Number);
        const page = await fetch(url);
        expect(page.status).to.equal(200);
        expect(await page.text()).to.include("<title>aws-webapp</title>");
        expect((await fetch(`${url}api/health`)).status).to.equal(200);
        // An anonymous call to a protected route is refused.
        expect((await fetch(`${url}api/users`)).status).to.equal(401);
        for (const port of ports) expect(await portOpen(port), `port ${port} open while running`).to.equal(true);
        const pids = descendants(child.pid!);
        expect(pids.length, "the API and PostgreSQL run as child processes").to.be.at.least(3);

        const exited = new Promise<[number | null, string | null]>((resolve) =>
            child!.once("exit", (code, signal) => resolve([code, signal])),
        );
        process.kill(-child.pid!, "SIGINT");
        const [code, signal] = await exited;
        // npm itself ends on the terminal's SIGINT; the script exits 0 once everything has stopped.
        expect(code === 0 || signal === "SIGINT", `exit ${code} ${signal}\n${output}`).to.equal(true);
        // Give the kernel a moment to release the last sockets and reap the workers.
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 200));
        expect(pids.filter(alive), "processes left behind").to.deep.equal([]);
        for (const port of ports) expect(await portOpen(port), `port ${port} still open`).to.equal(false);
        // The script's output pipe closes once its last writer (the script itself) is gone.
        if (!child.stdout!.closed) await new Promise((r) => child!.stdout!.once("close", r));
        expect(output).to.include("SIGINT: stopping");
        expect(output, output).to.match(/\nstopped\n/);
    });
});
