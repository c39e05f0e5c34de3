/**
 * Conversation summaries in the message table: one item per participant
 * (`CONV#<conversation>` / `MEMBER#<user>`), listed per user by the byUser
 * index. The update is conditional on the message id, which is what makes
 * the consumer idempotent.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { conversationKey, memberKey, userKey } from "../../../components/data/messageKeys";
import type { StreamMessage, SummaryStore } from "./handler";

export function dynamoSummaryStore(client: DynamoDBClient, tableName: string): SummaryStore {
    const doc = DynamoDBDocumentClient.from(client);
    return {
        async applyMessage(m: StreamMessage, participant: string) {
            const fromSender = participant === m.senderId;
            try {
                await doc.send(
                    new UpdateCommand({
                        TableName: tableName,
                        Key: { pk: conversationKey(m.conversationId), sk: memberKey(participant) },
                        UpdateExpression:
                            "SET gsi1pk = :gpk, gsi1sk = :mid, conversationId = :cid, userId = :uid, " +
                            "lastMessageId = :mid, lastMessageAt = :at, lastSenderId = :sender, lastMessagePreview = :preview" +
                            // The sender has read the conversation up to their own message.
                            (fromSender ? ", lastReadMessageId = :mid, unreadCount = :n" : " ADD unreadCount :n"),
                        ConditionExpression: "attribute_not_exists(lastMessageId) OR lastMessageId < :mid",
                        ExpressionAttributeValues: {
                            ":gpk": userKey(participant),
                            ":mid": m.messageId,
                            ":cid": m.conversationId,
                            ":uid": participant,
                            ":at": m.sentAt,
                            ":sender": m.senderId,
                            ":preview": m.preview,
                            ":n": fromSender ? 0 : 1,
                        },
                    }),
                );
                return "applied";
            } catch (e) {
                // Already at this message or a later one: a redelivery.
                if (
                    e instanceof ConditionalCheckFailedException ||
                    (e as Error).name === "ConditionalCheckFailedException"
                ) {
                    return "unchanged";
                }
                throw e;
            }
        },
    };
}
