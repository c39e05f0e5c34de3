/**
 * Lambda entry point (`index.handler` in the bundle): the table comes from
 * the environment the MessageTable component sets.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { STREAM_ENV } from "../../../components/data/messageKeys";
import { createHandler } from "./handler";
import { dynamoSummaryStore } from "./store";

const tableName = process.env[STREAM_ENV.tableName];
if (!tableName) throw new Error(`message-stream: ${STREAM_ENV.tableName} is not set`);

export const handler = createHandler({ store: dynamoSummaryStore(new DynamoDBClient({}), tableName) });
