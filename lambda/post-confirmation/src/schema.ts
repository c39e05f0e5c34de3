/**
 * The users table the function writes to. The function never creates it (its
 * database user may only insert): the application's migrations do, with this
 * statement or an equivalent one, and grant the function's user INSERT.
 */
import { DEFAULT_USERS_TABLE } from "../../../components/auth/triggerEnv";
import { quoteTable } from "./config";

/** `CREATE TABLE IF NOT EXISTS` for the users table (`cognito_sub` unique: the idempotency key). */
export function usersTableSql(table: string = DEFAULT_USERS_TABLE): string {
    return [
        `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (`,
        "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,",
        "    cognito_sub text NOT NULL UNIQUE,",
        "    email text NOT NULL,",
        "    name text,",
        "    created_at timestamptz NOT NULL DEFAULT now()",
        ")",
    ].join("\n");
}

/**
 * What the function's database user needs, and nothing more: sign in with
 * IAM (`rds_iam`, an RDS role), insert rows, and read the one column the
 * `ON CONFLICT (cognito_sub)` target names (PostgreSQL requires SELECT on a
 * conflict target's columns, even with DO NOTHING).
 */
export function triggerUserGrantsSql(user: string, table: string = DEFAULT_USERS_TABLE): string[] {
    return [
        `CREATE USER "${user}"`,
        `GRANT rds_iam TO "${user}"`,
        `GRANT INSERT (cognito_sub, email, name) ON ${quoteTable(table)} TO "${user}"`,
        `GRANT SELECT (cognito_sub) ON ${quoteTable(table)} TO "${user}"`,
    ];
}
