/**
 * Pure validation and defaulting of {@link EcsEc2ServiceArgs}: every plain
 * argument is checked here, before the component registers any child, and
 * every problem is reported in one error that names the argument.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { isCidr } from "../shared/cidr";
import { isKnown, Problems } from "../shared/validation";
import type { EcsEc2ServiceArgs, TaskRoleStatement } from "./ecsEc2Service";

// Each enum is an `as const` object and a type of the same name (its values): TypeScript callers pass
// `Architecture.Arm64` or `"arm64"`, and Pulumi's component provider infers a schema enum from it (the form
// its analyzer reads).

/** CPU architecture of the container instances (and so of the image). */
export const Architecture = {
    /** Intel and AMD instance families. */
    X86_64: "x86_64",
    /** Graviton instance families (t4g, m7g, c7gn ...). */
    Arm64: "arm64",
} as const;
export type Architecture = (typeof Architecture)[keyof typeof Architecture];
/** The values of {@link Architecture}, in declaration order (the order validation messages list them in). */
export const ARCHITECTURES: readonly Architecture[] = Object.values(Architecture);

/** Ingress modes: an Application Load Balancer, or HTTP API + VPC link + Cloud Map (no hourly cost). */
export const IngressMode = {
    /** Internet-facing Application Load Balancer. */
    Alb: "alb",
    /** HTTP API + VPC link + Cloud Map SRV records (no hourly cost). */
    HttpApi: "httpApi",
} as const;
export type IngressMode = (typeof IngressMode)[keyof typeof IngressMode];
/** The values of {@link IngressMode}, in declaration order (the order validation messages list them in). */
export const INGRESS_MODES: readonly IngressMode[] = Object.values(IngressMode);

/** Container Insights settings the ECS cluster accepts. */
export const ContainerInsights = {
    /** Container Insights with the standard cluster and service metrics. */
    Enabled: "enabled",
    /** Container Insights with enhanced observability (task and container level metrics). */
    Enhanced: "enhanced",
    /** No Container Insights. */
    Disabled: "disabled",
} as const;
export type ContainerInsights = (typeof ContainerInsights)[keyof typeof ContainerInsights];
/** The values of {@link ContainerInsights}, in declaration order (the order validation messages list them in). */
export const CONTAINER_INSIGHTS: readonly ContainerInsights[] = Object.values(ContainerInsights);

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Valid task sizes: CPU units → the memory values (MiB) ECS accepts with them.
 * These are the task-level sizes ECS defines for awsvpc tasks (the same table
 * as Fargate), so a task definition stays portable between capacity types.
 */
export const TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** True when `cpu`/`memory` is a task size ECS accepts (see {@link TASK_SIZES}). */
export function isValidTaskSize(cpu: number, memory: number): boolean {
    return TASK_SIZES[cpu]?.includes(memory) ?? false;
}

/** Memory values (MiB) valid with `cpu`, as text for an error message. */
export function describeMemoryFor(cpu: number): string {
    const values = TASK_SIZES[cpu];
    if (!values) return "";
    if (values.length <= 3) return values.join(", ");
    const step = values[1] - values[0];
    return `${values[0]} to ${values[values.length - 1]} in steps of ${step}`;
}

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.(nano|micro|small|medium|large|\d*xlarge|metal(-\d+xl)?)$/;

/**
 * CPU architecture of an EC2 instance type: Graviton families (a `g` in the
 * family's attribute letters: t4g, m7g, c7gn, r8gd) are arm64, the rest are
 * x86_64 (including the GPU/accelerator families g*, inf*, dl*).
 */
export function architectureOfInstanceType(instanceType: string): Architecture {
    const family = instanceType.split(".")[0];
    return /^[a-z]+\d+[a-z-]*g[a-z-]*$/.test(family) && !/^(g|inf|dl)\d/.test(family) ? "arm64" : "x86_64";
}

