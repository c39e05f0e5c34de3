// Container images: an ECR repository with an optional Docker build, or a prebuilt reference.
export { ContainerImage, CONTAINER_IMAGE_DEFAULTS, resolveContainerImageArgs } from "./containerImage";
export type { ContainerImageArgs } from "./containerImage";
export {
    BUILD_TAG_PREFIX,
    contextHash,
    dockerBuildPaths,
    ecrLifecyclePolicy,
    imageTag,
    isIgnored,
    parseDockerignore,
    repositoryTagMutability,
} from "./dockerContext";
