/**
 * Environment variable names the resize function reads: the contract between
 * the ImagePipeline component (which writes them) and the handler in
 * lambda/image-resizer (which esbuild bundles together with this file, so it
 * must import nothing).
 */
export const HANDLER_ENV = {
    rendersBucket: "RENDERS_BUCKET",
    topicArn: "TOPIC_ARN",
    uploadsPrefix: "UPLOADS_PREFIX",
    rendersPrefix: "RENDERS_PREFIX",
    renditions: "RENDITIONS",
    formats: "OUTPUT_FORMATS",
    quality: "QUALITY",
    cacheControl: "CACHE_CONTROL",
    maxInputPixels: "MAX_INPUT_PIXELS",
    maxUploadBytes: "MAX_UPLOAD_BYTES",
    webpEffort: "WEBP_EFFORT",
    deadLetterQueueUrl: "DEAD_LETTER_QUEUE_URL",
} as const;
