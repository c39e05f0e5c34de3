// DOM rendering of the users table and the renditions (textContent only: no HTML from data).
import type { Rendition, User } from "./api";

function el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    props: Partial<HTMLElementTagNameMap[K]> = {},
    ...children: Node[]
) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
}

export interface UserActions {
    readonly edit: (user: User) => void;
    readonly remove: (user: User) => void;
}

export function renderUsers(
    tbody: HTMLElement,
    empty: HTMLElement,
    users: readonly User[],
    actions: UserActions,
): void {
    tbody.replaceChildren(
        ...users.map((user) => {
            const edit = el("button", { type: "button", textContent: "Edit" });
            edit.setAttribute("aria-label", `Edit ${user.name}`);
            edit.addEventListener("click", () => actions.edit(user));
            const remove = el("button", { type: "button", textContent: "Delete", className: "danger" });
            remove.setAttribute("aria-label", `Delete ${user.name}`);
            remove.addEventListener("click", () => actions.remove(user));
            const row = el(
                "tr",
                {},
                el("td", { textContent: user.name }),
                el("td", { textContent: user.email }),
                el("td", { className: "actions" }, edit, remove),
            );
            row.dataset.userId = String(user.id);
            return row;
        }),
    );
    empty.hidden = users.length > 0;
}

export function renderRenditions(container: HTMLElement, renditions: readonly Rendition[]): void {
    container.replaceChildren(
        ...renditions.map((r) => {
            const img = el("img", {
                src: r.url,
                alt: `${r.name} rendition, ${r.width} × ${r.height} pixels`,
                width: r.width,
                height: r.height,
            });
            img.loading = "lazy";
            img.decoding = "async";
            const figure = el(
                "figure",
                {},
                img,
                el("figcaption", { textContent: `${r.name}: ${r.width} × ${r.height}` }),
            );
            figure.dataset.rendition = r.name;
            return figure;
        }),
    );
}

/** Shows a message in a status region; `error` styles it and marks it as an alert. */
export function say(region: HTMLElement, text: string, kind: "info" | "error" | "ok" = "info"): void {
    region.textContent = text;
    region.dataset.kind = kind;
}
