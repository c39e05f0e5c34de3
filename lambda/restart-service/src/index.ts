/**
 * Lambda entry point (`index.handler` in the bundle): the target from the
 * environment the component sets, the region and credentials from Lambda's own.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import { createHandler, targetFromEnv } from "./handler";

export const handler = createHandler({ ecs: new ECSClient({}), target: targetFromEnv(process.env) });
