// Image pipeline: S3 uploads resized by a Lambda function into renditions, announced on SNS.
export { ImagePipeline } from "./imagePipeline";
export type { ImagePipelineArgs } from "./imagePipeline";
export {
    bundleProblem,
    defaultBundleDir,
    ensureHandlerBundle,
    LAMBDA_ARCHITECTURES,
    LambdaArchitecture,
} from "./bundle";
export type { BundleManifest, EnsureBundleOptions, EnsureBundleResult } from "./bundle";
export {
    DEFAULT_IMAGE_SUFFIXES,
    DEFAULT_RENDITION_WIDTHS,
    OUTPUT_FORMATS,
    OutputFormat,
    RENDITION_NAMES,
    resolveImagePipelineArgs,
} from "./validation";
export type { ImagePipelineSettings, RenditionName, RenditionWidths } from "./validation";
export {
    CORS_METHODS,
    CorsMethod,
    MEDIA_ACCESS_DEFAULTS,
    corsRulesFor,
    isCorsOrigin,
    withExtraStatements,
} from "./mediaAccess";
