// Database components: RDS for PostgreSQL.
export { PostgresDb } from "./postgresDb";
export type { PostgresDbArgs } from "./postgresDb";
export { POSTGRES_MAJOR_VERSIONS, resolvePostgresDbSettings } from "./validation";
export type { PostgresDbSettings, PostgresLogStatement, PostgresMajorVersion } from "./validation";
