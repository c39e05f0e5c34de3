/**
 * The database role of the Cognito post-confirmation trigger (UserAuth's
 * function, lambda/post-confirmation), created by the start-up migration when
 * DB_TRIGGER_USER names it. It signs in with IAM tokens only (`rds_iam`; no
 * password is ever set) and may insert a user row and read the one column its
 * `ON CONFLICT (cognito_sub)` target names: nothing else.
 */
import type { Client } from "pg";

/** The statements that create (once) and grant the trigger's role. */
export function triggerRoleSql(
    client: Pick<Client, "escapeIdentifier" | "escapeLiteral">,
    user: string,
    database: string,
    rdsIam: boolean,
): string[] {
    const role = client.escapeIdentifier(user);
    return [
        `DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${client.escapeLiteral(user)}) THEN
             CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
           END IF;
         END $$`,
        ...(rdsIam ? [`GRANT rds_iam TO ${role}`] : []),
        `GRANT CONNECT ON DATABASE ${client.escapeIdentifier(database)} TO ${role}`,
        `GRANT USAGE ON SCHEMA public TO ${role}`,
        `GRANT INSERT (cognito_sub, email, name) ON users TO ${role}`,
        `GRANT SELECT (cognito_sub) ON users TO ${role}`,
    ];
}
