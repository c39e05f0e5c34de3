import * as pulumi from "@pulumi/pulumi";
import {
    AppSecret,
    BILLING_REGION,
    BillingAlarm,
    DomainCertificate,
    EcsEc2Service,
    ImagePipeline,
    Observability,
    PostgresDb,
    SecureVpc,
} from "../components";
import type { EnvironmentConfig } from "./config";
import { applyDeployAccess } from "./deployAccess";
import { databaseArgs, databaseClientEnvironment } from "./database";
import { plannedIdleMonthlyCostUsd } from "./plannedCost";
import { buildSite, prepareSite } from "./site";

function fail(message: string): never {
    throw new Error(message);
}

/** An ingress output the chosen mode always sets (config validation guarantees the mode). */
function defined(value: pulumi.Output<string | undefined>, what: string): pulumi.Output<string> {
    return value.apply((v) => {
        if (v === undefined) throw new Error(`EcsEc2Service output ${what} is unset for this ingress mode`);
        return v;
    });
}

/**
 * Cost allocation tag that scopes each environment's budget (activate it once
 * per account: Billing and Cost Management, Cost allocation tags).
 */
export const COST_TAG = "Environment";

/** The database role the application serves traffic as (created by its start-up migration). */
export const APP_DB_USER = "app";

/** What an environment exports as stack outputs. */
export interface EnvironmentOutputs {
    readonly environment: string;
    readonly region: string;
    readonly applicationUrl: pulumi.Output<string>;
    readonly databaseEndpoint: pulumi.Output<string>;
    readonly bucketName: pulumi.Output<string>;
    readonly imageTopicArn: pulumi.Output<string>;
    readonly alarmTopicArn: pulumi.Output<string>;
    readonly billingTopicArn: pulumi.Output<string>;
    readonly dashboardUrl: pulumi.Output<string>;
    readonly vpcId: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    /** Idle monthly cost (USD) of the committed configuration, from `npm run plan`. */
    readonly idleMonthlyCostUsd: number | undefined;
}

/**
 * Builds one environment (dev, prod, ...) from validated configuration by
 * composing the library's components:
 *
 *   SecureVpc → EcsEc2Service (tasks in private subnets; ALB in public
 *   subnets or HTTP API + VPC link) → PostgresDb (isolated subnets, admits
 *   only the service's security group); ImagePipeline; BillingAlarm;
 *   Observability; the site (CloudFront: frontend, /api/*, /media/renders/*,
 *   web ACL, alias record; stacks/site.ts) and further services.
 *
 * Everything environment-specific comes from `config`; there is no branch on
 * the stack's name.
 */
