/**
 * The core components of an environment as steps (see ./steps.ts): each maps
 * the configuration to the component's arguments and names its resolver, so
 * stacks/environment.ts validates all of them before registering any.
 *
 *   SecureVpc → ImagePipeline → AppSecret → DomainCertificate (with a domain)
 *   → PostgresDb (isolated subnets) → EcsEc2Service (admitted by the
 *   database) → the site (stacks/siteSteps.ts) → BillingAlarm →
 *   Observability
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { authAppEnvironment, authServiceArgs, authTaskRoleStatements } from "./auth";
import {
    AppSecret,
    type BillingAlarm,
    DomainCertificate,
    EcsEc2Service,
    ImagePipeline,
    type Observability,
    PostgresDb,
    SecureVpc,
} from "../components";
import { resolvePostgresDbSettings } from "../components/database/validation";
import { resolveDomainCertificateArgs } from "../components/edge/domainCertificate";
import { RENDERS_PREFIX, resolveImagePipelineArgs, UPLOADS_PREFIX } from "../components/imagePipeline/validation";
import { resolveEcsEc2ServiceArgs } from "../components/patterns/ecsEc2ServiceArgs";
import { resolveAppSecretArgs } from "../components/secrets/appSecret";
import { egressTierFor } from "../components/vpc/policies";
import { DEFAULT_NAT_STRATEGY, resolveVpcArgs } from "../components/vpc/validation";
import type { EnvironmentConfig } from "./config";
import { databaseArgs, databaseClientEnvironment } from "./database";
import { admitToMessaging, messagingEgressPorts, messagingEnvironment, messagingStatements } from "./messaging";
import { step } from "./steps";

declare module "./steps" {
    interface Refs {
        vpc: SecureVpc;
        images: ImagePipeline;
        appSecret: AppSecret;
        certificate?: DomainCertificate;
        db: PostgresDb;
        service: EcsEc2Service;
        billing: BillingAlarm;
        observability: Observability;
    }
}

/**
 * Cost allocation tag that scopes each environment's budget (activate it once
 * per account: Billing and Cost Management, Cost allocation tags).
 */
export const COST_TAG = "Environment";

/** The database role the application serves traffic as (created by its start-up migration). */
export const APP_DB_USER = "app";

/** The project directory (Pulumi.yaml): relative paths in the configuration resolve against it, not the cwd. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Build context of the application image when neither `image` nor `buildContext` is set. */
export const DEFAULT_BUILD_CONTEXT = "app";

const prod = (c: EnvironmentConfig) => c.environment === "prod";

/** Every taggable resource carries the cost allocation tag the budget filters on. */
export function environmentTags(c: EnvironmentConfig): Record<string, string> {
    return { ...c.tags, [COST_TAG]: c.tags[COST_TAG] ?? c.environment };
}

/** An ingress output the chosen mode always sets (config validation guarantees the mode). */
export function defined(value: pulumi.Output<string | undefined>, what: string): pulumi.Output<string> {
    return value.apply((v) => {
        if (v === undefined) throw new Error(`EcsEc2Service output ${what} is unset for this ingress mode`);
        return v;
    });
}

/** Arguments from environment switches (prod protections), reported against `aws-webapp:environment`. */
export const BY_ENVIRONMENT = "environment";

export const vpcStep = step({
    ref: "vpc",
    component: "SecureVpc",
    name: (c) => `${c.stack}-vpc`,
    args: (c) => ({
        cidrBlock: c.vpcCidr,
        availabilityZoneCount: c.availabilityZones,
        availabilityZoneNames: c.zones,
        natStrategy: c.natStrategy,
        ...(c.natStrategy === "Instance" ? { natInstanceType: c.natInstanceType } : {}),
        flowLogRetentionDays: c.logRetentionDays,
        tags: environmentTags(c),
    }),
    validate: (name, args) => resolveVpcArgs(name, args),
    create: (name, args) => new SecureVpc(name, args),
    keys: {
        cidrBlock: "vpcCidr",
        availabilityZoneCount: "availabilityZones",
        flowLogRetentionDays: "logRetentionDays",
    },
    standIn: (args) => {
        const tier = egressTierFor(args.natStrategy ?? DEFAULT_NAT_STRATEGY);
        return { natStrategy: args.natStrategy, egressNeedsPublicIp: tier === "public" };
    },
});

