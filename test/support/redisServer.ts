// Moved to scripts/localSystem/redis.ts (npm run local --cache starts it too); kept so the specs' imports stay as they are.
export { RedisServer, redisServerBinary } from "../../scripts/localSystem/redis";