/** Docker platform of an architecture. */
export function dockerPlatform(architecture: Architecture): string {
    return architecture === "arm64" ? "linux/arm64" : "linux/amd64";
}

/**
 * A Secrets Manager secret ARN as ECS `valueFrom` accepts it: the whole
 * secret, or one JSON key of it (`arn:...:secret:name-AbCdEf:password::`,
 * i.e. `:json-key:version-stage:version-id`).
 */
export const SECRET_VALUE_FROM =
    /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+(:[^:]*:[^:]*:[^:]*)?$/;

/**
 * The secret's own ARN (what IAM grants on) for a `valueFrom`: the JSON key,
 * version stage and version id suffix is dropped.
 */
export function secretResourceArn(valueFrom: string): string {
    return valueFrom.split(":").slice(0, 7).join(":");
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Environment variable names that look like they carry a secret. */
const SECRET_LIKE_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIALS?)/i;
const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
const IAM_SID = /^[A-Za-z0-9]+$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:(acm|iam):[a-z0-9-]*:\d{12}:(certificate|server-certificate)\/.+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;
/** A key ARN only (no alias): what an IAM statement on a KMS key must name. */
const KMS_KEY_ONLY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
const HEALTH_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
const IMAGE_REFERENCE =
    /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Component names: lower case (ECR), short enough for the 32-character load balancer and target group names. */
const COMPONENT_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const MAX_NAME_LENGTH = 20;

/** Every plain setting of the component after defaults and validation. */
export interface EcsEc2ServiceSettings {
    readonly instanceType: string;
    readonly architecture: Architecture;
    readonly additionalInstanceTypes: readonly string[];
    readonly minInstances: number;
    readonly maxInstances: number;
    readonly desiredInstances: number;
    readonly onDemandBaseCapacity: number;
    readonly onDemandPercentage: number;
    readonly capacityTargetPercent: number;
    readonly managedTerminationProtection: boolean;
    readonly instancePublicIp: boolean;
    readonly rootVolumeSizeGb: number;
    readonly containerInsights: ContainerInsights;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly containerName: string;
    readonly containerPort: number;
    readonly healthCheckPath: string;
    readonly containerHealthCheckCommand: readonly string[];
    readonly containerUser: string;
    readonly logRetentionDays: number;
    readonly minTasks: number;
    readonly maxTasks: number;
    readonly desiredTasks: number;
    readonly autoScaling: boolean;
    readonly cpuTargetPercent: number;
    readonly memoryTargetPercent: number | undefined;
    readonly requestsPerTarget: number | undefined;
    readonly healthCheckGracePeriodSeconds: number;
    readonly waitForSteadyState: boolean;
    /** Absolute path of the Docker build context, when building. */
    readonly buildContext: string | undefined;
    /** Absolute path of the Dockerfile, when building. */
    readonly dockerfile: string | undefined;
    readonly keepImages: number;
    readonly untaggedImageExpiryDays: number;
    readonly forceDestroy: boolean;
    readonly ingress: IngressMode;
    readonly https: boolean;
    readonly sslPolicy: string;
    readonly domainName: string | undefined;
    readonly deletionProtection: boolean;
    readonly accessLogs: boolean;
    readonly accessLogsPrefix: string;
    readonly accessLogsRetentionDays: number;
    readonly idleTimeoutSeconds: number;
    readonly deregistrationDelaySeconds: number;
}

/** Default container user: the unprivileged uid/gid 1000 (the `node` user of the official Node images). */
export const DEFAULT_CONTAINER_USER = "1000:1000";
const CONTAINER_USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/;

/** True when a container `user` (`user[:group]`) runs as root (name root or uid 0). */
export function isRootUser(user: string): boolean {
    const name = user.split(":")[0];
    return name === "root" || /^0+$/.test(name);
}

