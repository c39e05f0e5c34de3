// CloudFront Functions (cloudfront-js-2.0) of the distribution, as source text. Each is a plain
// `function handler(event)` so that tests can evaluate the same text the distribution runs.

/**
 * Viewer-request function of the default behaviour: a request for a path
 * whose last segment has no file extension (`/users/42`, `/`) is a route of
 * the single-page app and is answered with `/index.html`; files
 * (`/assets/index-3f2a.js`, `/favicon.ico`) pass unchanged. Only the default
 * behaviour runs it, so `/api/*` answers (a 404 or 403 of the API) are never
 * masked, unlike distribution-wide custom error responses.
 */
export const SPA_FALLBACK_FUNCTION = `function handler(event) {
    var request = event.request;
    var uri = request.uri;
    var last = uri.substring(uri.lastIndexOf("/") + 1);
    if (last.indexOf(".") === -1) {
        request.uri = "/index.html";
    }
    return request;
}
`;

/**
 * Builds the viewer-request function of a behaviour that serves a bucket
 * prefix under a different path: `/media/renders/a/b.webp` is read from the
 * key `renders/a/b.webp` when `strip` is `/media` (CloudFront appends the
 * request path to the origin, it cannot remove a part of it).
 */
export function stripPrefixFunction(strip: string): string {
    if (!/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(strip)) {
        throw new Error(`stripPrefixFunction: ${JSON.stringify(strip)} is not a path prefix like "/media"`);
    }
    return `function handler(event) {
    var request = event.request;
    var prefix = ${JSON.stringify(strip)};
    if (request.uri.indexOf(prefix + "/") === 0) {
        request.uri = request.uri.substring(prefix.length);
    }
    return request;
}
`;
}
