/**
 * ContainerImage: the image a service runs. Either an ECR repository (scan on
 * push, tags immutable except the program's own build tags, lifecycle) with an optional Docker build of a local
 * context pushed to it, or a prebuilt image reference with no repository at
 * all. The `imageRef` output is what a task definition runs: the pushed image
 * by digest, or the given reference.
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { bool, int, isDirectory, isFile, optionalKmsKeyArn, oneOf, resolveOn } from "../shared/inputChecks";
import type { ProblemSink } from "../shared/inputChecks";
import { childOptions } from "../shared/moves";
import { nameTags } from "../shared/tags";
import { isKnown } from "../shared/validation";
import { ARCHITECTURES, dockerPlatform, type Architecture } from "../ecs/taskSizes";
import { componentName } from "../shared/inputChecks";
import { contextHash, dockerBuildPaths, ecrLifecyclePolicy, imageTag, repositoryTagMutability } from "./dockerContext";

export const IMAGE_REFERENCE =
    /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Defaults of {@link ContainerImageArgs}, named by each argument's `@default`. */
export const CONTAINER_IMAGE_DEFAULTS = {
    dockerfile: "Dockerfile",
    architecture: "x86_64" as Architecture,
    keepImages: 20,
    untaggedImageExpiryDays: 1,
    forceDestroy: false,
} as const;

/** Arguments of {@link ContainerImage}. Exactly one of `image` and `buildContext`. */
export interface ContainerImageArgs {
    /** Prebuilt image reference (best by digest); no build. @default undefined */
    readonly image?: pulumi.Input<string>;
    /** Docker context to build (e.g. `app/`) and push to the repository; needs a Docker engine at deploy time. @default undefined */
    readonly buildContext?: string;
    /** Dockerfile, relative to `buildContext`. @default `CONTAINER_IMAGE_DEFAULTS.dockerfile` ("Dockerfile") */
    readonly dockerfile?: string;
    /** CPU architecture the image is built for (the instances'). @default `CONTAINER_IMAGE_DEFAULTS.architecture` ("x86_64") */
    readonly architecture?: Architecture;
    /** Create the ECR repository even for a prebuilt `image` (to push to it later). @default true when building, false with `image` */
    readonly createRepository?: boolean;
    /** Images the repository keeps (older ones expire). @default `CONTAINER_IMAGE_DEFAULTS.keepImages` (20) */
    readonly keepImages?: number;
    /** Days before an untagged image expires. @default `CONTAINER_IMAGE_DEFAULTS.untaggedImageExpiryDays` (1) */
    readonly untaggedImageExpiryDays?: number;
    /** KMS key of the repository. @default AES256 (ECR managed) */
    readonly repositoryKmsKeyArn?: pulumi.Input<string>;
    /** Let `pulumi destroy` delete the repository with its images (never in prod). @default `CONTAINER_IMAGE_DEFAULTS.forceDestroy` (false) */
    readonly forceDestroy?: boolean;
    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Defaults and validation of {@link ContainerImageArgs}; throws one error naming every bad argument (or adds to `sink`). */
export function resolveContainerImageArgs(name: string, args: ContainerImageArgs, sink?: ProblemSink) {
    return resolveOn(`ContainerImage "${name}"`, sink, (p) => {
        const d = CONTAINER_IMAGE_DEFAULTS;
        componentName(p, name);
        if ((args.image === undefined) === (args.buildContext === undefined)) {
            p.add(
                `image: ${args.image === undefined ? "undefined" : "set"} together with buildContext ${args.buildContext === undefined ? "undefined" : JSON.stringify(args.buildContext)}: expected exactly one of image (a prebuilt reference) or buildContext (a Docker context to build)`,
            );
        }
        if (args.image !== undefined && isKnown(args.image)) {
            p.expect(
                typeof args.image === "string" && IMAGE_REFERENCE.test(args.image),
                "image",
                args.image,
                "is not a container image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:<digest>",
            );
        }
        const architecture = oneOf(p, "architecture", args.architecture ?? d.architecture, ARCHITECTURES);
        const { buildContext, dockerfile } = buildPaths(p, args);
        const createRepository = bool(p, "createRepository", args.createRepository ?? args.buildContext !== undefined);
        if (args.buildContext !== undefined && args.createRepository === false)
            p.add(`createRepository: false with buildContext: expected a repository to push the build to`);
        const keepImages = int(p, "keepImages", args.keepImages ?? d.keepImages, 1, 1000);
        const untaggedImageExpiryDays = int(
            p,
            "untaggedImageExpiryDays",
            args.untaggedImageExpiryDays ?? d.untaggedImageExpiryDays,
            1,
            3650,
        );
        const forceDestroy = bool(p, "forceDestroy", args.forceDestroy ?? d.forceDestroy);
        // ECR's encryption configuration resolves aliases.
        optionalKmsKeyArn(p, "repositoryKmsKeyArn", args.repositoryKmsKeyArn, { aliases: true });
        return {
            architecture,
            buildContext,
            dockerfile,
            createRepository,
            keepImages,
            untaggedImageExpiryDays,
            forceDestroy,
        };
    });
}

/** Absolute build context and Dockerfile, when building and both exist. */
function buildPaths(p: ProblemSink, args: ContainerImageArgs): { buildContext?: string; dockerfile?: string } {
    if (args.dockerfile !== undefined) {
        p.expect(
            typeof args.dockerfile === "string" && args.dockerfile.length > 0,
            "dockerfile",
            args.dockerfile,
            "is not a file path",
        );
        if (args.buildContext === undefined)
            p.add(`dockerfile: ${JSON.stringify(args.dockerfile)} is set without buildContext`);
    }
    if (args.buildContext === undefined) return {};
    const dir =
        typeof args.buildContext === "string" && args.buildContext.length > 0
            ? path.resolve(args.buildContext)
            : undefined;
    if (dir === undefined || !isDirectory(dir)) {
        p.expect(false, "buildContext", args.buildContext, "is not an existing directory");
        return {};
    }
    const file = path.resolve(
        dir,
        typeof args.dockerfile === "string" && args.dockerfile ? args.dockerfile : CONTAINER_IMAGE_DEFAULTS.dockerfile,
    );
    if (isFile(file)) return { buildContext: dir, dockerfile: file };
    p.expect(
        false,
        args.dockerfile === undefined ? "buildContext" : "dockerfile",
        args.dockerfile ?? args.buildContext,
        `has no Dockerfile: ${file} does not exist`,
    );
    return {};
}

/** The image of a service: an ECR repository with an optional build, or a prebuilt reference. See docs/components/ContainerImage.md. */
export class ContainerImage extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:ContainerImage";

