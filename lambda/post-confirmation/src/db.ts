/**
 * The PostgreSQL user store: one pooled connection reused across
 * invocations, signed in with an IAM database authentication token (made
 * locally by @aws-sdk/rds-signer from the function's role credentials: no
 * network call, so no NAT is needed) and TLS verified against the RDS CA.
 * The token provider is injectable so tests can sign in with a password.
 */
import { Signer } from "@aws-sdk/rds-signer";
import { Pool, type PoolConfig } from "pg";
import { quoteTable } from "./config";
import type { UserRecord, UserStore } from "./handler";

/** Returns the password to sign in with (an IAM token, valid 15 minutes, made per connection). */
export type TokenProvider = () => Promise<string>;

export function iamTokenProvider(o: { host: string; port: number; user: string; region: string }): TokenProvider {
    const signer = new Signer({ hostname: o.host, port: o.port, username: o.user, region: o.region });
    return () => signer.getAuthToken();
}

export interface PgStoreOptions {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
    readonly password: TokenProvider;
    /** TLS options; the function always verifies the server (the default), tests may pass false. */
    readonly ssl?: PoolConfig["ssl"];
    readonly usersTable: string;
    /** @default 3000 (Cognito gives the trigger 5 s) */
    readonly connectTimeoutMs?: number;
}

export interface PgUserStore extends UserStore {
    end(): Promise<void>;
}

export function createPgUserStore(o: PgStoreOptions): PgUserStore {
    const pool = new Pool({
        host: o.host,
        port: o.port,
        database: o.database,
        user: o.user,
        password: o.password,
        ssl: o.ssl ?? { rejectUnauthorized: true },
        max: 1,
        idleTimeoutMillis: 5 * 60_000,
        connectionTimeoutMillis: o.connectTimeoutMs ?? 3000,
    });
    // An idle connection the server closes must not crash the function.
    pool.on("error", () => undefined);
    const sql =
        `INSERT INTO ${quoteTable(o.usersTable)} (cognito_sub, email, name) VALUES ($1, $2, $3) ` +
        "ON CONFLICT (cognito_sub) DO NOTHING";
    return {
        async insertUser(user: UserRecord): Promise<boolean> {
            const result = await pool.query(sql, [user.cognitoSub, user.email, user.name]);
            return result.rowCount === 1;
        },
        end: () => pool.end(),
    };
}
