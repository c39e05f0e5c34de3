/** A sessionStorage stand-in (a Map) for the web app's session code outside a browser. */
export function memoryStorage() {
    const m = new Map<string, string>();
    return {
        getItem: (k: string) => m.get(k) ?? null,
        setItem: (k: string, v: string) => void m.set(k, v),
        removeItem: (k: string) => void m.delete(k),
        map: m,
    };
}
