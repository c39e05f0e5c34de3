// The messages view: send a message, read a conversation (newest last, older pages on demand) and the
// signed-in user's conversations with unread counts. DOM through textContent only (no HTML from data).
import { ApiError } from "./api";
import { messagesApi, validateMessageForm, type ConversationSummary, type Message } from "./messages";
import { say } from "./render";

type MessagesApi = ReturnType<typeof messagesApi>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}) {
    return Object.assign(document.createElement(tag), props);
}

function messageItem(m: Message): HTMLLIElement {
    const li = el("li");
    li.dataset.messageId = m.messageId;
    const who = el("span", { className: "sender", textContent: m.senderId });
    const time = el("time", { textContent: new Date(m.sentAt).toLocaleTimeString() });
    time.dateTime = m.sentAt;
    li.append(who, " ", time, el("p", { textContent: m.body }));
    return li;
}

function summaryItem(s: ConversationSummary, open: (id: string) => void): HTMLLIElement {
    const li = el("li");
    li.dataset.conversationId = s.conversationId;
    const button = el("button", { type: "button", textContent: s.conversationId });
    button.addEventListener("click", () => open(s.conversationId));
    const unread = el("span", { className: "unread", textContent: s.unreadCount > 0 ? `${s.unreadCount} unread` : "" });
    li.append(button, " ", el("span", { textContent: `${s.lastSenderId}: ${s.lastMessagePreview}` }), " ", unread);
    return li;
}

export function mountMessages(
    api: MessagesApi,
    $: <T extends HTMLElement>(id: string) => T,
): { refresh(): Promise<void> } {
    const form = $<HTMLFormElement>("message-form");
    const submit = $<HTMLButtonElement>("message-submit");
    const status = $("message-status");
    const list = $("messages");
    const older = $<HTMLButtonElement>("messages-older");
    const conversations = $("conversations");
    $<HTMLButtonElement>("conversations-refresh").addEventListener("click", () => void refreshConversations());
    const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
    let current: string | undefined;
    let nextBefore: string | null = null;
    const explain = (e: unknown) =>
        e instanceof ApiError && e.status === 401
            ? "Sign in to send and read messages."
            : e instanceof Error
              ? e.message
              : String(e);

    async function refreshConversations(): Promise<void> {
        try {
            const page = await api.conversations(20);
            conversations.replaceChildren(...page.items.map((s) => summaryItem(s, (id) => void open(id))));
        } catch (e) {
            say(status, explain(e), "error");
        }
    }

    async function open(conversationId: string, keepStatus = false): Promise<void> {
        current = conversationId;
        input("conversation").value = conversationId;
        try {
            const page = await api.messages(conversationId, 20);
            list.replaceChildren(...[...page.items].reverse().map(messageItem));
            nextBefore = page.nextBefore;
            older.hidden = nextBefore === null;
            if (!keepStatus) say(status, `${conversationId}: ${page.items.length} latest messages.`);
            const newest = page.items[0];
            if (newest && (await api.markRead(conversationId, newest.messageId))) await refreshConversations();
        } catch (e) {
            say(status, explain(e), "error");
        }
    }

    older.addEventListener("click", async () => {
        if (!current || nextBefore === null) return;
        try {
            const page = await api.messages(current, 20, nextBefore);
            list.prepend(...[...page.items].reverse().map(messageItem));
            nextBefore = page.nextBefore;
            older.hidden = nextBefore === null;
        } catch (e) {
            say(status, explain(e), "error");
        }
    });

    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const checked = validateMessageForm({
            conversation: input("conversation").value,
            to: input("to").value,
            body: input("body").value,
        });
        if (!checked.ok) {
            say(status, checked.error, "error");
            return;
        }
        submit.disabled = true;
        try {
            const sent = await api.send(checked.conversationId, checked.body, checked.participants);
            input("body").value = "";
            say(status, `Sent to ${sent.conversationId}.`, "ok");
            await open(sent.conversationId, true);
            await refreshConversations();
        } catch (e) {
            say(status, explain(e), "error");
        } finally {
            submit.disabled = false;
        }
    });

    return { refresh: refreshConversations };
}
