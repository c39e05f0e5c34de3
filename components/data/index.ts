// Data components: DynamoDB messages, the optional Valkey cache (and the bundles of the library's pure-JS Lambda handlers).
export { MessageTable } from "./messageTable";
export type { MessageTableArgs, MessageTableIndexNames } from "./messageTable";
export { resolveMessageTableSettings } from "./messageTableSettings";
export type { MessageTableSettings } from "./messageTableSettings";
export type { TableAccessStatement } from "./messageTablePolicies";
export {
    BY_USER_INDEX,
    conversationKey,
    MESSAGE_ID,
    MESSAGE_KEYS,
    memberKey,
    messageIdTime,
    messageKey,
    newMessageId,
    userKey,
} from "./messageKeys";
export { ensureFunctionBundle, FUNCTION_HANDLERS, type FunctionHandler } from "./functionBundle";
export { Cache } from "./cache";
export type { CacheArgs } from "./cache";
export { CACHE_PORTS, resolveCacheSettings, VALKEY_MAJOR_VERSIONS, ValkeyMajorVersion } from "./cacheSettings";
export type { CacheSettings } from "./cacheSettings";
