/**
 * Environment variable names the post-confirmation function reads: the
 * contract between the UserAuth component (which writes them) and the
 * handler in lambda/post-confirmation (which esbuild bundles together with
 * this file, so it must import nothing). No secret is among them: the
 * function signs in with an IAM authentication token it makes itself.
 */
export const TRIGGER_ENV = {
    dbHost: "DB_HOST",
    dbPort: "DB_PORT",
    dbName: "DB_NAME",
    dbUser: "DB_USER",
    /** Table receiving the users, optionally schema-qualified (`app.users`). */
    usersTable: "USERS_TABLE",
    /** Lambda's Node.js 20+ runtimes trust the RDS CA bundle only when this points at it. */
    extraCaCerts: "NODE_EXTRA_CA_CERTS",
} as const;

/** The RDS certificate bundle the Lambda runtime ships (trusted through NODE_EXTRA_CA_CERTS). */
export const LAMBDA_RDS_CA_BUNDLE = "/var/runtime/ca-cert.pem";

/** Default table of confirmed users. */
export const DEFAULT_USERS_TABLE = "users";
