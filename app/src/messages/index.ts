/**
 * The messages API as the application mounts it, from the environment:
 *
 *   MESSAGES_TABLE     the MessageTable's table name (unset: the routes answer 503)
 *   AWS_REGION         the table's region
 *   DYNAMODB_ENDPOINT  a DynamoDB-compatible server (local runs, tests); unset on AWS,
 *                      where the VPC's gateway endpoint carries the traffic
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Env } from "../db/settings";
import { HttpError } from "../http/respond";
import type { Route } from "../http/router";
import type { Log } from "../log";
import type { PrincipalOf } from "./principal";
import { messageRoutes } from "./routes";
import { MessageStore } from "./store";

export type { Principal, PrincipalOf } from "./principal";

export interface MessagesSettings {
    readonly tableName: string;
    readonly region: string;
    readonly endpoint?: string;
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

export function messagesSettingsFromEnv(
    env: Env,
): { ok: true; value: MessagesSettings } | { ok: false; reason: string } {
    const problems: string[] = [];
    const tableName = env.MESSAGES_TABLE?.trim() ?? "";
    if (!TABLE_NAME.test(tableName)) problems.push("MESSAGES_TABLE is not a table name");
    const region = (env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "").trim();
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) problems.push("AWS_REGION is not a region");
    const endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
    if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint))
        problems.push("DYNAMODB_ENDPOINT is not a URL");
    if (problems.length > 0) return { ok: false, reason: `messages not configured: ${problems.join("; ")}` };
    return { ok: true, value: { tableName, region, ...(endpoint ? { endpoint } : {}) } };
}

const PATTERN = /^\/api\/conversations(\/[^/]+\/(messages|read))?$/;

function unavailable(reason: string): Route {
    const fail = () => {
        throw new HttpError(503, "unavailable", reason);
    };
    return { pattern: PATTERN, methods: { GET: fail, POST: fail, PUT: fail } };
}

export interface MessagesApiOptions {
    readonly env: Env;
    readonly log: Log;
    /** The caller's verified principal; without it the routes answer 503 (no identity, no messages). */
    readonly principalOf?: PrincipalOf;
    /** DynamoDB client. Default: one for AWS_REGION (DYNAMODB_ENDPOINT when set). */
    readonly dynamodb?: DynamoDBClient;
    readonly now?: () => number;
}

/** The messages routes, or one route answering 503 with the reason they are not available. */
export function messagesApi(o: MessagesApiOptions): Route[] {
    const settings = messagesSettingsFromEnv(o.env);
    if (!settings.ok) {
        o.log("warn", "messages not configured", { reason: settings.reason });
        return [unavailable(settings.reason)];
    }
    if (!o.principalOf) {
        const reason = "messages not available: sign-in is not configured";
        o.log("warn", reason);
        return [unavailable(reason)];
    }
    const { region, endpoint, tableName } = settings.value;
    const client = o.dynamodb ?? new DynamoDBClient({ region, ...(endpoint ? { endpoint } : {}), maxAttempts: 2 });
    return messageRoutes({
        store: new MessageStore(client, tableName),
        principalOf: o.principalOf,
        log: o.log,
        now: o.now,
    });
}
