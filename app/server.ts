/**
 * Entry point of the application (see src/app.ts for what it serves).
 * Listens on PORT (3000) at once (liveness), runs the start-up migration in
 * the background (retried until the database is reachable) and stops gracefully on SIGTERM (ECS stop) and SIGINT:
 * no new connections, idle keep-alive connections closed, requests in flight
 * answered with `Connection: close`, exit as soon as they are done (at the
 * latest after SHUTDOWN_GRACE_MS, 20 s, inside ECS's 30 s stop timeout).
 */
import type * as net from "net";
import { createApp, type App } from "./src/app";
import type { Env } from "./src/db/settings";
import { jsonLog } from "./src/log";

export function main(env: Env = process.env): App {
    const log = jsonLog();
    const port = Number(env.PORT ?? "3000");
    const graceMs = Number(env.SHUTDOWN_GRACE_MS ?? "20000");
    const app = createApp({ env, log });
    const { server } = app.service;
    server.listen(port, env.LISTEN_HOST ?? "0.0.0.0", () =>
        log("info", "listening", { port: (server.address() as net.AddressInfo).port }),
    );
    void app.start();
    const stop = (signal: string) => {
        log("info", "stopping", { signal });
        setTimeout(() => {
            log("warn", "forced exit: requests still in flight after the grace period", { graceMs });
            process.exit(1);
        }, graceMs).unref();
        app.shutdown().then(
            () => {
                log("info", "stopped");
                process.exit(0);
            },
            () => process.exit(1),
        );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
    return app;
}

if (require.main === module) main();
