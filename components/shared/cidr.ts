/** A parsed IPv4 CIDR block. */
export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly address: number;
    /** Prefix length, 0 to 32. */
    readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`. Returns undefined for anything that is not a canonical
 * IPv4 CIDR block: octets above 255, a prefix above 32, leading zeros, or host
 * bits set (`10.0.0.1/16`).
 */
export function parseCidr(text: string): Cidr | undefined {
    const m = CIDR.exec(text);
    if (!m) return undefined;
    const parts = m.slice(1).map((p) => (/^(0|[1-9]\d*)$/.test(p) ? Number(p) : NaN));
    const octets = parts.slice(0, 4);
    const prefix = parts[4];
    if (octets.some((o) => !(o >= 0 && o <= 255)) || !(prefix >= 0 && prefix <= 32)) return undefined;
    const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const hostMask = prefix === 32 ? 0 : 0xffffffff >>> prefix;
    if ((address & hostMask) !== 0) return undefined;
    return { address, prefix };
}

/** True for a canonical IPv4 CIDR block. */
export function isCidr(text: string): boolean {
    return parseCidr(text) !== undefined;
}

/** True when the block lies in 10/8, 172.16/12 or 192.168/16 (RFC 1918). */
export function isPrivateCidr(cidr: Cidr): boolean {
    const inside = (base: number, prefix: number) =>
        cidr.prefix >= prefix && cidr.address >>> (32 - prefix) === base >>> (32 - prefix);
    return inside(0x0a000000, 8) || inside(0xac100000, 12) || inside(0xc0a80000, 16);
}
