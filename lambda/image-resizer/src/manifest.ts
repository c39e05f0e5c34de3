/**
 * The rendition manifest: one small JSON object per source image, written
 * last into the source's rendition folder (`renders/<path>/manifest.json`,
 * see keys.ts). Readers (the API's `GET /api/images/{uploadId}`) read this one
 * object instead of listing keys; the handler reads it back to skip work it
 * already did for the same source ETag and settings.
 */
import type { ResizerConfig } from "./config";
import type { PermanentReason } from "./errors";

export const MANIFEST_VERSION = 1;

/** One rendition listed in the manifest. */
export interface ManifestRendition {
    /** Rendition name: thumbnail, medium, large. */
    readonly name: string;
    readonly format: string;
    /** Its object key in `rendersBucket`. */
    readonly key: string;
    readonly contentType: string;
    readonly width: number;
    readonly height: number;
    readonly bytes: number;
}

interface ManifestCommon {
    readonly version: typeof MANIFEST_VERSION;
    readonly sourceKey: string;
    /** The ETag of the source object these renditions were made from (unquoted). */
    readonly sourceETag?: string;
    readonly sequencer?: string;
    /** Fingerprint of the rendition settings (widths, formats, quality, effort). */
    readonly settings: string;
    /** ISO time of writing. */
    readonly writtenAt: string;
}

export interface ReadyManifest extends ManifestCommon {
    readonly status: "ready";
    readonly source: { readonly format: string; readonly width: number; readonly height: number };
    readonly rendersBucket: string;
    readonly renditions: readonly ManifestRendition[];
}

export interface FailedManifest extends ManifestCommon {
    readonly status: "failed";
    readonly reason: PermanentReason;
    readonly error: string;
    readonly renditions: readonly [];
}

export type RenditionManifest = ReadyManifest | FailedManifest;

/** What the rendition output depends on, besides the source bytes. */
export function settingsFingerprint(config: ResizerConfig): string {
    const renditions = config.renditions.map((r) => `${r.name}:${r.width}`).join(",");
    return `${renditions};${config.formats.join(",")};q${config.quality};webp-effort${config.webpEffort}`;
}

/** Parses a stored manifest; undefined when it is not one (then the work is simply redone). */
export function parseManifest(text: string): RenditionManifest | undefined {
    try {
        const value = JSON.parse(text) as RenditionManifest;
        if (value?.version !== MANIFEST_VERSION || (value.status !== "ready" && value.status !== "failed")) {
            return undefined;
        }
        return Array.isArray(value.renditions) && typeof value.settings === "string" ? value : undefined;
    } catch {
        return undefined;
    }
}

/**
 * True when `stored` records the outcome of this very source (same ETag) under
 * the same settings: rendering again would write the same objects and
 * announce them twice.
 */
export function alreadyDone(
    stored: RenditionManifest | undefined,
    sourceETag: string | undefined,
    settings: string,
): boolean {
    return (
        stored !== undefined &&
        sourceETag !== undefined &&
        sourceETag !== "" &&
        stored.sourceETag === sourceETag &&
        stored.settings === settings
    );
}
