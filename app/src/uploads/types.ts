/**
 * Image types the API accepts for upload, with the key extension each gets.
 * The extension matters: the bucket notifies the resize handler only for
 * image suffixes (ImagePipeline's DEFAULT_IMAGE_SUFFIXES), and sharp decodes
 * each of these. SVG is refused (scriptable, and not rasterised here).
 */
export const IMAGE_TYPES = [
    { contentType: "image/jpeg", extension: "jpg" },
    { contentType: "image/png", extension: "png" },
    { contentType: "image/webp", extension: "webp" },
    { contentType: "image/gif", extension: "gif" },
    { contentType: "image/avif", extension: "avif" },
    { contentType: "image/tiff", extension: "tiff" },
] as const;

export type ImageType = (typeof IMAGE_TYPES)[number];

/** The type entry for a Content-Type value (exact, lower-case), else undefined. */
export const imageType = (contentType: string): ImageType | undefined =>
    IMAGE_TYPES.find((t) => t.contentType === contentType);