export function buildEnvironment(config: EnvironmentConfig): EnvironmentOutputs {
    applyDeployAccess(config);
    const prod = config.environment === "prod";
    const name = config.stack;
    // Every taggable resource carries the cost allocation tag the budget filters on.
    const tags = { ...config.tags, [COST_TAG]: config.tags[COST_TAG] ?? config.environment };
    // The built frontend is checked first; the origin secret and deferred media grants (stacks/site.ts).
    const site = prepareSite(config);

    const vpc = new SecureVpc(`${name}-vpc`, {
        cidrBlock: config.vpcCidr,
        availabilityZoneCount: config.availabilityZones,
        natStrategy: config.natStrategy,
        ...(config.natStrategy === "Instance" ? { natInstanceType: config.natInstanceType } : {}),
        flowLogRetentionDays: config.logRetentionDays,
        tags,
    });

    const images = new ImagePipeline(`${name}-images`, {
        production: prod,
        versioning: prod,
        expireUploadsAfterDays: prod ? undefined : 30,
        logRetentionDays: config.logRetentionDays,
        ...site.media,
        tags,
    });

    const appSecret = new AppSecret(`${name}-app-secret`, {
        secretName: `${pulumi.getProject()}/${config.stack}/secret-key`,
        recoveryWindowInDays: prod ? 30 : 0,
        tags,
    });

    const certificate =
        config.domainName && config.hostedZoneName
            ? new DomainCertificate(`${name}-domain`, {
                  domainName: config.domainName,
                  hostedZoneName: config.hostedZoneName,
                  tags,
              })
            : undefined;

    // The service receives the database's endpoint; the database admits the
    // service's security group once the service exists (allowFrom below).
    const db = new PostgresDb(`${name}-db`, databaseArgs(config, vpc, tags));

    // Instances sit in the tier with internet egress, as the VPC reports it:
    // private behind NAT, or public (with a public IP, no inbound rule) without.
    const service = new EcsEc2Service(`${name}-web`, {
        vpcId: vpc.vpcId,
        cidrBlock: vpc.cidrBlock,
        // Inside the VPC the tasks reach the database's port only.
        vpcEgressPorts: [db.port],
        instanceSubnetIds: vpc.egressSubnetIds,
        instancePublicIp: vpc.egressNeedsPublicIp,
        serviceSubnetIds: vpc.privateSubnetIds,
        ingress: config.ingress,
        instanceType: config.instanceType,
        amiId: config.amiId,
        architecture: config.architecture,
        minInstances: config.minInstances,
        maxInstances: config.maxInstances,
        desiredInstances: config.desiredInstances,
        onDemandPercentage: config.onDemandPercentage,
        taskCpu: config.taskCpu,
        taskMemory: config.taskMemory,
        containerPort: config.containerPort,
        desiredTasks: config.desiredTasks,
        minTasks: config.minTasks,
        maxTasks: config.maxTasks,
        cpuTargetPercent: config.cpuTargetPercent,
        containerInsights: config.containerInsights,
        logRetentionDays: config.logRetentionDays,
        ...(config.image ? { image: config.image } : { buildContext: "app" }),
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
            ...databaseClientEnvironment(config),
            // Tasks cannot reach IMDS (hop limit 1): the SDK gets the region from here.
            AWS_REGION: config.region,
            UPLOADS_BUCKET: images.bucketName,
            UPLOADS_PREFIX: images.uploadsPrefix,
            RENDERS_PREFIX: images.rendersPrefix,
            MAX_UPLOAD_BYTES: String(images.maxUploadBytes),
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
        ],
        ...(config.ingress === "alb"
            ? {
                  albSubnetIds: vpc.publicSubnetIds,
                  certificateArn: certificate?.certificateArn,
                  domainName: config.domainName,
                  deletionProtection: prod,
                  accessLogs: prod,
                  ...site.loadBalancer,
              }
            : {}),
        forceDestroy: !prod,
        tags,
    });
    // The rule was `<db>-from-0` when the group was passed at construction: the alias keeps it.
    db.allowFrom("web", service.serviceSecurityGroupId, { aliases: [{ name: `${name}-db-from-0` }] });

    // CloudFront in front: site, /api/*, /media/renders/*, web ACL, DNS, further services.
    const edge = buildSite(config, { tags, vpc, service, images, certificate }, site);

    const billing = new BillingAlarm(`${name}-billing`, {
        thresholdUsdPerDay: config.billingThresholdUsdPerDay,
        emails: config.billingEmails,
        monthlyBudgetUsd: config.monthlyBudgetUsd,
        accountAlarms: config.billingAccountAlarm,
        // The budget counts this environment's costs only: every resource carries the tag.
        ...(config.monthlyBudgetUsd !== undefined ? { budgetTagKey: COST_TAG, budgetTagValue: tags[COST_TAG] } : {}),
        tags,
    });

    const observability = new Observability(`${name}-ops`, {
        region: config.region,
        alarmEmails: config.alarmEmails,
        ...(config.ingress === "alb"
            ? {
                  loadBalancer: pulumi
                      .all([
                          defined(service.loadBalancerArnSuffix, "loadBalancerArnSuffix"),
                          defined(service.targetGroupArnSuffix, "targetGroupArnSuffix"),
                      ])
                      .apply(([LoadBalancer, TargetGroup]) => ({ LoadBalancer, TargetGroup })),
              }
            : { httpApi: defined(service.apiId, "apiId").apply((ApiId) => ({ ApiId })) }),
        ecsService: pulumi
            .all([service.clusterName, service.serviceName])
            .apply(([ClusterName, ServiceName]) => ({ ClusterName, ServiceName })),
        database: db.metricDimensions,
        databaseServerless: db.mode === "serverless",
        lambdaFunction: images.functionName.apply((FunctionName) => ({ FunctionName })),
        deadLetterQueue: images.dlqName.apply((QueueName) => ({ QueueName })),
        appLogGroupName: service.logGroupName,
        // One customer managed key for both topics where they share a region (the billing topic's
        // key admits every CloudWatch alarm of the account in us-east-1).
        ...(config.region === BILLING_REGION
            ? { topicKmsKeyArn: billing.topicKeyArn.apply((arn) => arn ?? fail("BillingAlarm created no topic key")) }
            : {}),
        http5xxPer5Min: config.alarmHttp5xxPer5Min,
        responseTimeSeconds: config.alarmResponseTimeSeconds,
        ecsCpuPercent: config.alarmEcsCpuPercent,
        ecsMemoryPercent: config.alarmEcsMemoryPercent,
        dbCpuPercent: config.alarmDbCpuPercent,
        dbFreeStorageGb: config.alarmDbFreeStorageGb,
        dbConnections: config.alarmDbConnections,
        tags,
    });

    return {
        environment: config.environment,
        region: config.region,
        applicationUrl: edge.url,
        databaseEndpoint: db.endpoint,
        bucketName: images.bucketName,
        imageTopicArn: images.topicArn,
        alarmTopicArn: observability.topicArn,
        billingTopicArn: billing.topicArn,
        dashboardUrl: observability.dashboardUrl,
        vpcId: vpc.vpcId,
        clusterName: service.clusterName,
        repositoryUrl: service.repositoryUrl,
        idleMonthlyCostUsd: plannedIdleMonthlyCostUsd(config.stack),
    };
}
