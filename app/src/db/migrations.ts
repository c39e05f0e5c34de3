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
];
