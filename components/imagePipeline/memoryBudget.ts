/**
 * How much image the resize function can hold: its peak memory is the Node
 * runtime with sharp and the SDK, plus the upload's bytes (read into one
 * buffer), plus the decoded pixels. The worst format measured is a 16-bit
 * interlaced RGBA PNG: libvips must decode an interlaced PNG whole before it
 * can resize it, at 8 bytes a pixel plus working buffers (`npm run
 * bench:images -- --memory`: 11.2 MB per megapixel at 10 MP, 10.1 at 25,
 * 9.5 at 50; the 100-MP sample peaked at 1.1 GB; table in
 * docs/components/ImagePipeline.md). A baseline JPEG, by comparison, needs under 2 MB per megapixel.
 *
 * Rule: `memorySize >= RESERVE_MB + maxUploadBytes / 1 MiB + MB_PER_MEGAPIXEL
 * × maxInputPixels / 1e6`.
 */

/** MB per megapixel of the worst format (16-bit interlaced RGBA PNG), rounded up from the measurement. */
export const MB_PER_MEGAPIXEL = 11;
/**
 * MB for the runtime, the bundled SDK clients and sharp before any image
 * (about 64 MB measured for Node with sharp loaded; the Lambda runtime and the
 * SDK clients add about 20 more: the bundle's require peaks at 80 MB), with headroom.
 */
export const RESERVE_MB = 160;
/** The default pixel limit when the memory allows it. */
export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;

/** The largest pixel count a function of `memorySize` MB can decode with uploads up to `maxUploadBytes`. */
export function maxPixelsForMemory(memorySize: number, maxUploadBytes: number): number {
    const mb = memorySize - RESERVE_MB - maxUploadBytes / 2 ** 20;
    return Math.max(0, Math.floor((mb / MB_PER_MEGAPIXEL) * 1e6));
}

/** The memory (MB) the rule asks for a pixel limit and an upload limit. */
export function memoryNeeded(maxInputPixels: number, maxUploadBytes: number): number {
    return Math.ceil(RESERVE_MB + maxUploadBytes / 2 ** 20 + (MB_PER_MEGAPIXEL * maxInputPixels) / 1e6);
}

/** The default pixel limit: 100 megapixels, or what the memory allows when that is less. */
export function defaultMaxInputPixels(memorySize: number, maxUploadBytes: number): number {
    return Math.min(DEFAULT_MAX_INPUT_PIXELS, maxPixelsForMemory(memorySize, maxUploadBytes));
}
