// The site server of `npm run local`: the built frontend with the headers and SPA fallback the
// CloudFront distribution applies (the same CloudFront Function source), /api/* proxied to the API
// and /media/renders/* to the S3 server's bucket, as StaticSite's behaviours route them.
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { SPA_FALLBACK_FUNCTION, stripPrefixFunction } from "../../components/cdn/functions";
import { contentSecurityPolicy, securityHeaders } from "../../components/cdn/headers";
import {
    contentTypeOf,
    isHashedAsset,
    IMMUTABLE_CACHE_CONTROL,
    shortCacheControl,
} from "../../components/cdn/siteFiles";

type ViewerRequest = (event: { request: { uri: string } }) => { uri: string };
/** Evaluates a CloudFront Function's source (a plain `function handler(event)`) in this process. */
export function cloudFrontFunction(code: string): (uri: string) => string {
    const handler = new Function(`${code}\nreturn handler;`)() as ViewerRequest;
    return (uri) => handler({ request: { uri } }).uri;
}

const spaFallback = cloudFrontFunction(SPA_FALLBACK_FUNCTION);
const stripMedia = cloudFrontFunction(stripPrefixFunction("/media"));

export interface SiteOptions {
    /** Built site (web/dist). */
    readonly root: string;
    readonly port: number;
    readonly log: (line: string) => void;
}

export interface Upstreams {
    /** `http://127.0.0.1:<port>` of the API. */
    readonly api: string;
    /** `http://127.0.0.1:<port>` of the S3 server. */
    readonly storage: string;
    readonly bucket: string;
    /** The OpenID provider the page signs in with (served to it as /auth.json). */
    readonly auth?: { readonly issuer: string; readonly clientId: string };
}

export interface LocalSite {
    readonly origin: string;
    /** Sets where /api and /media go, and the CSP's upload origin (known once those servers run). */
    route(upstreams: Upstreams): void;
    stop(): Promise<void>;
}

/** Forwards a request to `target` (a full URL), streaming both ways; a dead upstream answers 502 JSON. */
function proxy(req: http.IncomingMessage, res: http.ServerResponse, target: URL, extra: Record<string, string>) {
    const headers = { ...req.headers, host: target.host };
    const upstream = http.request(target, { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...extra });
        answer.pipe(res);
    });
    upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502, { "Content-Type": "application/json", ...extra });
        res.end(JSON.stringify({ error: "bad_gateway", message: "upstream unavailable" }));
    });
    req.pipe(upstream);
}

export async function startSite(o: SiteOptions): Promise<LocalSite> {
    const root = path.resolve(o.root);
    if (!fs.existsSync(path.join(root, "index.html"))) {
        throw new Error(`${root}/index.html is missing: run \`npm run build:web\``);
    }
    let upstreams: Upstreams | undefined;
    let headers: Record<string, string> = {};
    const sockets = new Set<import("net").Socket>();

    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://local");
        if (!upstreams) {
            res.writeHead(503, { "Content-Type": "text/plain" }).end("starting");
            return;
        }
        if (url.pathname === "/auth.json" && upstreams.auth) {
            // What the deployed site publishes from the stack's authIssuer and authClientId outputs.
            const body = JSON.stringify({ issuer: upstreams.auth.issuer, clientId: upstreams.auth.clientId });
            res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache", ...headers });
            res.end(req.method === "HEAD" ? undefined : body);
            return;
        }
        if (url.pathname.startsWith("/api/") || url.pathname === "/api") {
            proxy(req, res, new URL(`${url.pathname}${url.search}`, upstreams.api), headers);
            return;
        }
        if (url.pathname.startsWith("/media/renders/")) {
            if (req.method !== "GET" && req.method !== "HEAD") {
                res.writeHead(405, { Allow: "GET, HEAD", ...headers }).end();
                return;
            }
            const key = stripMedia(url.pathname); // "/renders/<stem>/<size>.webp", still URL-encoded
            proxy(req, res, new URL(`/${upstreams.bucket}${key}`, upstreams.storage), headers);
            return;
        }
        if (req.method !== "GET" && req.method !== "HEAD") {
            res.writeHead(405, { Allow: "GET, HEAD", ...headers }).end();
            return;
        }
        let file: string;
        try {
            file = path.normalize(path.join(root, decodeURIComponent(spaFallback(url.pathname))));
        } catch {
            res.writeHead(400, headers).end();
            return;
        }
        const key = path.relative(root, file).split(path.sep).join("/");
        if (key.startsWith("..") || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
            // S3 answers 403 for a missing key when CloudFront may not list the bucket.
            res.writeHead(403, { "Content-Type": "text/plain", ...headers }).end("AccessDenied");
            return;
        }
        res.writeHead(200, {
            "Content-Type": contentTypeOf(key),
            "Cache-Control": isHashedAsset(key, "assets") ? IMMUTABLE_CACHE_CONTROL : shortCacheControl(0),
            ...headers,
        });
        if (req.method === "HEAD") res.end();
        else fs.createReadStream(file).pipe(res);
    });
    server.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    server.on("clientError", (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(o.port, "127.0.0.1", () => resolve());
    });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        origin,
        route(u) {
            upstreams = u;
            // The distribution's headers, HSTS aside (plain HTTP on loopback); uploads go to the S3 server.
            // The page also talks to the OpenID provider (discovery, token endpoint).
            const connectSources = [u.storage, ...(u.auth ? [new URL(u.auth.issuer).origin] : [])];
            headers = securityHeaders(contentSecurityPolicy({ connectSources }), undefined);
        },
        async stop() {
            await new Promise<void>((resolve) => {
                server.close(() => resolve());
                for (const socket of sockets) socket.destroy();
            });
        },
    };
}
