/**
 * The operations components of an environment as steps (see ./steps.ts): the
 * billing guard and the alarms and dashboard over the other components.
 */
import * as pulumi from "@pulumi/pulumi";
import { BILLING_REGION, BillingAlarm, Observability } from "../components";
import { resolveBillingAlarmArgs } from "../components/billing/validation";
import { resolveObservabilityArgs } from "../components/observability/observability";
import {
    appSecretStep,
    certificateStep,
    COST_TAG,
    dbStep,
    defined,
    environmentTags,
    imagesStep,
    serviceStep,
    vpcStep,
} from "./environmentSteps";
import { cacheStep, messagesStep } from "./messaging";
import { authStep, jwksStep } from "./auth";
import { sitePrepStep, siteStep } from "./siteSteps";
import type { EnvironmentConfig } from "./config";
import { step, type Refs, type Step } from "./steps";

function fail(message: string): never {
    throw new Error(message);
}

export const billingStep = step({
    ref: "billing",
    component: "BillingAlarm",
    name: (c) => `${c.stack}-billing`,
    args: (c) => {
        const tags = environmentTags(c);
        return {
            thresholdUsdPerDay: c.billingThresholdUsdPerDay,
            emails: c.billingEmails,
            monthlyBudgetUsd: c.monthlyBudgetUsd,
            accountAlarms: c.billingAccountAlarm,
            // The budget counts this environment's costs only: every resource carries the tag.
            ...(c.monthlyBudgetUsd !== undefined ? { budgetTagKey: COST_TAG, budgetTagValue: tags[COST_TAG] } : {}),
            tags,
        };
    },
    validate: (name, args) => resolveBillingAlarmArgs(name, args),
    create: (name, args) => new BillingAlarm(name, args),
    keys: {
        thresholdUsdPerDay: "billingThresholdUsdPerDay",
        emails: "billingEmails",
        accountAlarms: "billingAccountAlarm",
        budgetTagKey: "tags",
        budgetTagValue: "tags",
    },
});

/** The name of a function a component creates in this environment (its output is undefined otherwise). */
const present = (name: pulumi.Output<string | undefined>, what: string) =>
    name.apply((n) => n ?? fail(`${what}: the component created no function`));

/**
 * The environment's other functions and failure queues, one alarm each: the JWKS mirror (hourly: one
 * failed run does not page, two within three hours do), the post-confirmation trigger, the message
 * stream's consumer and the queue of the records it could not process, and the VPC link keep-alive
 * (daily) with ingress "httpApi".
 */
function watchedFunctionsAndQueues(c: EnvironmentConfig, refs: Refs) {
    const { jwks, auth, messages, service } = refs;
    const fn = (FunctionName: pulumi.Input<string>) => pulumi.output(FunctionName).apply((n) => ({ FunctionName: n }));
    return {
        lambdaFunctions: [
            { label: "jwks-mirror", dimensions: fn(jwks.functionName), runs: "hourly" as const },
            { label: "auth-trigger", dimensions: fn(present(auth.triggerFunctionName, "UserAuth trigger")) },
            { label: "message-consumer", dimensions: fn(messages.consumerFunctionName) },
            ...(c.ingress === "httpApi"
                ? [
                      {
                          label: "vpc-link-keep-alive",
                          dimensions: fn(present(service.keepAliveFunctionName, "VPC link keep-alive")),
                          runs: "daily" as const,
                      },
                  ]
                : []),
        ],
        deadLetterQueues: [
            {
                label: "message-consumer-failures",
                dimensions: messages.failureQueueName.apply((QueueName) => ({ QueueName })),
            },
        ],
    };
}

export const observabilityStep = step({
    ref: "observability",
    component: "Observability",
    name: (c) => `${c.stack}-ops`,
    args: (c, refs) => {
        const { service, db, images, billing } = refs;
        return {
            region: c.region,
            alarmEmails: c.alarmEmails,
            ...(c.ingress === "alb"
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
            ...watchedFunctionsAndQueues(c, refs),
            appLogGroupName: service.logGroupName,
            // One customer managed key for both topics where they share a region (the billing topic's
            // key admits every CloudWatch alarm of the account in us-east-1).
            ...(c.region === BILLING_REGION
                ? {
                      topicKmsKeyArn: billing.topicKeyArn.apply(
                          (arn) => arn ?? fail("BillingAlarm created no topic key"),
                      ),
                  }
                : {}),
            http5xxPer5Min: c.alarmHttp5xxPer5Min,
            responseTimeSeconds: c.alarmResponseTimeSeconds,
            ecsCpuPercent: c.alarmEcsCpuPercent,
            ecsMemoryPercent: c.alarmEcsMemoryPercent,
            dbCpuPercent: c.alarmDbCpuPercent,
            dbFreeStorageGb: c.alarmDbFreeStorageGb,
            dbConnections: c.alarmDbConnections,
            tags: environmentTags(c),
        };
    },
    validate: (name, args) => resolveObservabilityArgs(name, args),
    create: (name, args) => new Observability(name, args),
    keys: {
        region: "aws:region",
        http5xxPer5Min: "alarmHttp5xxPer5Min",
        responseTimeSeconds: "alarmResponseTimeSeconds",
        ecsCpuPercent: "alarmEcsCpuPercent",
        ecsMemoryPercent: "alarmEcsMemoryPercent",
        dbCpuPercent: "alarmDbCpuPercent",
        dbFreeStorageGb: "alarmDbFreeStorageGb",
        dbConnections: "alarmDbConnections",
    },
});

/** The core steps in construction order (modules append theirs in stacks/environment.ts). */
export const CORE_STEPS: readonly Step<any, any, any>[] = [
    sitePrepStep,
    vpcStep,
    imagesStep,
    appSecretStep,
    certificateStep,
    dbStep,
    messagesStep,
    cacheStep,
    authStep,
    jwksStep,
    serviceStep,
    siteStep,
    billingStep,
    observabilityStep,
];
