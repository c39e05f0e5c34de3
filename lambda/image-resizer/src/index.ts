/**
 * Lambda entry point (`index.handler` in the bundle). Configuration comes from
 * the environment the ImagePipeline component sets; a bad value fails the
 * cold start with a message naming the variable.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import sharp from "sharp";
import { configFromEnv } from "./config";
import { createHandler } from "./handler";

// Each invocation reads a different image: libvips' operation cache would only hold memory.
sharp.cache(false);

export const handler = createHandler({
    s3: new S3Client({}),
    sns: new SNSClient({}),
    sqs: new SQSClient({}),
    config: configFromEnv(process.env),
});