export const imagesStep = step({
    ref: "images",
    component: "ImagePipeline",
    name: (c) => `${c.stack}-images`,
    args: (c, refs) => ({
        production: prod(c),
        versioning: prod(c),
        expireUploadsAfterDays: prod(c) ? undefined : 30,
        logRetentionDays: c.logRetentionDays,
        // The distribution reads renders/ (OAC) and the site's origin uploads by POST (stacks/site.ts).
        ...refs.sitePrep.media,
        tags: environmentTags(c),
    }),
    validate: (name, args) => resolveImagePipelineArgs(name, args),
    create: (name, args) => new ImagePipeline(name, args),
    keys: { production: BY_ENVIRONMENT, versioning: BY_ENVIRONMENT, expireUploadsAfterDays: BY_ENVIRONMENT },
    standIn: (_args, _c, s) => ({
        uploadsPrefix: UPLOADS_PREFIX,
        rendersPrefix: RENDERS_PREFIX,
        ...(s ? { maxUploadBytes: s.maxUploadBytes } : {}),
    }),
});

export const appSecretStep = step({
    ref: "appSecret",
    component: "AppSecret",
    name: (c) => `${c.stack}-app-secret`,
    args: (c) => ({
        secretName: `${pulumi.getProject()}/${c.stack}/secret-key`,
        recoveryWindowInDays: prod(c) ? 30 : 0,
        tags: environmentTags(c),
    }),
    validate: (name, args) => resolveAppSecretArgs(name, args),
    create: (name, args) => new AppSecret(name, args),
    keys: { secretName: "", recoveryWindowInDays: BY_ENVIRONMENT },
});

export const certificateStep = step({
    ref: "certificate",
    component: "DomainCertificate",
    name: (c) => `${c.stack}-domain`,
    enabled: (c) => c.domainName !== undefined && c.hostedZoneName !== undefined,
    args: (c) => ({ domainName: c.domainName!, hostedZoneName: c.hostedZoneName!, tags: environmentTags(c) }),
    validate: (name, args) => resolveDomainCertificateArgs(name, args),
    create: (name, args) => new DomainCertificate(name, args),
});

// The service receives the database's endpoint; the database admits the
// service's security group once the service exists (afterCreate below).
export const dbStep = step({
    ref: "db",
    component: "PostgresDb",
    name: (c) => `${c.stack}-db`,
    args: (c, refs) => databaseArgs(c, refs.vpc, environmentTags(c)),
    validate: (name, args) => resolvePostgresDbSettings(name, args, pulumi.getStack()),
    create: (name, args) => new PostgresDb(name, args),
    standIn: (args) => ({ mode: args.mode ?? "instance" }),
    keys: {
        vpcId: "",
        isolatedSubnetIds: "",
        production: BY_ENVIRONMENT,
        mode: "dbMode",
        engineVersion: "dbEngineVersion",
        auroraEngineVersion: "dbAuroraEngineVersion",
        minCapacityAcu: "dbMinCapacityAcu",
        maxCapacityAcu: "dbMaxCapacityAcu",
        instanceClass: "dbInstanceClass",
        allocatedStorageGb: "dbAllocatedStorageGb",
        maxAllocatedStorageGb: "dbMaxAllocatedStorageGb",
        multiAz: "dbMultiAz",
        backupRetentionDays: "dbBackupRetentionDays",
        performanceInsights: "dbPerformanceInsights",
    },
});

/** Where the application image comes from: a prebuilt reference, or a build of a directory of the project. */
export function imageSource(c: EnvironmentConfig): { image: string } | { buildContext: string } {
    if (c.image !== undefined) return { image: c.image };
    return { buildContext: path.resolve(PROJECT_DIR, c.buildContext ?? DEFAULT_BUILD_CONTEXT) };
}

