/**
 * Lambda entry point (`index.handler` in the bundle). Configuration comes from
 * the environment the UserAuth component sets; the region from Lambda's own
 * AWS_REGION.
 */
import { configFromEnv } from "./config";
import { createPgUserStore, iamTokenProvider } from "./db";
import { createHandler } from "./handler";

const config = configFromEnv(process.env);

export const handler = createHandler({
    store: createPgUserStore({
        ...config,
        password: iamTokenProvider({ ...config, region: process.env.AWS_REGION ?? "" }),
    }),
});
