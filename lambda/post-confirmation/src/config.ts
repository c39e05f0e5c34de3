/**
 * The post-confirmation function's configuration, read once from its
 * environment at cold start (the UserAuth component writes it, see
 * components/auth/triggerEnv.ts). A bad value fails the cold start with a
 * message naming the variable.
 */
import { DEFAULT_USERS_TABLE, TRIGGER_ENV } from "../../../components/auth/triggerEnv";

export interface TriggerConfig {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    /** Database user the function signs in as with IAM database authentication. */
    readonly user: string;
    /** Table receiving confirmed users, optionally schema-qualified. */
    readonly usersTable: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** True for `table` or `schema.table` made of lower-case PostgreSQL identifiers. */
export function isTableName(value: string): boolean {
    const parts = value.split(".");
    return parts.length <= 2 && parts.every((p) => IDENTIFIER.test(p));
}

/** `"schema"."table"`: the table name quoted for SQL (it was validated by {@link isTableName}). */
export function quoteTable(value: string): string {
    return value
        .split(".")
        .map((p) => `"${p}"`)
        .join(".");
}

export function configFromEnv(env: Record<string, string | undefined>): TriggerConfig {
    const need = (key: string): string => {
        const value = env[key];
        if (value === undefined || value === "") throw new Error(`post-confirmation: ${key} is not set`);
        return value;
    };
    const port = Number(env[TRIGGER_ENV.dbPort] ?? "5432");
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`post-confirmation: ${TRIGGER_ENV.dbPort} is not a port number`);
    }
    const usersTable = env[TRIGGER_ENV.usersTable] || DEFAULT_USERS_TABLE;
    if (!isTableName(usersTable)) {
        throw new Error(`post-confirmation: ${TRIGGER_ENV.usersTable} is not a table name (table or schema.table)`);
    }
    return {
        host: need(TRIGGER_ENV.dbHost),
        port,
        database: need(TRIGGER_ENV.dbName),
        user: need(TRIGGER_ENV.dbUser),
        usersTable,
    };
}