// Instances sit in the tier with internet egress, as the VPC reports it:
// private behind NAT, or public (with a public IP, no inbound rule) without.
export const serviceStep = step({
    ref: "service",
    component: "EcsEc2Service",
    name: (c) => `${c.stack}-web`,
    args: (c, refs) => {
        const { vpc, db, images, appSecret, certificate } = refs;
        return {
            vpcId: vpc.vpcId,
            cidrBlock: vpc.cidrBlock,
            // Inside the VPC the tasks reach the database's port only.
            vpcEgressPorts: [db.port, ...messagingEgressPorts(c)],
            instanceSubnetIds: vpc.egressSubnetIds,
            instancePublicIp: vpc.egressNeedsPublicIp,
            serviceSubnetIds: vpc.privateSubnetIds,
            ingress: c.ingress,
            instanceType: c.instanceType,
            amiId: c.amiId,
            architecture: c.architecture,
            minInstances: c.minInstances,
            maxInstances: c.maxInstances,
            desiredInstances: c.desiredInstances,
            onDemandPercentage: c.onDemandPercentage,
            taskCpu: c.taskCpu,
            taskMemory: c.taskMemory,
            containerPort: c.containerPort,
            desiredTasks: c.desiredTasks,
            minTasks: c.minTasks,
            maxTasks: c.maxTasks,
            cpuTargetPercent: c.cpuTargetPercent,
            containerInsights: c.containerInsights,
            logRetentionDays: c.logRetentionDays,
            ...imageSource(c),
            environment: {
                NODE_ENV: "production",
                DB_HOST: db.address,
                DB_PORT: db.port.apply(String),
                DB_NAME: db.dbName,
                DB_SSL: "verify-full",
                // Traffic as a non-master role signed in with IAM tokens from the task role
                // (the master secret serves the start-up migration only; survives rotation).
                DB_APP_USER: APP_DB_USER,
                DB_APP_AUTH: "iam",
                ...databaseClientEnvironment(c),
                // Tasks cannot reach IMDS (hop limit 1): the SDK gets the region from here.
                AWS_REGION: c.region,
                UPLOADS_BUCKET: images.bucketName,
                UPLOADS_PREFIX: images.uploadsPrefix,
                RENDERS_PREFIX: images.rendersPrefix,
                MAX_UPLOAD_BYTES: String(images.maxUploadBytes),
                ...messagingEnvironment(refs, c),
                ...authAppEnvironment(refs.auth, refs.jwks),
            },
            secrets: {
                DB_SECRET: db.masterUserSecretArn,
                SECRET_KEY: appSecret.secretArn,
            },
            // Presigned uploads: put objects under uploads/ and nothing else on the bucket.
            taskRoleStatements: [
                {
                    sid: "PutUploads",
                    actions: ["s3:PutObject"],
                    resources: [pulumi.interpolate`${images.bucketArn}/${images.uploadsPrefix}*`],
                },
                // GET /api/images/{id} reads the manifest the resize handler writes.
                {
                    sid: "ReadRenditionManifests",
                    actions: ["s3:GetObject"],
                    resources: [pulumi.interpolate`${images.bucketArn}/${images.rendersPrefix}*/manifest.json`],
                },
                {
                    sid: "ConnectAsAppUser",
                    actions: ["rds-db:connect"],
                    resources: [pulumi.interpolate`${db.iamConnectArnPrefix}/${APP_DB_USER}`],
                },
                ...messagingStatements(refs),
                ...authTaskRoleStatements(refs.jwks),
            ],
            ...(c.ingress === "alb"
                ? {
                      albSubnetIds: vpc.publicSubnetIds,
                      certificateArn: certificate?.certificateArn,
                      domainName: c.domainName,
                      deletionProtection: prod(c),
                      accessLogs: prod(c),
                      // Only CloudFront, only with the origin header (stacks/site.ts).
                      ...refs.sitePrep.loadBalancer,
                  }
                : {}),
            forceDestroy: !prod(c),
            ...authServiceArgs(c, refs.auth),
            tags: environmentTags(c),
        };
    },
    validate: (name, args) => resolveEcsEc2ServiceArgs(name, args),
    create: (name, args) => new EcsEc2Service(name, args),
    afterCreate: (service, refs, c) => {
        // The rule was `<db>-from-0` when the group was passed at construction: the alias keeps it.
        refs.db.allowFrom("web", service.serviceSecurityGroupId, { aliases: [{ name: `${c.stack}-db-from-0` }] });
        admitToMessaging(refs, service);
    },
    keys: {
        vpcId: "",
        cidrBlock: "",
        vpcEgressPorts: "",
        instanceSubnetIds: "",
        instancePublicIp: "natStrategy",
        serviceSubnetIds: "",
        albSubnetIds: "",
        architecture: "instanceType",
        // The container's environment variables, not the environment class.
        environment: "",
        secrets: "",
        taskRoleStatements: "",
        certificateArn: "domainName",
        deletionProtection: BY_ENVIRONMENT,
        accessLogs: BY_ENVIRONMENT,
        forceDestroy: BY_ENVIRONMENT,
    },
});