    /** What a task definition runs: the pushed image by digest, or the given reference. */
    public readonly imageRef: pulumi.Output<string>;
    /** Repository URL; undefined without a repository. */
    public readonly repositoryUrl: pulumi.Output<string | undefined>;
    /** Repository ARN (what an execution role may pull from); undefined without a repository. */
    public readonly repositoryArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: ContainerImageArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveContainerImageArgs(name, args);
        super(ContainerImage.TYPE, name, {}, opts);
        const child = childOptions(this, opts);

        let repository: aws.ecr.Repository | undefined;
        if (s.createRepository) {
            repository = new aws.ecr.Repository(
                `${name}-repo`,
                {
                    imageScanningConfiguration: { scanOnPush: true },
                    // Immutable except `build-*`, which a re-push of the same context may move:
                    // the service runs the image by digest, never by tag.
                    ...repositoryTagMutability(),
                    encryptionConfigurations: [
                        args.repositoryKmsKeyArn === undefined
                            ? { encryptionType: "AES256" }
                            : { encryptionType: "KMS", kmsKey: args.repositoryKmsKeyArn },
                    ],
                    forceDelete: s.forceDestroy,
                    tags: nameTags(`${name}-repo`, args.tags),
                },
                child,
            );
            new aws.ecr.LifecyclePolicy(
                `${name}-repo-lifecycle`,
                {
                    repository: repository.name,
                    policy: JSON.stringify(ecrLifecyclePolicy(s.keepImages, s.untaggedImageExpiryDays)),
                },
                child,
            );
        }

        if (s.buildContext !== undefined && repository) {
            const platform = dockerPlatform(s.architecture);
            const tag = imageTag(contextHash(s.buildContext, s.dockerfile!, platform));
            const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
            const build = new docker.Image(
                `${name}-image`,
                {
                    imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`,
                    build: { ...dockerBuildPaths(s.buildContext, s.dockerfile!, process.cwd()), platform },
                    registry: {
                        server: repository.repositoryUrl,
                        username: token.userName,
                        password: pulumi.secret(token.password),
                    },
                    // CI previews need no Docker engine; the build runs on `pulumi up`.
                    buildOnPreview: false,
                    skipPush: false,
                },
                child,
            );
            this.imageRef = build.repoDigest;
        } else {
            this.imageRef = pulumi.output(args.image!);
        }
        const none = pulumi.output(undefined as string | undefined);
        this.repositoryUrl = repository ? repository.repositoryUrl : none;
        this.repositoryArn = repository ? repository.arn : none;
        this.registerOutputs({
            imageRef: this.imageRef,
            repositoryUrl: this.repositoryUrl,
            repositoryArn: this.repositoryArn,
        });
    }
}
