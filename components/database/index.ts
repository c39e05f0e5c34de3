// Database components: RDS for PostgreSQL, or Aurora PostgreSQL Serverless v2.
export { PostgresDb } from "./postgresDb";
export type { PostgresDbArgs, PostgresLogGroupNames, PostgresMetricDimensions } from "./postgresDbArgs";
export { POSTGRES_DB_MODES, PostgresDbMode, SCALE_TO_ZERO_MIN_MINOR, SERVERLESS_DEFAULTS } from "./serverless";
export type { ServerlessSettings } from "./serverless";
export {
    POSTGRES_MAJOR_VERSIONS,
    PostgresLogStatement,
    PostgresMajorVersion,
    resolvePostgresDbSettings,
} from "./validation";
export type { PostgresDbSettings } from "./validation";
