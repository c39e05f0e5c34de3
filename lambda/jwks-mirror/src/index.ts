/** Lambda entry point (`index.handler` in the bundle): the configuration the component sets, the regional S3 endpoint. */
import { S3Client } from "@aws-sdk/client-s3";
import { configFromEnv, createHandler } from "./handler";

export const handler = createHandler({ config: configFromEnv(process.env), s3: new S3Client({}) });
