/**
 * Versioned schema migrations, applied in order at start-up by the master
 * user (see migrate.ts). Never edit a released migration: add the next one.
 */

export interface Migration {
    readonly version: number;
    readonly name: string;
    readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
    {
        version: 1,
        name: "users",
        sql: `
CREATE TABLE users (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));`,
    },
    {
        version: 2,
        name: "users-owner",
        // The owner of a record: the Cognito (or local OpenID provider) `sub`. Rows from before
        // authentication keep NULL and belong to nobody (no caller can read or change them).
        // The unique index is also the conflict target of the post-confirmation trigger's insert.
        sql: `
ALTER TABLE users ADD COLUMN cognito_sub text CHECK (char_length(cognito_sub) BETWEEN 1 AND 255);
CREATE UNIQUE INDEX users_cognito_sub_key ON users (cognito_sub);`,
    },
];
