// The page: wires the forms to the API client. Logic that can be checked without a browser lives
// in api.ts, userForm.ts, uploadForm.ts and poll.ts (unit-tested in test/web.spec.ts).
import "./style.css";
import { ApiError, createApi, createRequest, type ApiOptions, type User } from "./api";
import { createSession, loadAuthConfig, type Session } from "./auth";
import { messagesApi } from "./messages";
import { mountMessages } from "./messagesView";
import { pollImage, PollTimeout } from "./poll";
import { renderRenditions, renderUsers, say } from "./render";
import { checkFile } from "./uploadForm";
import { validateUser } from "./userForm";

// Sign-in (OIDC code + PKCE) against the issuer /auth.json names; the API gets its access token.
let session: Session | undefined;
const apiOptions: ApiOptions = { accessToken: async () => session?.accessToken() };
const api = createApi(apiOptions);

const $ = <T extends HTMLElement>(id: string) => {
    const node = document.getElementById(id);
    if (!node) throw new Error(`#${id} missing from index.html`);
    return node as T;
};

const userForm = $<HTMLFormElement>("user-form");
const userSubmit = $<HTMLButtonElement>("user-submit");
const userCancel = $<HTMLButtonElement>("user-cancel");
const userStatus = $("user-status");
const usersBody = $("users").querySelector("tbody") as HTMLElement;
const usersEmpty = $("users-empty");
const uploadForm = $<HTMLFormElement>("upload-form");
const uploadSubmit = $<HTMLButtonElement>("upload-submit");
const uploadStatus = $("upload-status");
const renditions = $("renditions");

const message = (e: unknown) => (e instanceof ApiError || e instanceof PollTimeout ? e.message : String(e));
const field = (name: string) => userForm.elements.namedItem(name) as HTMLInputElement;

async function refreshUsers(): Promise<void> {
    try {
        renderUsers(usersBody, usersEmpty, await api.listUsers(), { edit: startEdit, remove: removeUser });
    } catch (e) {
        say(userStatus, `Could not load the users: ${message(e)}`, "error");
    }
}

function startEdit(user: User): void {
    field("id").value = String(user.id);
    field("name").value = user.name;
    field("email").value = user.email;
    userSubmit.textContent = "Save changes";
    userCancel.hidden = false;
    field("name").focus();
}

function endEdit(): void {
    userForm.reset();
    field("id").value = "";
    userSubmit.textContent = "Create user";
    userCancel.hidden = true;
}

async function removeUser(user: User): Promise<void> {
    try {
        await api.deleteUser(user.id);
        say(userStatus, `Deleted ${user.name}.`, "ok");
        await refreshUsers();
    } catch (e) {
        say(userStatus, `Could not delete ${user.name}: ${message(e)}`, "error");
    }
}

function showFieldErrors(errors: Partial<Record<"name" | "email", string>>): void {
    for (const name of ["name", "email"] as const) {
        const input = field(name);
        input.setAttribute("aria-invalid", errors[name] ? "true" : "false");
        input.setCustomValidity(errors[name] ?? "");
    }
}

userForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = validateUser({ name: field("name").value, email: field("email").value });
    if (!checked.ok) {
        showFieldErrors(checked.errors);
        say(userStatus, Object.values(checked.errors).join(" "), "error");
        return;
    }
    showFieldErrors({});
    const id = field("id").value;
    userSubmit.disabled = true;
    try {
        const user = id ? await api.updateUser(id, checked.value) : await api.createUser(checked.value);
        say(userStatus, id ? `Saved ${user.name}.` : `Created ${user.name}.`, "ok");
        endEdit();
        await refreshUsers();
    } catch (e) {
        say(userStatus, message(e), "error");
    } finally {
        userSubmit.disabled = false;
    }
});
userCancel.addEventListener("click", endEdit);

uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = (uploadForm.elements.namedItem("file") as HTMLInputElement).files?.[0];
    const problem = checkFile(file);
    if (problem || !file) {
        say(uploadStatus, problem ?? "Choose an image first.", "error");
        return;
    }
    uploadSubmit.disabled = true;
    renditions.replaceChildren();
    try {
        say(uploadStatus, `Uploading ${file.name}…`);
        const ticket = await api.createUpload(file);
        await api.upload(ticket, file);
        say(uploadStatus, `Uploaded ${file.name}; making renditions…`);
        const state = await pollImage(() => api.imageState(ticket.uploadId));
        if (state.status === "failed") {
            say(uploadStatus, `The renditions of ${file.name} could not be made.`, "error");
            return;
        }
        renderRenditions(renditions, state.renditions);
        say(uploadStatus, `${state.renditions.length} renditions of ${file.name} are ready.`, "ok");
    } catch (e) {
        say(uploadStatus, message(e), "error");
    } finally {
        uploadSubmit.disabled = false;
    }
});

const authStatus = $("auth-status");
const signIn = $<HTMLButtonElement>("sign-in");
const signOut = $<HTMLButtonElement>("sign-out");
signIn.addEventListener("click", () => void session?.signIn());
signOut.addEventListener("click", () => void session?.signOut());

async function start(): Promise<void> {
    try {
        const config = await loadAuthConfig((input, init) => fetch(input, init));
        if (config) {
            session = await createSession({
                config,
                fetch: (input, init) => fetch(input, init),
                storage: sessionStorage,
                location: window.location,
                history: window.history,
            });
        }
    } catch (e) {
        authStatus.textContent = `Sign-in is unavailable: ${message(e)}`;
        return;
    }
    if (session?.callbackError) authStatus.textContent = `Sign-in failed: ${session.callbackError}`;
    if (session && !session.signedIn()) {
        signIn.hidden = false;
        authStatus.textContent ||= "Sign in to manage your user record and upload images.";
        return;
    }
    if (session) {
        authStatus.textContent = `Signed in as ${session.who() ?? "you"}.`;
        signOut.hidden = false;
    }
    await refreshUsers();
}

void start();
// Messages need a signed-in user: the view asks the API only when the person acts (send, refresh).
mountMessages(messagesApi(createRequest(apiOptions)), $);
