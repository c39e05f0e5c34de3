// Data components: DynamoDB messages (and the bundles of the library's pure-JS Lambda handlers).
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
