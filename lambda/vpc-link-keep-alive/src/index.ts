/** Lambda entry point (`index.handler` in the bundle): the URL from the environment the component sets. */
import { createHandler, urlFromEnv } from "./handler";

export const handler = createHandler({ url: urlFromEnv(process.env) });
