// The Pulumi program: validate the current stack's configuration (before any
// resource is registered), build the environment, export its outputs.
import { loadEnvironmentConfig } from "./stacks/config";
import { buildEnvironment } from "./stacks/environment";

const environment = buildEnvironment(loadEnvironmentConfig());

export const environmentName = environment.environment;
export const region = environment.region;
export const applicationUrl = environment.applicationUrl;
export const databaseEndpoint = environment.databaseEndpoint;
export const bucketName = environment.bucketName;
export const imageTopicArn = environment.imageTopicArn;
export const alarmTopicArn = environment.alarmTopicArn;
export const billingTopicArn = environment.billingTopicArn;
export const dashboardUrl = environment.dashboardUrl;
export const vpcId = environment.vpcId;
export const clusterName = environment.clusterName;
export const repositoryUrl = environment.repositoryUrl;
export const idleMonthlyCostUsd = environment.idleMonthlyCostUsd;
