// Database components: RDS for PostgreSQL.
export { PostgresDb } from "./postgresDb";
export type { PostgresDbArgs, PostgresLogGroupNames, PostgresMetricDimensions } from "./postgresDb";
export {
    POSTGRES_MAJOR_VERSIONS,
    PostgresLogStatement,
    PostgresMajorVersion,
    resolvePostgresDbSettings,
} from "./validation";
export type { PostgresDbSettings } from "./validation";