/** Default container health check: Node's fetch against the health path (any Node 18+ image). */
export function defaultHealthCheckCommand(port: number, path: string): string[] {
    return [
        "CMD",
        "node",
        "-e",
        // JSON quoting: the path may hold a `'` (HEALTH_PATH allows it), never a `"` or `\`.
        `fetch(${JSON.stringify(`http://127.0.0.1:${port}${path}`)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`,
    ];
}

/**
 * Applies defaults and validates every plain argument of an
 * {@link EcsEc2Service}. Throws one `ValidationError` naming every bad
 * argument; Outputs (values known only at deployment) are skipped.
 */
export function resolveEcsEc2ServiceArgs(name: string, args: EcsEc2ServiceArgs): EcsEc2ServiceSettings {
    const p = new Problems(`EcsEc2Service "${name}"`);

    p.expect(
        COMPONENT_NAME.test(name) && name.length <= MAX_NAME_LENGTH && !/^(aws|ecs|fargate)/.test(name),
        "name",
        name,
        `is not a valid component name: expected 2 to ${MAX_NAME_LENGTH} lower-case letters, digits and hyphens, starting with a letter and not with "aws", "ecs" or "fargate" (ECR, load balancer and capacity provider naming rules)`,
    );

    // --- network ---
    requiredInput(p, "vpcId", args.vpcId, /^vpc-[0-9a-z]+$/, "is not a VPC id such as vpc-0123456789abcdef0");
    if (args.cidrBlock === undefined) p.add("cidrBlock: is required: expected the VPC's IPv4 CIDR block");
    else if (isKnown(args.cidrBlock))
        p.expect(isCidr(args.cidrBlock), "cidrBlock", args.cidrBlock, "is not a valid IPv4 CIDR block");
    subnetList(p, "instanceSubnetIds", args.instanceSubnetIds, 1);
    subnetList(p, "serviceSubnetIds", args.serviceSubnetIds, 1);
    const ingress = oneOf(p, "ingress", args.ingress ?? "alb", INGRESS_MODES);
    if (ingress === "httpApi") {
        // ALB-only arguments make no sense behind an HTTP API: refuse them
        // rather than ignore them.
        for (const key of ["albSubnetIds", "certificateArn", "accessLogsBucket"] as const) {
            if (args[key] !== undefined)
                p.add(`${key}: is set but applies to ingress "alb" only: expected it unset with ingress "httpApi"`);
        }
        for (const key of ["deletionProtection", "accessLogs"] as const) {
            if (args[key] === true)
                p.add(`${key}: true applies to ingress "alb" only: expected it unset with ingress "httpApi"`);
        }
        // The grace period is documented (provider and CreateService) as valid
        // only for load-balanced services, and ECS has rejected it on others;
        // the container health check's start period covers startup instead.
        if (args.healthCheckGracePeriodSeconds !== undefined)
            p.add(
                `healthCheckGracePeriodSeconds: is set but applies to ingress "alb" only (valid only on load-balanced services): expected it unset with ingress "httpApi"`,
            );
    }
    if (ingress === "alb") subnetList(p, "albSubnetIds", args.albSubnetIds, 2);
    const instancePublicIp = bool(p, "instancePublicIp", args.instancePublicIp ?? false);

    // --- capacity ---
    const instanceType = args.instanceType;
    p.expect(
        typeof instanceType === "string" && INSTANCE_TYPE.test(instanceType),
        "instanceType",
        instanceType,
        "is not an EC2 instance type such as t4g.small",
    );
    const derived = typeof instanceType === "string" ? architectureOfInstanceType(instanceType) : "x86_64";
    const architecture = oneOf(p, "architecture", args.architecture ?? derived, ARCHITECTURES);
    if (args.architecture !== undefined && typeof instanceType === "string" && architecture !== derived) {
        p.add(
            `architecture: ${JSON.stringify(architecture)} does not match instanceType ${JSON.stringify(instanceType)} (${derived})`,
        );
    }
    const additionalInstanceTypes = args.additionalInstanceTypes ?? [];
    if (!Array.isArray(additionalInstanceTypes)) {
        p.expect(false, "additionalInstanceTypes", additionalInstanceTypes, "is not a list of EC2 instance types");
    } else {
        additionalInstanceTypes.forEach((t, i) => {
            if (typeof t !== "string" || !INSTANCE_TYPE.test(t)) {
                p.expect(false, `additionalInstanceTypes.${i}`, t, "is not an EC2 instance type such as t4g.medium");
            } else if (architectureOfInstanceType(t) !== architecture) {
                p.expect(
                    false,
                    `additionalInstanceTypes.${i}`,
                    t,
                    `is not an ${architecture} instance type (the AMI and image are ${architecture})`,
                );
            }
        });
    }
    const minInstances = int(p, "minInstances", args.minInstances ?? 1, 0, 1000);
    const maxInstances = int(p, "maxInstances", args.maxInstances ?? Math.max(minInstances, 2), 1, 1000);
    const desiredInstances = int(p, "desiredInstances", args.desiredInstances ?? minInstances, 0, 1000);
    ordered(p, "minInstances", minInstances, "maxInstances", maxInstances);
    within(p, "desiredInstances", desiredInstances, "minInstances", minInstances, "maxInstances", maxInstances);
    const onDemandBaseCapacity = int(p, "onDemandBaseCapacity", args.onDemandBaseCapacity ?? 0, 0, 1000);
    const onDemandPercentage = int(p, "onDemandPercentage", args.onDemandPercentage ?? 100, 0, 100);
    const capacityTargetPercent = int(p, "capacityTargetPercent", args.capacityTargetPercent ?? 100, 1, 100);
    const managedTerminationProtection = bool(
        p,
        "managedTerminationProtection",
        args.managedTerminationProtection ?? true,
    );
    const rootVolumeSizeGb = int(p, "rootVolumeSizeGb", args.rootVolumeSizeGb ?? 30, 30, 16384);
    const containerInsights = oneOf(p, "containerInsights", args.containerInsights ?? "enabled", CONTAINER_INSIGHTS);
    optionalInput(p, "rootVolumeKmsKeyArn", args.rootVolumeKmsKeyArn, KMS_KEY_ARN, "is not a KMS key ARN");

    // --- task ---
    const taskCpu = int(p, "taskCpu", args.taskCpu ?? 512, 256, 16384);
    const taskMemory = int(p, "taskMemory", args.taskMemory ?? 1024, 512, 122880);
    if (Number.isInteger(taskCpu) && Number.isInteger(taskMemory) && !isValidTaskSize(taskCpu, taskMemory)) {
        if (TASK_SIZES[taskCpu] === undefined) {
            p.expect(
                false,
                "taskCpu",
                taskCpu,
                `is not a valid ECS task CPU: expected one of ${Object.keys(TASK_SIZES).join(", ")}`,
            );
        } else {
            p.expect(
                false,
                "taskMemory",
                taskMemory,
                `is not a valid ECS task memory for taskCpu ${taskCpu}: expected ${describeMemoryFor(taskCpu)} MiB`,
            );
        }
    }
    const containerName = args.containerName ?? "app";
    p.expect(
        typeof containerName === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(containerName),
        "containerName",
        containerName,
        "is not a container name: expected letters, digits, hyphens and underscores",
    );
    const containerPort = int(p, "containerPort", args.containerPort ?? 3000, 1, 65535);
    const healthCheckPath = args.healthCheckPath ?? "/api/health";
    p.expect(
        typeof healthCheckPath === "string" && HEALTH_PATH.test(healthCheckPath) && healthCheckPath.length <= 1024,
        "healthCheckPath",
        healthCheckPath,
        "is not an HTTP path such as /api/health",
    );
    const containerHealthCheckCommand =
        args.containerHealthCheckCommand ?? defaultHealthCheckCommand(containerPort, healthCheckPath);
    p.expect(
        Array.isArray(containerHealthCheckCommand) &&
            containerHealthCheckCommand.length >= 2 &&
            ["CMD", "CMD-SHELL"].includes(containerHealthCheckCommand[0]) &&
            containerHealthCheckCommand.every((c) => typeof c === "string"),
        "containerHealthCheckCommand",
        containerHealthCheckCommand,
        `is not a container health check command: expected ["CMD", <executable>, ...args] or ["CMD-SHELL", <command>]`,
    );
    const containerUser = args.containerUser ?? DEFAULT_CONTAINER_USER;
    p.expect(
        typeof containerUser === "string" && CONTAINER_USER.test(containerUser) && !isRootUser(containerUser),
        "containerUser",
        containerUser,
        `is not a non-root container user: expected "<uid or name>[:<gid or group>]" other than root or 0`,
    );
    const logRetentionDays = args.logRetentionDays ?? 30;
    p.expect(
        (LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays),
        "logRetentionDays",
        logRetentionDays,
        `is not a CloudWatch Logs retention: expected one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
    environmentMap(p, args.environment ?? {}, args.secrets ?? {});
    secretsMap(p, args.secrets ?? {});
    (args.secretsKmsKeyArns ?? []).forEach((k, i) =>
        // They become the Resource of the execution role's kms:Decrypt: IAM matches
        // key ARNs only, so an alias ARN would deploy and then fail every task start.
        optionalInput(
            p,
            `secretsKmsKeyArns.${i}`,
            k,
            KMS_KEY_ONLY_ARN,
            "is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; an alias ARN grants nothing in IAM)",
        ),
    );
    taskRoleStatements(p, args.taskRoleStatements ?? []);

    // --- service ---
    const minTasks = int(p, "minTasks", args.minTasks ?? 1, 0, 1000);
    const maxTasks = int(p, "maxTasks", args.maxTasks ?? Math.max(minTasks, 2), 1, 1000);
    const desiredTasks = int(p, "desiredTasks", args.desiredTasks ?? minTasks, 0, 1000);
    ordered(p, "minTasks", minTasks, "maxTasks", maxTasks);
    within(p, "desiredTasks", desiredTasks, "minTasks", minTasks, "maxTasks", maxTasks);
    const autoScaling = bool(p, "autoScaling", args.autoScaling ?? true);
    const cpuTargetPercent = int(p, "cpuTargetPercent", args.cpuTargetPercent ?? 70, 10, 95);
    const memoryTargetPercent =
        args.memoryTargetPercent === undefined
            ? undefined
            : int(p, "memoryTargetPercent", args.memoryTargetPercent, 10, 95);
    const requestsPerTarget =
        args.requestsPerTarget === undefined
            ? undefined
            : int(p, "requestsPerTarget", args.requestsPerTarget, 1, 1000000);
    if (requestsPerTarget !== undefined && ingress !== "alb") {
        p.add(`requestsPerTarget: ${requestsPerTarget} needs ingress "alb" (the metric is the target group's)`);
    }
    const healthCheckGracePeriodSeconds = int(
        p,
        "healthCheckGracePeriodSeconds",
        args.healthCheckGracePeriodSeconds ?? 60,
        0,
        7200,
    );
    const waitForSteadyState = bool(p, "waitForSteadyState", args.waitForSteadyState ?? true);

    // --- image ---
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
    let buildContext: string | undefined;
    let dockerfile: string | undefined;
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
    if (args.buildContext !== undefined) {
        const dir =
            typeof args.buildContext === "string" && args.buildContext.length > 0
                ? path.resolve(args.buildContext)
                : undefined;
        if (dir === undefined || !isDirectory(dir)) {
            p.expect(false, "buildContext", args.buildContext, "is not an existing directory");
        } else {
            buildContext = dir;
            const file = path.resolve(
                dir,
                typeof args.dockerfile === "string" && args.dockerfile ? args.dockerfile : "Dockerfile",
            );
            if (isFile(file)) dockerfile = file;
            else
                p.expect(
                    false,
                    args.dockerfile === undefined ? "buildContext" : "dockerfile",
                    args.dockerfile ?? args.buildContext,
                    `has no Dockerfile: ${file} does not exist`,
                );
        }
    }
    const keepImages = int(p, "keepImages", args.keepImages ?? 20, 1, 1000);
    const untaggedImageExpiryDays = int(p, "untaggedImageExpiryDays", args.untaggedImageExpiryDays ?? 1, 1, 3650);
    const forceDestroy = bool(p, "forceDestroy", args.forceDestroy ?? false);
    optionalInput(p, "repositoryKmsKeyArn", args.repositoryKmsKeyArn, KMS_KEY_ARN, "is not a KMS key ARN");

    // --- ingress (alb) ---
    optionalInput(p, "certificateArn", args.certificateArn, CERTIFICATE_ARN, "is not an ACM certificate ARN");
    const sslPolicy = args.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06";
    p.expect(
        typeof sslPolicy === "string" && /^ELBSecurityPolicy-TLS13-/.test(sslPolicy),
        "sslPolicy",
        sslPolicy,
        "is not a TLS 1.3 load balancer security policy: expected ELBSecurityPolicy-TLS13-*",
    );
    const domainName = args.domainName;
    if (domainName !== undefined)
        p.expect(
            typeof domainName === "string" && HOSTNAME.test(domainName),
            "domainName",
            domainName,
            "is not a valid DNS host name",
        );
    const deletionProtection = bool(p, "deletionProtection", args.deletionProtection ?? false);
    const accessLogs = bool(p, "accessLogs", args.accessLogs ?? false);
    if (args.accessLogsBucket !== undefined) {
        if (!accessLogs)
            p.add(`accessLogsBucket: is set but accessLogs is not true: expected accessLogs: true to use it`);
        if (isKnown(args.accessLogsBucket)) {
            p.expect(
                S3_BUCKET.test(String(args.accessLogsBucket)),
                "accessLogsBucket",
                args.accessLogsBucket,
                "is not an S3 bucket name",
            );
        }
    }
    const accessLogsPrefix = args.accessLogsPrefix ?? "alb";
    p.expect(
        typeof accessLogsPrefix === "string" &&
            /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(accessLogsPrefix) &&
            !/AWSLogs/.test(accessLogsPrefix),
        "accessLogsPrefix",
        accessLogsPrefix,
        "is not an S3 key prefix without leading or trailing slash (and without AWSLogs)",
    );
    const accessLogsRetentionDays = int(p, "accessLogsRetentionDays", args.accessLogsRetentionDays ?? 90, 1, 3650);
    const idleTimeoutSeconds = int(p, "idleTimeoutSeconds", args.idleTimeoutSeconds ?? 60, 1, 4000);
    const deregistrationDelaySeconds = int(
        p,
        "deregistrationDelaySeconds",
        args.deregistrationDelaySeconds ?? 30,
        0,
        3600,
    );

    p.throwIfAny();
    return {
        instanceType,
        architecture,
        additionalInstanceTypes,
        minInstances,
        maxInstances,
        desiredInstances,
        onDemandBaseCapacity,
        onDemandPercentage,
        capacityTargetPercent,
        managedTerminationProtection,
        instancePublicIp,
        rootVolumeSizeGb,
        containerInsights,
        taskCpu,
        taskMemory,
        containerName,
        containerPort,
        healthCheckPath,
        containerHealthCheckCommand,
        containerUser,
        logRetentionDays,
        minTasks,
        maxTasks,
        desiredTasks,
        autoScaling,
        cpuTargetPercent,
        memoryTargetPercent,
        requestsPerTarget,
        healthCheckGracePeriodSeconds,
        waitForSteadyState,
        buildContext,
        dockerfile,
        keepImages,
        untaggedImageExpiryDays,
        forceDestroy,
        ingress,
        https: args.certificateArn !== undefined,
        sslPolicy,
        domainName,
        deletionProtection,
        accessLogs,
        accessLogsPrefix,
        accessLogsRetentionDays,
        idleTimeoutSeconds,
        deregistrationDelaySeconds,
    };
}

function isDirectory(p: string): boolean {
    try {
        return fs.statSync(p).isDirectory();
    } catch {
        return false;
    }
}

function isFile(p: string): boolean {
    try {
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}

function int(p: Problems, key: string, value: unknown, min: number, max: number): number {
    const expected = `expected an integer from ${min} to ${max}`;
    if (typeof value !== "number" || !Number.isFinite(value))
        p.expect(false, key, value, `is not a number: ${expected}`);
    else if (!Number.isInteger(value)) p.expect(false, key, value, `is not a whole number: ${expected}`);
    else p.expect(value >= min && value <= max, key, value, `is out of range: ${expected}`);
    return value as number;
}

function bool(p: Problems, key: string, value: unknown): boolean {
    p.expect(typeof value === "boolean", key, value, "is not a boolean: expected true or false");
    return value as boolean;
}

function oneOf<const T extends readonly string[]>(p: Problems, key: string, value: unknown, values: T): T[number] {
    p.expect(
        (values as readonly unknown[]).includes(value),
        key,
        value,
        `is not one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
    );
    return value as T[number];
}

function ordered(p: Problems, loKey: string, lo: number, hiKey: string, hi: number): void {
    if (Number.isInteger(lo) && Number.isInteger(hi)) {
        p.expect(lo <= hi, loKey, lo, `is greater than ${hiKey} (${hi}): expected ${loKey} <= ${hiKey}`);
    }
}

function within(p: Problems, key: string, value: number, loKey: string, lo: number, hiKey: string, hi: number): void {
    if ([value, lo, hi].every(Number.isInteger) && lo <= hi) {
        p.expect(value >= lo && value <= hi, key, value, `is outside ${loKey} (${lo}) to ${hiKey} (${hi})`);
    }
}

function requiredInput(
    p: Problems,
    key: string,
    value: pulumi.Input<string> | undefined,
    re: RegExp,
    expected: string,
): void {
    if (value === undefined || value === null) p.add(`${key}: is required`);
    else if (isKnown(value)) p.expect(typeof value === "string" && re.test(value), key, value, expected);
}

function optionalInput(
    p: Problems,
    key: string,
    value: pulumi.Input<string> | undefined,
    re: RegExp,
    expected: string,
): void {
    if (value !== undefined && isKnown(value))
        p.expect(typeof value === "string" && re.test(value), key, value, expected);
}

function subnetList(
    p: Problems,
    key: string,
    value: pulumi.Input<pulumi.Input<string>[]> | undefined,
    min: number,
): void {
    if (value === undefined) {
        p.add(`${key}: is required: expected a list of at least ${min} subnet id${min === 1 ? "" : "s"}`);
        return;
    }
    if (!isKnown(value)) return;
    if (!Array.isArray(value)) {
        p.expect(false, key, value, "is not a list of subnet ids");
        return;
    }
    p.expect(
        value.length >= min,
        key,
        value,
        `has ${value.length} subnet${value.length === 1 ? "" : "s"}: expected at least ${min}${min > 1 ? " (one per availability zone)" : ""}`,
    );
    value.forEach((s, i) => {
        if (isKnown(s))
            p.expect(typeof s === "string" && /^subnet-[0-9a-z-]+$/.test(s), `${key}.${i}`, s, "is not a subnet id");
    });
    const known = value.filter((s): s is string => isKnown(s) && typeof s === "string");
    const dup = known.find((s, i) => known.indexOf(s) !== i);
    if (dup !== undefined) p.expect(false, key, value, `lists ${JSON.stringify(dup)} twice`);
}

function environmentMap(
    p: Problems,
    env: Record<string, pulumi.Input<string>>,
    secrets: Record<string, pulumi.Input<string>>,
): void {
    if (env === null || typeof env !== "object" || Array.isArray(env)) {
        p.expect(false, "environment", env, "is not a map of variable names to values");
        return;
    }
    for (const [k, v] of Object.entries(env)) {
        if (!ENV_NAME.test(k)) p.expect(false, `environment.${k}`, k, "is not a valid environment variable name");
        else if (SECRET_LIKE_NAME.test(k)) {
            p.add(
                `environment.${k}: looks like a secret: pass it in secrets (a Secrets Manager ARN), never as a plain environment variable`,
            );
        } else if (k in secrets)
            p.add(`environment.${k}: is also set in secrets: expected each variable in one map only`);
        if (isKnown(v) && typeof v !== "string") p.expect(false, `environment.${k}`, v, "is not a string");
    }
}

function secretsMap(p: Problems, secrets: Record<string, pulumi.Input<string>>): void {
    if (secrets === null || typeof secrets !== "object" || Array.isArray(secrets)) {
        p.expect(false, "secrets", secrets, "is not a map of variable names to Secrets Manager ARNs");
        return;
    }
    for (const [k, v] of Object.entries(secrets)) {
        if (!ENV_NAME.test(k)) p.expect(false, `secrets.${k}`, k, "is not a valid environment variable name");
        if (isKnown(v)) {
            p.expect(
                typeof v === "string" && SECRET_VALUE_FROM.test(v),
                `secrets.${k}`,
                v,
                "is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>::])",
            );
        }
    }
}

function taskRoleStatements(p: Problems, statements: readonly TaskRoleStatement[]): void {
    if (!Array.isArray(statements)) {
        p.expect(false, "taskRoleStatements", statements, "is not a list of {actions, resources} statements");
        return;
    }
    statements.forEach((s, i) => {
        const key = `taskRoleStatements.${i}`;
        if (s === null || typeof s !== "object") {
            p.expect(false, key, s, "is not an {actions, resources} statement");
            return;
        }
        if (s.sid !== undefined)
            p.expect(IAM_SID.test(s.sid), `${key}.sid`, s.sid, "is not a statement id (letters and digits)");
        const actions = s.actions;
        if (!Array.isArray(actions) || actions.length === 0) {
            p.expect(
                false,
                `${key}.actions`,
                actions,
                "is empty: expected at least one IAM action such as s3:GetObject",
            );
        } else {
            actions.forEach((a, j) => {
                if (a === "*")
                    p.expect(false, `${key}.actions.${j}`, a, "is a wildcard action: expected service:Action");
                else
                    p.expect(
                        typeof a === "string" && IAM_ACTION.test(a),
                        `${key}.actions.${j}`,
                        a,
                        "is not an IAM action such as s3:GetObject",
                    );
            });
        }
        const resources = s.resources;
        if (!Array.isArray(resources) || resources.length === 0) {
            p.expect(false, `${key}.resources`, resources, "is empty: expected at least one resource ARN");
            return;
        }
        resources.forEach((r, j) => {
            if (!isKnown(r)) return;
            p.expect(
                typeof r === "string" && (r === "*" || /^arn:aws[a-z-]*:/.test(r)),
                `${key}.resources.${j}`,
                r,
                "is not an ARN",
            );
        });
        const anyResource = resources.some((r) => isKnown(r) && r === "*");
        const wideActions = Array.isArray(actions)
            ? actions.filter((a) => typeof a === "string" && a.endsWith(":*"))
            : [];
        if (anyResource && wideActions.length > 0) {
            p.add(
                `${key}: grants ${wideActions.join(", ")} on "*": expected exact actions or exact resource ARNs (least privilege)`,
            );
        }
    });
}
