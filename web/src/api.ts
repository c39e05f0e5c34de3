// The API client of the single-page app: the contract of issue 17 (users, uploads, image status),
// answers checked on arrival so the page never renders a half-understood response.

export type UserId = string | number;

export interface User {
    readonly id: UserId;
    readonly name: string;
    readonly email: string;
}

export interface UserInput {
    readonly name: string;
    readonly email: string;
}

/** `POST /api/uploads` answer: a presigned POST (`url` + `fields`, the file goes last). */
export interface UploadTicket {
    readonly uploadId: string;
    readonly key: string;
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
}

export interface Rendition {
    readonly name: string;
    readonly width: number;
    readonly height: number;
    readonly url: string;
}

export type ImageStatus = "pending" | "ready" | "failed";

export interface ImageState {
    readonly status: ImageStatus;
    readonly renditions: readonly Rendition[];
}

/** A refused or failed request, with the message to show. */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly body?: unknown,
    ) {
        super(message);
        this.name = "ApiError";
    }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function bad(what: string, value: unknown): never {
    throw new ApiError(0, `unexpected ${what} from the API: ${JSON.stringify(value)?.slice(0, 200)}`, value);
}

export function parseUser(v: unknown): User {
    if (!isObject(v)) return bad("user", v);
    const { id, name, email } = v;
    if ((typeof id !== "string" && typeof id !== "number") || typeof name !== "string" || typeof email !== "string") {
        return bad("user", v);
    }
    return { id, name, email };
}

/** A user list: a JSON array, or an object holding it under `users` or `items`. */
export function parseUserList(v: unknown): User[] {
    const list = Array.isArray(v) ? v : isObject(v) ? (v.users ?? v.items) : undefined;
    if (!Array.isArray(list)) return bad("user list", v);
    return list.map(parseUser);
}

export function parseTicket(v: unknown): UploadTicket {
    if (!isObject(v)) return bad("upload ticket", v);
    const { uploadId, key, url, fields } = v;
    if (typeof uploadId !== "string" || typeof key !== "string" || typeof url !== "string" || !isObject(fields)) {
        return bad("upload ticket", v);
    }
    for (const value of Object.values(fields)) if (typeof value !== "string") return bad("upload ticket", v);
    return { uploadId, key, url, fields: fields as Record<string, string> };
}

export function parseImageState(v: unknown): ImageState {
    if (!isObject(v) || !["pending", "ready", "failed"].includes(v.status as string) || !Array.isArray(v.renditions)) {
        return bad("image status", v);
    }
    const renditions = v.renditions.map((r): Rendition => {
        if (
            !isObject(r) ||
            typeof r.name !== "string" ||
            typeof r.url !== "string" ||
            typeof r.width !== "number" ||
            typeof r.height !== "number"
        ) {
            return bad("rendition", r);
        }
        return { name: r.name, width: r.width, height: r.height, url: r.url };
    });
    return { status: v.status as ImageStatus, renditions };
}

/** The message of an error answer: the API's JSON `message`/`error` (and field details), else the status. */
export function errorMessage(status: number, body: unknown): string {
    if (isObject(body)) {
        const text = [body.message, body.error].find((m): m is string => typeof m === "string" && m !== "");
        const details = Array.isArray(body.details)
            ? body.details
                  .map((d) =>
                      typeof d === "string" ? d : isObject(d) && typeof d.message === "string" ? d.message : "",
                  )
                  .filter((d) => d !== "")
            : [];
        if (text) return details.length > 0 ? `${text}: ${details.join("; ")}` : text;
    }
    if (status === 401) return "Please sign in again.";
    if (status === 404) return "Not found.";
    if (status === 409) return "That already exists.";
    return `The server answered ${status}.`;
}

export interface ApiOptions {
    /** Path or URL the API is served under. @default "/api" */
    readonly base?: string;
    readonly fetch?: typeof fetch;
    /** Bearer token source (the OIDC sign-in, issue 18); requests go without one while it answers undefined. */
    readonly accessToken?: () => Promise<string | undefined>;
}

export type Api = ReturnType<typeof createApi>;

/** One JSON request to the API: the parsed answer, or an ApiError with the message to show. */
export type Request = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** The request function of {@link createApi} (the messages client uses it too). */
export function createRequest(options: ApiOptions = {}): Request {
    const base = (options.base ?? "/api").replace(/\/$/, "");
    const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

    return async function request(method: string, path: string, body?: unknown): Promise<unknown> {
        const headers: Record<string, string> = { Accept: "application/json" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        const token = await options.accessToken?.();
        if (token) headers.Authorization = `Bearer ${token}`;
        let response: Response;
        try {
            response = await doFetch(`${base}${path}`, {
                method,
                headers,
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        } catch (e) {
            throw new ApiError(0, `The API cannot be reached (${e instanceof Error ? e.message : String(e)}).`);
        }
        const text = await response.text();
        let parsed: unknown = undefined;
        if (text !== "") {
            try {
                parsed = JSON.parse(text);
            } catch {
                parsed = text;
            }
        }
        if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, parsed), parsed);
        return parsed;
    };
}

export function createApi(options: ApiOptions = {}) {
    const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
    const request = createRequest(options);
    const id = (userId: UserId) => encodeURIComponent(String(userId));

    return {
        listUsers: async () => parseUserList(await request("GET", "/users")),
        getUser: async (userId: UserId) => parseUser(await request("GET", `/users/${id(userId)}`)),
        createUser: async (input: UserInput) => parseUser(await request("POST", "/users", input)),
        updateUser: async (userId: UserId, input: UserInput) =>
            parseUser(await request("PUT", `/users/${id(userId)}`, input)),
        deleteUser: async (userId: UserId): Promise<void> => {
            await request("DELETE", `/users/${id(userId)}`);
        },
        createUpload: async (file: { name: string; type: string; size: number }) =>
            parseTicket(
                await request("POST", "/uploads", { fileName: file.name, contentType: file.type, size: file.size }),
            ),
        imageState: async (uploadId: string) =>
            parseImageState(await request("GET", `/images/${encodeURIComponent(uploadId)}`)),
        /** The browser's multipart POST of the file to the presigned URL (S3 answers 204 or 201). */
        upload: async (ticket: UploadTicket, file: Blob): Promise<void> => {
            let response: Response;
            try {
                response = await doFetch(ticket.url, { method: "POST", body: uploadBody(ticket.fields, file) });
            } catch (e) {
                throw new ApiError(0, `The upload could not be sent (${e instanceof Error ? e.message : String(e)}).`);
            }
            if (!response.ok) {
                const text = await response.text();
                const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
                const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1];
                throw new ApiError(
                    response.status,
                    `The storage refused the upload: ${code ?? response.status}${message ? ` (${message})` : ""}.`,
                );
            }
        },
    };
}

/** The presigned POST's form: every policy field first, the file last (S3 ignores fields after the file). */
export function uploadBody(fields: Readonly<Record<string, string>>, file: Blob): FormData {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", file);
    return form;
}
