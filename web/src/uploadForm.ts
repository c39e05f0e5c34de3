// Checks of the chosen file before asking the API for an upload (the presigned policy enforces them too).

/** Types the resize pipeline decodes. */
export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/tiff"] as const;

/** The pipeline's default maxUploadBytes is the API's to enforce; this only stops obvious mistakes early. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export function checkFile(file: { name: string; type: string; size: number } | undefined, maxBytes = MAX_UPLOAD_BYTES) {
    if (file === undefined) return "Choose an image first.";
    if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
        return `${file.name} is not a supported image (JPEG, PNG, WebP, GIF, AVIF or TIFF).`;
    }
    if (file.size === 0) return `${file.name} is empty.`;
    if (file.size > maxBytes) return `${file.name} is larger than ${formatBytes(maxBytes)}.`;
    return undefined;
}

export function formatBytes(bytes: number): string {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
